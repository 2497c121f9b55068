-- VDAB Arvastat: job seekers without work and the labour force (employed + job seekers without
-- work), age 18-64, annual averages, for the Flemish Region (02000) and its provinces.
with source as (
    select *
    from {{ optional_source('raw_vdab', 'vdab_job_seekers', [
        ['year', 'integer'],
        ['nis_code', 'varchar'],
        ['region_name', 'varchar'],
        ['job_seekers_without_work', 'double'],
        ['labour_force', 'double'],
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
    source.nis_code,
    regions.region_code,
    source.job_seekers_without_work,
    source.labour_force,
    {{ obs_status_from_sdmx('source.is_modelled', 'null') }} as obs_status,
    source.series_key,
    source.is_modelled,
    source.source_id,
    source.file_sha256,
    source.retrieved_at,
    cast(source.retrieved_at as date) as vintage
from source
left join regions on cast(source.nis_code as integer) = regions.refnis_code
