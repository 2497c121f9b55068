{#- A NUTS code as the regions seed spells it (NUTS 2016). NUTS 2021 renumbered two of
    Limburg's arrondissements: BE224 Hasselt was BE221, BE225 Maaseik was BE222 (BE223 Tongeren
    kept its code). Neither new code existed before, so the mapping is safe for every vintage. -#}
{% macro nuts_2016_code(geo) -%}
    case upper({{ geo }}) when 'BE224' then 'BE221' when 'BE225' then 'BE222' else upper({{ geo }}) end
{%- endmacro %}
