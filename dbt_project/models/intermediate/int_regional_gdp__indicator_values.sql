-- Eurostat's GDP per inhabitant (EUR_HAB: nama_10r_3gdp, older vintages nama_10r_2gdp) as
-- indicator values, every vintage:
-- the second source beside NBB's B1QCAP.
with gdp_per_inhabitant as (
    select
        'gdp_per_inhabitant' as indicator_id,
        region_code,
        'TOTAL' as sector_code,
        year,
        value,
        obs_status,
        source_id,
        vintage,
        retrieved_at,
        file_sha256
    from {{ ref('stg_eurostat__gdp_per_inhabitant') }}
)

select
    gdp_per_inhabitant.indicator_id,
    gdp_per_inhabitant.region_code,
    gdp_per_inhabitant.sector_code,
    gdp_per_inhabitant.year,
    gdp_per_inhabitant.value,
    gdp_per_inhabitant.obs_status,
    gdp_per_inhabitant.source_id,
    gdp_per_inhabitant.vintage
from gdp_per_inhabitant
inner join {{ ref('regions') }} as regions on gdp_per_inhabitant.region_code = regions.region_code
-- Two files of one source retrieved the same day form one vintage: the later one wins.
qualify row_number() over (
    partition by
        gdp_per_inhabitant.indicator_id,
        gdp_per_inhabitant.region_code,
        gdp_per_inhabitant.sector_code,
        gdp_per_inhabitant.year,
        gdp_per_inhabitant.source_id,
        gdp_per_inhabitant.vintage
    order by gdp_per_inhabitant.retrieved_at desc, gdp_per_inhabitant.file_sha256 asc
) = 1
