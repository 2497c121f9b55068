-- VDAB Arvastat: job seekers without work and the labour force (employed + job seekers without
-- work), age 18-64, annual averages, for the Flemish Region (02000) and its provinces.
with source as (
    select *
    from {{ optional_source('vdab', 'vdab_job_seekers', [
        ['year', 'integer'],
        ['nis_code', 'varchar'],
        ['region_name', 'varchar'],
        ['job_seekers_without_work', 'double'],
        ['labour_force', 'double'],
    ] + raw_provenance_columns()) }}
),

renamed as (
    select
        year,
        nis_code,
        cast(nis_code as integer) as refnis_code,
        job_seekers_without_work,
        labour_force,
        {{ obs_status_from_sdmx('is_modelled', 'null') }} as obs_status,
        {{ raw_provenance() }}
    from source
)

select * from renamed
