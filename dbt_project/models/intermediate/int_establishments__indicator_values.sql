-- RSZ/ONSS establishments with staff as indicator values: the fourth quarter (31 December)
-- of each year, by region and NACE section or TOTAL. The Flemish Region is RSZ's own row, never a
-- sum computed here.
with establishments as (
    select
        'establishments_with_staff' as indicator_id,
        regions.region_code,
        rsz.sector_code,
        rsz.year,
        rsz.establishments as value,
        rsz.obs_status,
        rsz.source_id,
        rsz.vintage,
        rsz.retrieved_at,
        rsz.file_sha256
    from {{ ref('stg_rsz__establishments') }} as rsz
    inner join {{ ref('regions') }} as regions on rsz.refnis_code = regions.refnis_code
    where rsz.quarter = 4
)

select
    establishments.indicator_id,
    establishments.region_code,
    establishments.sector_code,
    establishments.year,
    establishments.value,
    establishments.obs_status,
    establishments.source_id,
    establishments.vintage
from establishments
-- Two files of one source retrieved the same day form one vintage: the later one wins.
qualify row_number() over (
    partition by
        establishments.indicator_id,
        establishments.region_code,
        establishments.sector_code,
        establishments.year,
        establishments.source_id,
        establishments.vintage
    order by establishments.retrieved_at desc, establishments.file_sha256 asc
) = 1
