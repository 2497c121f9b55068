-- Where an indicator has more than one source (GDP per inhabitant: NBB's B1QCAP and Eurostat's
-- EUR_HAB), the value fct_indicator_values shows against every other source and vintage
-- for the same cell, and by how much they differ.
with all_sources as (
    select * from {{ ref('fct_indicator_values_all_sources') }}
),

shown as (
    select * from {{ ref('fct_indicator_values') }}
),

multi_source_indicators as (
    select indicator_id
    from all_sources
    group by indicator_id
    having count(distinct source_id) > 1
)

select
    shown.indicator_id,
    shown.region_code,
    shown.sector_code,
    shown.year,
    {{ period_of('shown.year') }} as period,
    shown.source_id as shown_source_id,
    shown.vintage as shown_vintage,
    shown.value as shown_value,
    shown.obs_status as shown_status,
    other.source_id as other_source_id,
    other.vintage as other_vintage,
    other.value as other_value,
    other.obs_status as other_status,
    other.value - shown.value as diff_abs,
    case when shown.value <> 0 then 100 * (other.value / shown.value - 1) end as diff_pct,
    other.value <> shown.value as differs,
    -- Both sides modelled: not two publishers' figures but the same model twice, so no
    -- independent comparison.
    shown.obs_status = 'modelled' and other.obs_status = 'modelled' as both_modelled,
    shown.unit,
    {{ weakest_obs_status_of(['shown.obs_status', 'other.obs_status']) }} as obs_status
from shown
inner join all_sources as other
    on
        shown.indicator_id = other.indicator_id
        and shown.region_code = other.region_code
        and shown.sector_code = other.sector_code
        and shown.year = other.year
        and shown.source_id <> other.source_id
where
    shown.indicator_id in (
        select multi_source_indicators.indicator_id from multi_source_indicators
    )
