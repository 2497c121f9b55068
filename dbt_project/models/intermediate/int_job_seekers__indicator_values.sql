-- VDAB's job-seekers rate 18-64 as indicator values, computed here: 100 * job seekers without
-- work / labour force, both annual averages. The Flemish Region is VDAB's own row.
with job_seekers_rate as (
    select
        'job_seekers_rate_18_64' as indicator_id,
        regions.region_code,
        'TOTAL' as sector_code,
        vdab.year,
        100 * vdab.job_seekers_without_work / vdab.labour_force as value,
        vdab.obs_status,
        vdab.source_id,
        vdab.vintage,
        vdab.retrieved_at,
        vdab.file_sha256
    from {{ ref('stg_vdab__job_seekers') }} as vdab
    inner join {{ ref('regions') }} as regions on vdab.refnis_code = regions.refnis_code
    where vdab.labour_force > 0
)

select
    job_seekers_rate.indicator_id,
    job_seekers_rate.region_code,
    job_seekers_rate.sector_code,
    job_seekers_rate.year,
    job_seekers_rate.value,
    job_seekers_rate.obs_status,
    job_seekers_rate.source_id,
    job_seekers_rate.vintage
from job_seekers_rate
-- Two files of one source retrieved the same day form one vintage: the later one wins.
qualify row_number() over (
    partition by
        job_seekers_rate.indicator_id,
        job_seekers_rate.region_code,
        job_seekers_rate.sector_code,
        job_seekers_rate.year,
        job_seekers_rate.source_id,
        job_seekers_rate.vintage
    order by job_seekers_rate.retrieved_at desc, job_seekers_rate.file_sha256 asc
) = 1
