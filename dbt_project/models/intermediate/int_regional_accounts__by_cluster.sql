-- The article's sectors (Table 2 clusters, Table 3 subsectors) as sums of their NBB leaves, for
-- the indicators that add up over branches. Only leaves listed in sector_mapping are summed,
-- never a total or an A38 parent of A64 leaves. A cluster is only formed when every one of its
-- leaves has a value: a partial sum would pass for a real figure.
with harmonised as (
    select * from {{ ref('int_regional_accounts__harmonised') }}
),

-- food_industry and automotive are rows of both tables with the same leaves: count them once.
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

additive_indicators as (
    select indicator_id from {{ ref('indicators') }}
    where is_additive_over_branches
),

leaf_values as (
    select
        harmonised.indicator_id,
        harmonised.region_code,
        mapping.sector_code,
        harmonised.year,
        harmonised.value,
        harmonised.unit,
        harmonised.obs_status,
        harmonised.source_id,
        harmonised.vintage
    from harmonised
    inner join mapping on harmonised.nbb_branch_code = mapping.leaf_branch_code
    where
        harmonised.indicator_id in (
            select additive_indicators.indicator_id from additive_indicators
        )
),

summed as (
    select
        indicator_id,
        region_code,
        sector_code,
        year,
        -- exact decimal sum: a float sum depends on the order DuckDB adds in, run to run
        cast(sum(cast(value as decimal(38, 9))) as double) as value,
        min(unit) as unit,
        {{ weakest_obs_status('obs_status') }} as obs_status,
        source_id,
        vintage,
        count(*) as n_leaves
    from leaf_values
    group by indicator_id, region_code, sector_code, year, source_id, vintage
)

select summed.*
from summed
inner join leaf_counts on summed.sector_code = leaf_counts.sector_code
where summed.n_leaves = leaf_counts.n_leaves_expected
