-- Changes between the years of every span in change_spans, for every indicator, region and
-- sector that has values in both years.
with indicator_values as (
    select * from {{ ref('fct_indicator_values') }}
),

spans as (
    select
        from_year,
        to_year
    from {{ ref('change_spans') }}
),

kinds as (
    select
        indicator_id,
        indicator_kind
    from {{ ref('dim_indicator') }}
),

pairs as (
    select
        start_values.indicator_id,
        start_values.region_code,
        start_values.sector_code,
        spans.from_year,
        spans.to_year,
        start_values.value as value_from,
        end_values.value as value_to,
        start_values.unit,
        kinds.indicator_kind,
        {{ weakest_obs_status_of(['start_values.obs_status', 'end_values.obs_status']) }}
            as obs_status
    from spans
    inner join indicator_values as start_values on spans.from_year = start_values.year
    inner join indicator_values as end_values
        on
            spans.to_year = end_values.year
            and start_values.indicator_id = end_values.indicator_id
            and start_values.region_code = end_values.region_code
            and start_values.sector_code = end_values.sector_code
    left join kinds on start_values.indicator_id = kinds.indicator_id
)

select
    indicator_id,
    region_code,
    sector_code,
    from_year,
    to_year,
    value_from,
    value_to,
    -- Rates change in percentage points, everything else in its own unit.
    case when indicator_kind <> 'rate' then value_to - value_from end as change_abs,
    case when value_from <> 0 then 100 * (value_to / value_from - 1) end as change_pct,
    case when indicator_kind = 'rate' then value_to - value_from end as change_ppt,
    case
        when value_from > 0 and value_to >= 0
            then 100 * (power(value_to / value_from, 1.0 / (to_year - from_year)) - 1)
    end as cagr_pct,
    unit,
    obs_status
from pairs
