-- NBB regional accounts in the warehouse's codes: NUTS region_code, sector_code (TOT -> TOTAL),
-- indicator_id. Only the total economy (S1), the regions, branches and item/unit pairs the
-- warehouse uses, and observations that have a value.
with observations as (
    select * from {{ ref('stg_nbb__regional_accounts') }}
    where
        institutional_sector_code = 'S1'
        and value is not null
),

regions as (
    select
        region_code,
        nbb_nuts_code
    from {{ ref('regions') }}
),

branches as (
    select
        branch_code,
        sector_code,
        is_manufacturing
    from {{ ref('nbb_branches') }}
),

indicators as (
    select
        indicator_id,
        unit,
        nbb_item,
        nbb_unit,
        is_additive_over_branches
    from {{ ref('indicators') }}
    where nbb_item is not null
),

harmonised as (
    select
        indicators.indicator_id,
        regions.region_code,
        branches.sector_code,
        branches.is_manufacturing,
        observations.year,
        observations.value,
        indicators.unit,
        indicators.is_additive_over_branches,
        observations.obs_status,
        observations.source_id,
        observations.vintage,
        observations.retrieved_at,
        observations.file_sha256,
        observations.item as nbb_item,
        observations.nuts_code as nbb_nuts_code,
        observations.branch_code as nbb_branch_code,
        observations.unit_code as nbb_unit_code
    from observations
    inner join regions on observations.nuts_code = regions.nbb_nuts_code
    inner join branches on observations.branch_code = branches.branch_code
    inner join indicators
        on
            observations.item = indicators.nbb_item
            and observations.unit_code = indicators.nbb_unit
)

select * from harmonised
-- Two files of one source retrieved the same day form one vintage: the later one wins.
qualify row_number() over (
    partition by indicator_id, region_code, sector_code, year, source_id, vintage
    order by retrieved_at desc, file_sha256 asc
) = 1
