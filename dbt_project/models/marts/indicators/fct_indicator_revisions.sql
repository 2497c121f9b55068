-- How each figure changed between the vintages of its source: one row per figure and vintage
-- whose value differs from the vintage before it, beside the value first published. A vintage
-- is the date the warehouse first retrieved a raw version (meta.source_vintages). Each value
-- keeps its own status, and the statuses say what each side is. The embedded snapshot holds
-- real revisions: Eurostat's GDP per inhabitant (a 2020 release against the current one) and
-- its employment's 2018 cells (about 2020 against 2026).
with all_sources as (
    select * from {{ ref('fct_indicator_values_all_sources') }}
),

sequenced as (
    select
        indicator_id,
        region_code,
        sector_code,
        year,
        source_id,
        vintage,
        value,
        unit,
        obs_status,
        lag(vintage) over (
            partition by indicator_id, region_code, sector_code, year, source_id
            order by vintage
        ) as previous_vintage,
        lag(value) over (
            partition by indicator_id, region_code, sector_code, year, source_id
            order by vintage
        ) as previous_value,
        lag(obs_status) over (
            partition by indicator_id, region_code, sector_code, year, source_id
            order by vintage
        ) as previous_obs_status,
        first_value(vintage) over (
            partition by indicator_id, region_code, sector_code, year, source_id
            order by vintage
        ) as first_vintage,
        first_value(value) over (
            partition by indicator_id, region_code, sector_code, year, source_id
            order by vintage
        ) as first_published_value,
        first_value(obs_status) over (
            partition by indicator_id, region_code, sector_code, year, source_id
            order by vintage
        ) as first_published_obs_status
    from all_sources
)

select
    indicator_id,
    region_code,
    sector_code,
    year,
    {{ period_of('year') }} as period,
    source_id,
    vintage,
    value,
    previous_vintage,
    previous_value,
    value - previous_value as revision_abs,
    case
        when previous_value <> 0 then 100 * (value / previous_value - 1)
    end as revision_pct,
    first_vintage,
    first_published_value,
    value - first_published_value as revision_since_first_abs,
    unit,
    obs_status,
    previous_obs_status,
    first_published_obs_status
from sequenced
where
    previous_vintage is not null
    and value <> previous_value
