-- Statbel VAT-liable enterprises by employer class: one row per published cell, Statbel's codes
-- kept (the district or province REFNIS code, the NACE code, the employer class).
with source as (
    select *
    from {{ optional_source('statbel', 'statbel_vat_enterprises', [
        ['cd_year', 'integer'],
        ['cd_refnis', 'integer'],
        ['refnis_level', 'varchar'],
        ['cd_nace', 'varchar'],
        ['cd_nis_stat_unt_cls', 'varchar'],
        ['ms_num_vat', 'bigint'],
    ] + raw_provenance_columns()) }}
),

renamed as (
    select
        cd_year as year,
        cd_refnis as refnis_code,
        refnis_level,
        upper(cd_nace) as nace_code,
        case upper(cd_nace) when 'ALL' then 'TOTAL' else upper(cd_nace) end as sector_code,
        cd_nis_stat_unt_cls as employer_class,
        cast(ms_num_vat as double) as vat_enterprises,
        {{ obs_status_from_sdmx('is_modelled', 'null') }} as obs_status,
        {{ raw_provenance() }}
    from source
)

select * from renamed
