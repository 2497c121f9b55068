-- Every indicator value of every source and vintage: NBB levels as published, the article's
-- clusters summed from leaves, and the ratios derived from them. A derived value takes the
-- weakest status of its inputs and the source and vintage they share.
with levels as (
    select
        indicator_id,
        region_code,
        sector_code,
        year,
        value,
        obs_status,
        source_id,
        vintage
    from {{ ref('int_regional_accounts__harmonised') }}
),

clusters as (
    select
        indicator_id,
        region_code,
        sector_code,
        year,
        value,
        obs_status,
        source_id,
        vintage
    from {{ ref('int_regional_accounts__by_cluster') }}
),

base as (
    select * from levels
    union all
    select * from clusters
),

manufacturing_sectors as (
    select sector_code from {{ ref('nbb_branches') }}
    where is_manufacturing
    union
    select sector_code from {{ ref('sectors') }}
    where is_manufacturing
),

-- EUR per hour: GVA in million EUR over hours in thousands.
gva_per_hour as (
    select
        'gva_per_hour' as indicator_id,
        gva.region_code,
        gva.sector_code,
        gva.year,
        1000 * gva.value / hours.value as value,
        {{ weakest_obs_status_of(['gva.obs_status', 'hours.obs_status']) }} as obs_status,
        gva.source_id,
        gva.vintage
    from base as gva
    inner join base as hours
        on
            hours.indicator_id = 'hours_worked'
            and gva.region_code = hours.region_code
            and gva.sector_code = hours.sector_code
            and gva.year = hours.year
            and gva.source_id = hours.source_id
            and gva.vintage = hours.vintage
    where
        gva.indicator_id = 'gross_value_added'
        and hours.value <> 0
),

-- Manufacturing (C) as a share of the whole economy, both raw series.
manufacturing_shares as (
    select
        case part.indicator_id
            when 'employees' then 'manufacturing_share_of_employees'
            else 'manufacturing_share_of_gva'
        end as indicator_id,
        part.region_code,
        part.sector_code,
        part.year,
        100 * part.value / whole.value as value,
        {{ weakest_obs_status_of(['part.obs_status', 'whole.obs_status']) }} as obs_status,
        part.source_id,
        part.vintage
    from base as part
    inner join base as whole
        on
            whole.sector_code = 'TOTAL'
            and part.indicator_id = whole.indicator_id
            and part.region_code = whole.region_code
            and part.year = whole.year
            and part.source_id = whole.source_id
            and part.vintage = whole.vintage
    where
        part.sector_code = 'C'
        and part.indicator_id in ('employees', 'gross_value_added')
        and whole.value <> 0
),

-- A manufacturing branch or subsector as a share of all manufacturing employees (C is 100).
shares_of_manufacturing as (
    select
        'share_of_manufacturing_employees' as indicator_id,
        part.region_code,
        part.sector_code,
        part.year,
        100 * part.value / whole.value as value,
        {{ weakest_obs_status_of(['part.obs_status', 'whole.obs_status']) }} as obs_status,
        part.source_id,
        part.vintage
    from base as part
    inner join base as whole
        on
            whole.indicator_id = 'employees'
            and whole.sector_code = 'C'
            and part.region_code = whole.region_code
            and part.year = whole.year
            and part.source_id = whole.source_id
            and part.vintage = whole.vintage
    where
        part.indicator_id = 'employees'
        and part.sector_code in (
            select manufacturing_sectors.sector_code from manufacturing_sectors
        )
        and whole.value <> 0
),

unioned as (
    select * from base
    union all
    select * from gva_per_hour
    union all
    select * from manufacturing_shares
    union all
    select * from shares_of_manufacturing
)

select
    unioned.indicator_id,
    unioned.region_code,
    unioned.sector_code,
    unioned.year,
    unioned.value,
    indicators.unit,
    unioned.obs_status,
    unioned.source_id,
    unioned.vintage
from unioned
inner join {{ ref('indicators') }} as indicators
    on unioned.indicator_id = indicators.indicator_id
