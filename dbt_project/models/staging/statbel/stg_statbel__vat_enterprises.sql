-- Statbel VAT-liable enterprises by employer class: one row per published cell, Statbel's codes
-- kept (the district or province REFNIS code, the NACE code, the employer class). The yearly
-- files code activity as 5-character NACE-BEL (`nace_division` is its first two digits); the
-- embedded province file codes sections and ALL.
with source as (
    select *
    from {{ optional_source('statbel', 'statbel_vat_enterprises', [
        ['cd_year', 'integer'],
        ['cd_refnis', 'integer'],
        ['refnis_level', 'varchar'],
        ['cd_nace', 'varchar'],
        ['cd_nis_stat_unt_cls', 'varchar'],
        ['ms_num_vat', 'bigint'],
        ['ms_num_vat_start', 'bigint'],
        ['ms_num_vat_stop', 'bigint'],
        ['layout', 'varchar'],
    ] + raw_provenance_columns()) }}
),

renamed as (
    select
        cd_year as year,
        cd_refnis as refnis_code,
        refnis_level,
        upper(cd_nace) as nace_code,
        case
            when regexp_matches(cd_nace, '^[0-9]{2}') then left(cd_nace, 2)
        end as nace_division,
        case
            when upper(cd_nace) = 'ALL' then 'TOTAL'
            when regexp_matches(upper(cd_nace), '^[A-UX]$') then upper(cd_nace)
        end as published_sector_code,
        cd_nis_stat_unt_cls as employer_class,
        cast(ms_num_vat as double) as vat_enterprises,
        cast(ms_num_vat_start as double) as vat_starts,
        cast(ms_num_vat_stop as double) as vat_stops,
        layout as file_layout,
        {{ obs_status_from_sdmx('is_modelled', 'null') }} as obs_status,
        {{ raw_provenance() }}
    from source
)

select * from renamed
