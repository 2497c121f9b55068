{#- How far a value lies from the reference region's, in %: `100 * (value / reference - 1)`,
    NULL when the reference is zero. Only ratios and rates are compared across regions: a
    level depends on the region's size. -#}
{% macro gap_pct(value, reference_value) -%}
    case
        when {{ reference_value }} <> 0
            then 100 * ({{ value }} / {{ reference_value }} - 1)
    end
{%- endmacro %}

{#- The indicator kinds that have a gap, as a SQL list: `kind in ({{ comparable_kinds() }})`. -#}
{% macro comparable_kinds() -%}
    'ratio', 'rate'
{%- endmacro %}
