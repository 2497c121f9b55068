-- Statbel VAT starters (first registrations) and stoppers by province (registered office) and
-- NACE section, from a be.STAT export; CD_OBS_STATUS P (the latest year) is provisional.
with source as (
    select *
    from {{ optional_source('raw_statbel', 'statbel_vat_starters', [
        ['cd_year', 'integer'],
        ['cd_refnis', 'integer'],
        ['refnis_level', 'varchar'],
        ['cd_nace', 'varchar'],
        ['ms_num_vat_start', 'bigint'],
        ['ms_num_vat_stop', 'bigint'],
        ['obs_status', 'varchar'],
    ] + raw_provenance_columns()) }}
),

districts as (
    select
        district_refnis_code,
        province_region_code
    from {{ ref('refnis_districts') }}
),

provinces as (
    select
        refnis_code,
        region_code
    from {{ ref('regions') }}
    where region_level = 'province'
)

select
    source.cd_year as year,
    source.cd_refnis as refnis_code,
    source.refnis_level,
    coalesce(districts.province_region_code, provinces.region_code) as province_region_code,
    upper(source.cd_nace) as nace_code,
    case upper(source.cd_nace) when 'ALL' then 'TOTAL' else upper(source.cd_nace) end
        as sector_code,
    cast(source.ms_num_vat_start as double) as vat_starters,
    cast(source.ms_num_vat_stop as double) as vat_stoppers,
    source.obs_status as statbel_obs_status,
    {{ obs_status_from_sdmx('source.is_modelled', 'upper(source.obs_status)') }} as obs_status,
    source.series_key,
    source.is_modelled,
    source.source_id,
    source.file_sha256,
    source.retrieved_at,
    cast(source.retrieved_at as date) as vintage
from source
left join districts
    on source.refnis_level = 'district' and source.cd_refnis = districts.district_refnis_code
left join provinces
    on source.refnis_level = 'province' and source.cd_refnis = provinces.refnis_code
