-- RSZ/ONSS establishment units with staff by place of work (decentralised statistics), by
-- REFNIS region or province and NACE section; the Flemish Region is RSZ's own row (02000).
with source as (
    select *
    from {{ optional_source('rsz', 'rsz_establishments', [
        ['year', 'integer'],
        ['quarter', 'integer'],
        ['nis_code', 'varchar'],
        ['region_name', 'varchar'],
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
        upper(nace_section) as sector_code,
        cast(establishments as double) as establishments,
        {{ obs_status_from_sdmx('is_modelled', 'null') }} as obs_status,
        {{ raw_provenance() }}
    from source
)

select * from renamed
