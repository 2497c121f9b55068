-- The article's Figure 3: manufacturing (NACE C) as a share of all employees and of gross value
-- added, every Flemish province and the Flemish Region, every year from 2003.
with regions as (
    select
        region_code,
        sort_order
    from {{ ref('dim_region') }}
    where is_flemish_province or region_code = '{{ var("reference_region_code") }}'
),

shares as (
    select
        indicator_id,
        region_code,
        year,
        value,
        obs_status
    from {{ ref('fct_indicator_values') }}
    where
        indicator_id in ('manufacturing_share_of_employees', 'manufacturing_share_of_gva')
        and sector_code = 'C'
),

region_years as (
    select distinct
        regions.region_code,
        regions.sort_order,
        shares.year
    from regions
    inner join shares on regions.region_code = shares.region_code
)

select
    region_years.region_code,
    cast(
        row_number() over (order by region_years.sort_order, region_years.year) as integer
    ) as row_order,
    region_years.year,
    {{ period_of('region_years.year') }} as period,
    employee_shares.value as manufacturing_share_of_employees,
    gva_shares.value as manufacturing_share_of_gva,
    employee_shares.obs_status as employees_share_status,
    gva_shares.obs_status as gva_share_status
from region_years
left join shares as employee_shares
    on
        employee_shares.indicator_id = 'manufacturing_share_of_employees'
        and region_years.region_code = employee_shares.region_code
        and region_years.year = employee_shares.year
left join shares as gva_shares
    on
        gva_shares.indicator_id = 'manufacturing_share_of_gva'
        and region_years.region_code = gva_shares.region_code
        and region_years.year = gva_shares.year
