{#- A derived ratio of two rows of the same relation, region, year, source and vintage:
    `scale * part.value / whole.value`, with the weakest status of the two. `part_where` picks
    the numerators, `whole_match` the denominator of each; a zero denominator gives no row. -#}
{% macro ratio_of(relation, indicator_id, scale, part_where, whole_match) -%}
    select
        {{ indicator_id }} as indicator_id,
        part.region_code,
        part.sector_code,
        part.year,
        {{ scale }} * part.value / whole.value as value,
        {{ weakest_obs_status_of(['part.obs_status', 'whole.obs_status']) }} as obs_status,
        part.source_id,
        part.vintage
    from {{ relation }} as part
    inner join {{ relation }} as whole
        on
            part.region_code = whole.region_code
            and part.year = whole.year
            and part.source_id = whole.source_id
            and part.vintage = whole.vintage
            and {{ whole_match }}
    where
        {{ part_where }}
        and whole.value <> 0
{%- endmacro %}
