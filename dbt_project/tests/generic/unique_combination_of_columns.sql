{#- Fails on every combination of the given columns that occurs more than once
    (a grain test without dbt_utils, which would need `dbt deps` and the network). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
{%- set columns = combination_of_columns | join(', ') %}
    select {{ columns }}, count(*) as n_rows
    from {{ model }}
    group by {{ columns }}
    having count(*) > 1
{% endtest %}
