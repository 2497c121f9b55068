-- RSZ/ONSS establishment units with staff by place of work (decentralised statistics), by
-- region or province (REFNIS) and NACE section; the Flemish Region is RSZ's own row (02000).
with source as (
    select *
    from {{ optional_source('raw_rsz', 'rsz_establishments', [
        ['year', 'integer'],
        ['quarter', 'integer'],
        ['nis_code', 'varchar'],
        ['region_name', 'varchar'],
        ['nace_section', 'varchar'],
        ['establishments', 'bigint'],
    ] + raw_provenance_columns()) }}
),

regions as (
    select
        refnis_code,
        region_code
    from {{ ref('regions') }}
)

select
    source.year,
    source.quarter,
    source.nis_code,
    regions.region_code,
    upper(source.nace_section) as sector_code,
    cast(source.establishments as double) as establishments,
    {{ obs_status_from_sdmx('source.is_modelled', 'null') }} as obs_status,
    source.series_key,
    source.is_modelled,
    source.source_id,
    source.file_sha256,
    source.retrieved_at,
    cast(source.retrieved_at as date) as vintage
from source
left join regions on cast(source.nis_code as integer) = regions.refnis_code
