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
    {{ ratio_of(
        'base', "'gva_per_hour'", 1000,
        "part.indicator_id = 'gross_value_added'",
        "whole.indicator_id = 'hours_worked' and part.sector_code = whole.sector_code",
    ) }}
),

-- Manufacturing (C) as a share of the whole economy, both raw series.
manufacturing_shares as (
    {{ ratio_of(
        'base',
        "case part.indicator_id when 'employees' then 'manufacturing_share_of_employees'"
        ~ " else 'manufacturing_share_of_gva' end",
        100,
        "part.sector_code = 'C' and part.indicator_id in ('employees', 'gross_value_added')",
        "whole.sector_code = 'TOTAL' and part.indicator_id = whole.indicator_id",
    ) }}
),

-- A manufacturing branch or subsector as a share of all manufacturing employees (C is 100).
shares_of_manufacturing as (
    {{ ratio_of(
        'base', "'share_of_manufacturing_employees'", 100,
        "part.indicator_id = 'employees' and part.sector_code in"
        ~ " (select manufacturing_sectors.sector_code from manufacturing_sectors)",
        "whole.indicator_id = 'employees' and whole.sector_code = 'C'",
    ) }}
),

-- Statbel, RSZ, VDAB and Eurostat: levels and rates as their publishers give them.
other_publishers as (
    select
        indicator_id,
        region_code,
        sector_code,
        year,
        value,
        obs_status,
        source_id,
        vintage
    from {{ ref('int_other_publishers__unioned') }}
),

unioned as (
    select * from base
    union all
    select * from gva_per_hour
    union all
    select * from manufacturing_shares
    union all
    select * from shares_of_manufacturing
    union all
    select * from other_publishers
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
