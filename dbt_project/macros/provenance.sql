{#- The provenance columns every staging model ends with: the raw file a row came from and the
    vintage (the date it was retrieved). One definition for every source. -#}
{% macro raw_provenance() -%}
    series_key,
    is_modelled,
    source_id,
    file_sha256,
    retrieved_at,
    cast(retrieved_at as date) as vintage
{%- endmacro %}
