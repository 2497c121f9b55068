-- How far each region lies from the reference region (the Flemish Region) on the ratios and
-- rates, for the same indicator, sector and year.
with indicator_values as (
    select * from {{ ref('fct_indicator_values') }}
),

comparable as (
    select indicator_id from {{ ref('dim_indicator') }}
    where indicator_kind in ({{ comparable_kinds() }})
),

reference_values as (
    select * from indicator_values
    where region_code = '{{ var("reference_region_code") }}'
)

select
    indicator_values.indicator_id,
    indicator_values.region_code,
    indicator_values.sector_code,
    indicator_values.year,
    {{ period_of('indicator_values.year') }} as period,
    indicator_values.value,
    reference_values.region_code as reference_region_code,
    reference_values.value as reference_value,
    {{ gap_pct('indicator_values.value', 'reference_values.value') }} as gap_pct,
    indicator_values.unit,
    {{ weakest_obs_status_of(['indicator_values.obs_status', 'reference_values.obs_status']) }}
        as obs_status
from indicator_values
inner join reference_values
    on
        indicator_values.indicator_id = reference_values.indicator_id
        and indicator_values.sector_code = reference_values.sector_code
        and indicator_values.year = reference_values.year
where
    indicator_values.indicator_id in (select comparable.indicator_id from comparable)
    and indicator_values.region_code <> reference_values.region_code
