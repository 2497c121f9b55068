-- Statbel VAT-liable enterprises by employer class: one row per published cell, Statbel's codes
-- kept, with the province it belongs to. Districts (CD_ADM_DSTR_REFNIS) map to provinces through
-- the refnis_districts seed (23000 and 24000 go to 20001), provinces through the regions seed.
with source as (
    select *
    from {{ optional_source('raw_statbel', 'statbel_vat_enterprises', [
        ['cd_year', 'integer'],
        ['cd_refnis', 'integer'],
        ['refnis_level', 'varchar'],
        ['cd_nace', 'varchar'],
        ['cd_nis_stat_unt_cls', 'varchar'],
        ['ms_num_vat', 'bigint'],
    ] + raw_provenance_columns()) }}
),

districts as (
    select
        district_refnis_code,
        province_refnis_code,
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
    source.cd_nis_stat_unt_cls as employer_class,
    cast(source.ms_num_vat as double) as vat_enterprises,
    {{ obs_status_from_sdmx('source.is_modelled', 'null') }} as obs_status,
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
