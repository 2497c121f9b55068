-- The article's Figure 2: the job-seekers rate 18-64 (VDAB) and the employment rate 20-64
-- (Labour Force Survey) for every Flemish province and the Flemish Region, 2012-2024, with the
-- Flemish values alongside. Every (region, year) row is present; a value is NULL where the
-- data are missing. row_order follows the figure's time axis.
{%- set first_year = 2012 %}
{%- set last_year = 2024 %}
{%- set reference_region = var('reference_region_code') %}

with regions as (
    select
        region_code,
        name_nl as region_name_nl
    from {{ ref('dim_region') }}
    where is_flemish_province or region_code = '{{ reference_region }}'
),

years as (
    select cast(generate_series as integer) as year
    from generate_series({{ first_year }}, {{ last_year }})
),

rates as (
    select
        indicator_id,
        region_code,
        year,
        value,
        obs_status,
        source_id
    from {{ ref('fct_indicator_values') }}
    where
        sector_code = 'TOTAL'
        and indicator_id in ('job_seekers_rate_18_64', 'employment_rate_20_64')
),

job_seekers as (
    select * from rates
    where indicator_id = 'job_seekers_rate_18_64'
),

employment as (
    select * from rates
    where indicator_id = 'employment_rate_20_64'
)

select
    regions.region_code,
    regions.region_name_nl,
    years.year,
    {{ period_of('years.year') }} as period,
    cast(years.year - {{ first_year }} + 1 as integer) as row_order,
    job_seekers.value as job_seekers_rate_18_64,
    job_seekers.obs_status as job_seekers_rate_status,
    job_seekers.source_id as job_seekers_rate_source_id,
    employment.value as employment_rate_20_64,
    employment.obs_status as employment_rate_status,
    employment.source_id as employment_rate_source_id,
    flemish_job_seekers.value as flemish_job_seekers_rate_18_64,
    flemish_job_seekers.obs_status as flemish_job_seekers_rate_status,
    flemish_employment.value as flemish_employment_rate_20_64,
    flemish_employment.obs_status as flemish_employment_rate_status
from regions
cross join years
left join job_seekers
    on regions.region_code = job_seekers.region_code and years.year = job_seekers.year
left join employment
    on regions.region_code = employment.region_code and years.year = employment.year
left join job_seekers as flemish_job_seekers
    on
        flemish_job_seekers.region_code = '{{ reference_region }}'
        and years.year = flemish_job_seekers.year
left join employment as flemish_employment
    on
        flemish_employment.region_code = '{{ reference_region }}'
        and years.year = flemish_employment.year
