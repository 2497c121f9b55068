-- Eurostat's employment (nama_10r_3empers, EMP: employees plus self-employed) as indicator
-- values, every vintage, for the NACE groups that are one sector of the sectors seed (TOTAL
-- and the single sections A, C, F, J, K, L) and the regions the warehouse knows.
with employment as (
    select
        'employment' as indicator_id,
        region_code,
        nace_group_code as sector_code,
        year,
        value,
        obs_status,
        source_id,
        vintage,
        retrieved_at,
        file_sha256
    from {{ ref('stg_eurostat__employment_by_industry') }}
)

select
    employment.indicator_id,
    employment.region_code,
    employment.sector_code,
    employment.year,
    employment.value,
    employment.obs_status,
    employment.source_id,
    employment.vintage
from employment
inner join {{ ref('regions') }} as regions on employment.region_code = regions.region_code
inner join {{ ref('sectors') }} as sectors on employment.sector_code = sectors.sector_code
-- Two files of one source retrieved the same day form one vintage: the later one wins.
qualify row_number() over (
    partition by
        employment.indicator_id,
        employment.region_code,
        employment.sector_code,
        employment.year,
        employment.source_id,
        employment.vintage
    order by employment.retrieved_at desc, employment.file_sha256 asc
) = 1
