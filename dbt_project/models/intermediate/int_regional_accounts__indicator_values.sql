-- NBB's regional accounts as indicator values: the levels as published, the article's sectors
-- summed from their NBB leaves, and the ratios derived from them. A derived value takes the
-- weakest status of its inputs and the source and vintage they share.
with harmonised as (
    select * from {{ ref('int_regional_accounts__harmonised') }}
),

levels as (
    select
        indicator_id,
        region_code,
        sector_code,
        year,
        value,
        obs_status,
        source_id,
        vintage
    from harmonised
),

-- The article's sectors (Table 2 clusters, Table 3 subsectors) for the indicators that add up
-- over branches. Only leaves listed in sector_mapping are summed, never a total or an A38
-- parent of A64 leaves; food_industry and automotive are rows of both tables with the same
-- leaves: counted once. A cluster is only formed when every one of its leaves has a value: a
-- partial sum would pass for a real figure.
mapping as (
    select distinct
        sector_code,
        leaf_branch_code
    from {{ ref('sector_mapping') }}
),

leaf_counts as (
    select
        sector_code,
        count(*) as n_leaves_expected
    from mapping
    group by sector_code
),

leaf_values as (
    select
        harmonised.indicator_id,
        harmonised.region_code,
        mapping.sector_code,
        harmonised.year,
        harmonised.value,
        harmonised.obs_status,
        harmonised.source_id,
        harmonised.vintage
    from harmonised
    inner join mapping on harmonised.nbb_branch_code = mapping.leaf_branch_code
    where harmonised.is_additive_over_branches
),

summed as (
    select
        indicator_id,
        region_code,
        sector_code,
        year,
        -- exact decimal sum: a float sum depends on the order DuckDB adds in, run to run
        cast(sum(cast(value as decimal(38, 9))) as double) as value,
        {{ weakest_obs_status('obs_status') }} as obs_status,
        source_id,
        vintage,
        count(*) as n_leaves
    from leaf_values
    group by indicator_id, region_code, sector_code, year, source_id, vintage
),

clusters as (
    select
        summed.indicator_id,
        summed.region_code,
        summed.sector_code,
        summed.year,
        summed.value,
        summed.obs_status,
        summed.source_id,
        summed.vintage
    from summed
    inner join leaf_counts on summed.sector_code = leaf_counts.sector_code
    where summed.n_leaves = leaf_counts.n_leaves_expected
),

base as (
    select * from levels
    union all
    select * from clusters
),

-- Manufacturing: the NBB branches that are (the levels carry the flag) and the article's
-- manufacturing subsectors.
manufacturing_sectors as (
    select sector_code from harmonised
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
)

select * from base
union all
select * from gva_per_hour
union all
select * from manufacturing_shares
union all
select * from shares_of_manufacturing
