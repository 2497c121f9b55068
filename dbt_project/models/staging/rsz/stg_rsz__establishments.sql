-- RSZ/ONSS establishment units with staff by place of work (decentralised statistics), one row
-- per cell of the workbook's cross-tab: a province, region (the Flemish Region is RSZ's own
-- row, 02000) or arrondissement (by name only; no code), by NACE section or TOTAL.
with source as (
    select *
    from {{ optional_source('rsz', 'rsz_establishments', [
        ['year', 'integer'],
        ['quarter', 'integer'],
        ['nis_code', 'varchar'],
        ['region_name', 'varchar'],
        ['geo_level', 'varchar'],
        ['province_name', 'varchar'],
        ['nace_section', 'varchar'],
        ['establishments', 'bigint'],
    ] + raw_provenance_columns()) }}
),

renamed as (
    select
        year,
        quarter,
        nis_code,
        cast(nis_code as integer) as refnis_code,
        region_name,
        geo_level,
        province_name,
        upper(nace_section) as sector_code,
        cast(establishments as double) as establishments,
        {{ obs_status_from_sdmx('is_modelled', 'null') }} as obs_status,
        {{ raw_provenance() }}
    from source
)

select * from renamed
