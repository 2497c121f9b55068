-- Statbel VAT starters (first registrations) by year, geography of the registered office and
-- NACE section, from a be.STAT view. be.STAT marks no status: the latest year is an estimate
-- from monthly totals, so a year that is the year before retrieval, or later, is provisional.
with source as (
    select *
    from {{ optional_source('statbel', 'statbel_vat_starters', [
        ['cd_year', 'integer'],
        ['cd_refnis', 'integer'],
        ['refnis_level', 'varchar'],
        ['geography_label', 'varchar'],
        ['cd_nace', 'varchar'],
        ['nace_label', 'varchar'],
        ['ms_num_vat_start', 'bigint'],
        ['ms_num_vat_stop', 'bigint'],
    ] + raw_provenance_columns()) }}
),

renamed as (
    select
        cd_year as year,
        cd_refnis as refnis_code,
        refnis_level,
        geography_label,
        upper(cd_nace) as nace_code,
        case upper(cd_nace) when 'ALL' then 'TOTAL' else upper(cd_nace) end as sector_code,
        cast(ms_num_vat_start as double) as vat_starters,
        cast(ms_num_vat_stop as double) as vat_stoppers,
        {{ obs_status_from_sdmx(
            'is_modelled',
            "case when cd_year >= year(retrieved_at) - 1 then 'P' end"
        ) }} as obs_status,
        {{ raw_provenance() }}
    from source
)

select * from renamed
