-- Statbel's VAT counts as indicator values: vat_enterprises (the stock, summed over employer
-- classes and districts) and vat_starters, per Flemish province, NACE section and TOTAL, year,
-- source and vintage. Districts (CD_REFNIS / CD_ADM_DSTR_REFNIS) map to provinces through the
-- refnis_districts seed (23000 and 24000 go to 20001, never by first digit), provinces through
-- the regions seed.
-- Statbel's yearly files code activity in NACE-BEL detail, without sections or totals: a code's
-- division maps to its section through the nace_bel_divisions seed (a code without a known
-- division is activity unknown, X), and TOTAL is the sum of every cell, computed here. The
-- embedded province file publishes sections and ALL, which are taken as published. Section X
-- stays out of the facts but inside TOTAL, as Statbel counts it.
-- Statbel publishes no Flemish Region row: BE2 is the sum of the five provinces, as Statbel
-- defines it, and only for a year in which the file has all five. A cell Statbel leaves out
-- is an empty cell (zero enterprises).
with districts as (
    select
        district_refnis_code,
        province_region_code
    from {{ ref('refnis_districts') }}
),

provinces_by_refnis as (
    select
        refnis_code,
        region_code
    from {{ ref('regions') }}
    where region_level = 'province'
),

divisions as (
    select
        division_code,
        section_code
    from {{ ref('nace_bel_divisions') }}
),

stock as (
    select
        stock.year,
        stock.refnis_level,
        stock.refnis_code,
        coalesce(stock.published_sector_code, divisions.section_code, 'X') as sector_code,
        stock.file_layout,
        stock.vat_enterprises,
        stock.obs_status,
        stock.source_id,
        stock.vintage,
        stock.retrieved_at,
        stock.file_sha256
    from {{ ref('stg_statbel__vat_enterprises') }} as stock
    left join divisions on stock.nace_division = divisions.division_code
),

-- NACE-BEL detail has no total row: every cell counts towards TOTAL.
stock_with_totals as (
    select * from stock
    union all
    select
        year,
        refnis_level,
        refnis_code,
        'TOTAL' as sector_code,
        file_layout,
        vat_enterprises,
        obs_status,
        source_id,
        vintage,
        retrieved_at,
        file_sha256
    from stock
    where file_layout <> 'province'
),

stock_cells as (
    select
        'vat_enterprises' as indicator_id,
        coalesce(districts.province_region_code, provinces_by_refnis.region_code)
            as region_code,
        stock.sector_code,
        stock.year,
        stock.vat_enterprises as value,
        stock.obs_status,
        stock.source_id,
        stock.vintage,
        stock.retrieved_at,
        stock.file_sha256
    from stock_with_totals as stock
    left join districts
        on stock.refnis_level = 'district' and stock.refnis_code = districts.district_refnis_code
    left join provinces_by_refnis
        on
            stock.refnis_level = 'province'
            and stock.refnis_code = provinces_by_refnis.refnis_code
),

starter_cells as (
    select
        'vat_starters' as indicator_id,
        coalesce(districts.province_region_code, provinces_by_refnis.region_code)
            as region_code,
        starters.sector_code,
        starters.year,
        starters.vat_starters as value,
        starters.obs_status,
        starters.source_id,
        starters.vintage,
        starters.retrieved_at,
        starters.file_sha256
    from {{ ref('stg_statbel__vat_starters') }} as starters
    left join districts
        on
            starters.refnis_level = 'district'
            and starters.refnis_code = districts.district_refnis_code
    left join provinces_by_refnis
        on
            starters.refnis_level = 'province'
            and starters.refnis_code = provinces_by_refnis.refnis_code
    where starters.vat_starters is not null
),

cells as (
    select * from stock_cells
    where region_code is not null
    union all
    select * from starter_cells
    where region_code is not null
),

-- Two files of one source retrieved the same day form one vintage: per year the later wins.
latest_file as (
    select
        indicator_id,
        year,
        source_id,
        vintage,
        file_sha256
    from cells
    group by indicator_id, year, source_id, vintage, file_sha256
    qualify row_number() over (
        partition by indicator_id, year, source_id, vintage
        order by max(retrieved_at) desc, file_sha256 asc
    ) = 1
),

provinces as (
    select
        cells.indicator_id,
        cells.region_code,
        cells.sector_code,
        cells.year,
        -- exact sum: a float sum depends on the order DuckDB adds in
        cast(sum(cast(cells.value as decimal(38, 0))) as double) as value,
        {{ weakest_obs_status('cells.obs_status') }} as obs_status,
        cells.source_id,
        cells.vintage
    from cells
    inner join latest_file
        on
            cells.indicator_id = latest_file.indicator_id
            and cells.year = latest_file.year
            and cells.source_id = latest_file.source_id
            and cells.vintage = latest_file.vintage
            and cells.file_sha256 = latest_file.file_sha256
    group by
        cells.indicator_id,
        cells.region_code,
        cells.sector_code,
        cells.year,
        cells.source_id,
        cells.vintage
),

complete_years as (
    select
        indicator_id,
        year,
        source_id,
        vintage
    from provinces
    group by indicator_id, year, source_id, vintage
    having count(distinct region_code) = 5
),

flemish_region as (
    select
        provinces.indicator_id,
        '{{ var("reference_region_code") }}' as region_code,
        provinces.sector_code,
        provinces.year,
        sum(provinces.value) as value,
        {{ weakest_obs_status('provinces.obs_status') }} as obs_status,
        provinces.source_id,
        provinces.vintage
    from provinces
    inner join complete_years
        on
            provinces.indicator_id = complete_years.indicator_id
            and provinces.year = complete_years.year
            and provinces.source_id = complete_years.source_id
            and provinces.vintage = complete_years.vintage
    group by
        provinces.indicator_id,
        provinces.sector_code,
        provinces.year,
        provinces.source_id,
        provinces.vintage
),

all_regions as (
    select * from provinces
    union all
    select * from flemish_region
)

select * from all_regions
where sector_code <> 'X'
