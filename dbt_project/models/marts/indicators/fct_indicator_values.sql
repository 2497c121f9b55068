-- One value per (indicator_id, region_code, sector_code, year): the indicator's preferred
-- source, its latest vintage. Other sources stay in fct_indicator_values_all_sources: splicing
-- them into the preferred series (an old Eurostat vintage before NBB's first year, say) would
-- put a break inside a series. An indicator without a preferred source keeps every source.
with all_sources as (
    select * from {{ ref('fct_indicator_values_all_sources') }}
),

indicators as (
    select
        indicator_id,
        preferred_source_id
    from {{ ref('dim_indicator') }}
)

select
    all_sources.indicator_id,
    all_sources.region_code,
    all_sources.sector_code,
    all_sources.year,
    {{ period_of('all_sources.year') }} as period,
    all_sources.value,
    all_sources.unit,
    all_sources.obs_status,
    all_sources.source_id,
    all_sources.vintage
from all_sources
left join indicators on all_sources.indicator_id = indicators.indicator_id
where
    indicators.preferred_source_id is null
    or all_sources.source_id = indicators.preferred_source_id
qualify row_number() over (
    partition by
        all_sources.indicator_id,
        all_sources.region_code,
        all_sources.sector_code,
        all_sources.year
    order by
        (all_sources.source_id = indicators.preferred_source_id) desc nulls last,
        all_sources.vintage desc,
        all_sources.source_id asc
) = 1
