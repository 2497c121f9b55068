{#- A raw table that a build may lack: the snapshot or a live run can leave out a publisher
    (a live run that loads NBB only, say). When `raw.<table>` is absent, the model reads an
    empty relation of the same columns instead of failing the whole build; the golden and
    coverage checks then fail on the missing values, with the indicator named.
    `columns` is a list of [name, type] pairs. -#}
{% macro optional_source(source_name, table_name, columns) -%}
{%- set relation = source(source_name, table_name) -%}
{%- set found = relation -%}
{#- A unit test hands in its fixture as a CTE without a schema: use it as it is. -#}
{%- if execute and relation.schema is not none -%}
{%- set found = adapter.get_relation(
    database=relation.database, schema=relation.schema, identifier=relation.identifier
) -%}
{%- endif -%}
{%- if found is not none -%}
(select
{%- for column in columns %} {{ column[0] }}{{ "," if not loop.last }}{% endfor %}
from {{ relation }})
{%- else -%}
(select
{%- for column in columns %} cast(null as {{ column[1] }}) as {{ column[0] }}
{{- "," if not loop.last }}{% endfor %}
where false)
{%- endif -%}
{%- endmacro %}

{#- Provenance columns every raw table ends with (warehouse/load.py). -#}
{% macro raw_provenance_columns() -%}
{{ return([
    ['series_key', 'varchar'],
    ['is_modelled', 'boolean'],
    ['source_id', 'varchar'],
    ['file_sha256', 'varchar'],
    ['retrieved_at', 'timestamp'],
]) }}
{%- endmacro %}
