-- Statbel VAT starters (first registrations) and stoppers by REFNIS province (registered
-- office) and NACE section, from a be.STAT export; CD_OBS_STATUS P (the latest year) is
-- provisional.
with source as (
    select *
    from {{ optional_source('statbel', 'statbel_vat_starters', [
        ['cd_year', 'integer'],
        ['cd_refnis', 'integer'],
        ['refnis_level', 'varchar'],
        ['cd_nace', 'varchar'],
        ['ms_num_vat_start', 'bigint'],
        ['ms_num_vat_stop', 'bigint'],
        ['obs_status', 'varchar'],
    ] + raw_provenance_columns()) }}
),

renamed as (
    select
        cd_year as year,
        cd_refnis as refnis_code,
        refnis_level,
        upper(cd_nace) as nace_code,
        case upper(cd_nace) when 'ALL' then 'TOTAL' else upper(cd_nace) end as sector_code,
        cast(ms_num_vat_start as double) as vat_starters,
        cast(ms_num_vat_stop as double) as vat_stoppers,
        obs_status as statbel_obs_status,
        {{ obs_status_from_sdmx('is_modelled', 'upper(obs_status)') }} as obs_status,
        {{ raw_provenance() }}
    from source
)

select * from renamed
