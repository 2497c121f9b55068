-- VDAB job seekers without work, age 18-64, annual averages, from either export: Arvastat's
-- (provinces and the Flemish Region, with the labour force) or Provincies in Cijfers' (by
-- municipality name, with the rate as published, a fraction). The rate is computed downstream.
with source as (
    select *
    from {{ optional_source('vdab', 'vdab_job_seekers', [
        ['year', 'integer'],
        ['nis_code', 'varchar'],
        ['region_name', 'varchar'],
        ['geo_level', 'varchar'],
        ['job_seekers_without_work', 'double'],
        ['labour_force', 'double'],
        ['job_seekers_rate', 'double'],
        ['special_value', 'varchar'],
        ['layout', 'varchar'],
    ] + raw_provenance_columns()) }}
),

renamed as (
    select
        year,
        nis_code,
        cast(nis_code as integer) as refnis_code,
        region_name,
        geo_level,
        job_seekers_without_work,
        labour_force,
        job_seekers_rate as published_rate_fraction,
        special_value,
        layout as export_layout,
        {{ obs_status_from_sdmx('is_modelled', 'null') }} as obs_status,
        {{ raw_provenance() }}
    from source
)

select * from renamed
