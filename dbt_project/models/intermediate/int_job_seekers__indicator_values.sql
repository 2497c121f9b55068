-- VDAB's job-seekers rate 18-64 as indicator values, computed here, from either export:
-- - Arvastat: 100 * job seekers without work / labour force, both annual averages, for the
--   provinces and the Flemish Region (VDAB's own Totaal row);
-- - Provincies in Cijfers (municipalities): per province, and for the Flemish Region over all
--   285 municipalities, 100 * sum(WZW) / sum(WZW / rate). The municipal rates are rounded to
--   0.001, so the result is an approximation: status `derived`. A municipality whose count or
--   rate is hidden ("x") or absent ("-") stays out of both sums; rows that are no municipality
--   ("Niet te lokaliseren") are not in the refnis_municipalities seed and stay out too.
with vdab as (
    select * from {{ ref('stg_vdab__job_seekers') }}
),

provinces_and_region as (
    select
        regions.region_code,
        vdab.year,
        100 * vdab.job_seekers_without_work / vdab.labour_force as value,
        vdab.obs_status,
        vdab.source_id,
        vdab.vintage,
        vdab.retrieved_at,
        vdab.file_sha256
    from vdab
    inner join {{ ref('regions') }} as regions on vdab.refnis_code = regions.refnis_code
    where
        vdab.export_layout = 'arvastat'
        and vdab.labour_force > 0
        and vdab.job_seekers_without_work is not null
),

municipalities as (
    select
        municipalities.province_region_code,
        vdab.year,
        vdab.job_seekers_without_work,
        vdab.job_seekers_without_work / vdab.published_rate_fraction as labour_force,
        vdab.obs_status,
        vdab.source_id,
        vdab.vintage,
        vdab.retrieved_at,
        vdab.file_sha256
    from vdab
    inner join {{ ref('refnis_municipalities') }} as municipalities
        on vdab.region_name = municipalities.name_nl
    where
        vdab.export_layout = 'pic'
        and vdab.job_seekers_without_work is not null
        and vdab.published_rate_fraction > 0
),

-- Each municipality counts towards its province and towards the Flemish Region.
municipal_areas as (
    select
        unnest([province_region_code, '{{ var("reference_region_code") }}']) as region_code,
        year,
        job_seekers_without_work,
        labour_force,
        obs_status,
        source_id,
        vintage,
        retrieved_at,
        file_sha256
    from municipalities
),

derived_from_municipalities as (
    select
        region_code,
        year,
        100 * sum(job_seekers_without_work) / sum(labour_force) as value,
        case when bool_or(obs_status = 'modelled') then 'modelled' else 'derived' end
            as obs_status,
        source_id,
        vintage,
        max(retrieved_at) as retrieved_at,
        file_sha256
    from municipal_areas
    group by region_code, year, source_id, vintage, file_sha256
),

job_seekers_rate as (
    select * from provinces_and_region
    union all
    select * from derived_from_municipalities
)

select
    'job_seekers_rate_18_64' as indicator_id,
    job_seekers_rate.region_code,
    'TOTAL' as sector_code,
    job_seekers_rate.year,
    job_seekers_rate.value,
    job_seekers_rate.obs_status,
    job_seekers_rate.source_id,
    job_seekers_rate.vintage
from job_seekers_rate
-- Two files of one source retrieved the same day form one vintage: the later one wins.
qualify row_number() over (
    partition by
        job_seekers_rate.region_code,
        job_seekers_rate.year,
        job_seekers_rate.source_id,
        job_seekers_rate.vintage
    order by job_seekers_rate.retrieved_at desc, job_seekers_rate.file_sha256 asc
) = 1
