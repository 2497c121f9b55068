-- RSZ establishments with staff (fourth quarter), the VDAB job-seekers rate (computed here:
-- 100 * job seekers without work / labour force, both annual averages) and Eurostat's
-- employment rate 20-64, in the warehouse's terms. The Flemish Region is each publisher's own
-- row, never a sum computed here.
with establishments as (
    select
        'establishments_with_staff' as indicator_id,
        region_code,
        sector_code,
        year,
        establishments as value,
        obs_status,
        source_id,
        vintage,
        retrieved_at,
        file_sha256
    from {{ ref('stg_rsz__establishments') }}
    where quarter = 4 and region_code is not null
),

job_seekers_rate as (
    select
        'job_seekers_rate_18_64' as indicator_id,
        region_code,
        'TOTAL' as sector_code,
        year,
        100 * job_seekers_without_work / labour_force as value,
        obs_status,
        source_id,
        vintage,
        retrieved_at,
        file_sha256
    from {{ ref('stg_vdab__job_seekers') }}
    where region_code is not null and labour_force > 0
),

employment_rate as (
    select
        'employment_rate_20_64' as indicator_id,
        region_code,
        'TOTAL' as sector_code,
        year,
        value,
        obs_status,
        source_id,
        vintage,
        retrieved_at,
        file_sha256
    from {{ ref('stg_eurostat__employment_rate') }}
),

gdp_per_inhabitant as (
    select
        'gdp_per_inhabitant' as indicator_id,
        region_code,
        'TOTAL' as sector_code,
        year,
        value,
        obs_status,
        source_id,
        vintage,
        retrieved_at,
        file_sha256
    from {{ ref('stg_eurostat__gdp_per_inhabitant') }}
),

unioned as (
    select * from establishments
    union all
    select * from job_seekers_rate
    union all
    select * from employment_rate
    union all
    select * from gdp_per_inhabitant
)

select
    unioned.indicator_id,
    unioned.region_code,
    unioned.sector_code,
    unioned.year,
    unioned.value,
    unioned.obs_status,
    unioned.source_id,
    unioned.vintage
from unioned
inner join {{ ref('regions') }} as regions on unioned.region_code = regions.region_code
-- Two files of one source retrieved the same day form one vintage: the later one wins.
qualify row_number() over (
    partition by
        unioned.indicator_id,
        unioned.region_code,
        unioned.sector_code,
        unioned.year,
        unioned.source_id,
        unioned.vintage
    order by unioned.retrieved_at desc, unioned.file_sha256 asc
) = 1
