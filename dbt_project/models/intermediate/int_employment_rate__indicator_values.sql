-- Eurostat's employment rate 20-64 (lfst_r_lfe2emprt, from the Labour Force Survey) as indicator
-- values, for the regions the warehouse knows.
with employment_rate as (
    select
        'employment_rate_20_64' as indicator_id,
        region_code,
        'TOTAL' as sector_code,
        year,
        value,
        obs_status,
        source_id,
        vintage,
        retrieved_at,
        file_sha256
    from {{ ref('stg_eurostat__employment_rate') }}
)

select
    employment_rate.indicator_id,
    employment_rate.region_code,
    employment_rate.sector_code,
    employment_rate.year,
    employment_rate.value,
    employment_rate.obs_status,
    employment_rate.source_id,
    employment_rate.vintage
from employment_rate
inner join {{ ref('regions') }} as regions on employment_rate.region_code = regions.region_code
-- Two files of one source retrieved the same day form one vintage: the later one wins.
qualify row_number() over (
    partition by
        employment_rate.indicator_id,
        employment_rate.region_code,
        employment_rate.sector_code,
        employment_rate.year,
        employment_rate.source_id,
        employment_rate.vintage
    order by employment_rate.retrieved_at desc, employment_rate.file_sha256 asc
) = 1
