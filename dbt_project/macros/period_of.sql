{#- 1 January of a year, as a DATE: a time axis for BI tools, which take no bare integer year
    as time. #}
{% macro period_of(year) -%}
    make_date(cast({{ year }} as integer), 1, 1)
{%- endmacro %}
