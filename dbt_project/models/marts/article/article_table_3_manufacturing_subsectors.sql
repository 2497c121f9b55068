-- The article's Table 3 for every Flemish province and the Flemish Region: employees in the
-- nine manufacturing subsectors and manufacturing (C) as a whole, base and end year, the
-- change, the subsector's share of manufacturing, and the Flemish change and share alongside.
{%- set base_year = var('article_base_year') | int %}
{%- set end_year = var('article_end_year') | int %}
{%- set reference_region = var('reference_region_code') %}

with regions as (
    select region_code
    from {{ ref('dim_region') }}
    where is_flemish_province or region_code = '{{ reference_region }}'
),

sectors as (
    select
        sector_code,
        table_3_row_order as row_order,
        table_3_label_nl as label_nl,
        label_en
    from {{ ref('dim_sector') }}
    where table_3_row_order is not null
),

indicator_values as (
    select
        indicator_id,
        region_code,
        sector_code,
        year,
        value,
        obs_status
    from {{ ref('fct_indicator_values') }}
    where
        indicator_id in ('employees', 'share_of_manufacturing_employees')
        and year in ({{ base_year }}, {{ end_year }})
),

changes as (
    select
        region_code,
        sector_code,
        change_abs,
        change_pct,
        obs_status
    from {{ ref('fct_indicator_changes') }}
    where
        indicator_id = 'employees'
        and from_year = {{ base_year }}
        and to_year = {{ end_year }}
),

table_cells as (
    select
        regions.region_code,
        sectors.row_order,
        sectors.sector_code,
        sectors.label_nl,
        sectors.label_en,
        {{ base_year }} as base_year,
        {{ end_year }} as end_year,
        base_employees.value as employees_base,
        end_employees.value as employees_end,
        changes.change_abs,
        changes.change_pct,
        base_shares.value as share_of_manufacturing_base,
        end_shares.value as share_of_manufacturing_end,
        base_employees.obs_status as employees_base_status,
        end_employees.obs_status as employees_end_status,
        changes.obs_status as change_status,
        end_shares.obs_status as share_end_status
    from regions
    cross join sectors
    left join indicator_values as base_employees
        on
            base_employees.indicator_id = 'employees'
            and regions.region_code = base_employees.region_code
            and sectors.sector_code = base_employees.sector_code
            and base_employees.year = {{ base_year }}
    left join indicator_values as end_employees
        on
            end_employees.indicator_id = 'employees'
            and regions.region_code = end_employees.region_code
            and sectors.sector_code = end_employees.sector_code
            and end_employees.year = {{ end_year }}
    left join indicator_values as base_shares
        on
            base_shares.indicator_id = 'share_of_manufacturing_employees'
            and regions.region_code = base_shares.region_code
            and sectors.sector_code = base_shares.sector_code
            and base_shares.year = {{ base_year }}
    left join indicator_values as end_shares
        on
            end_shares.indicator_id = 'share_of_manufacturing_employees'
            and regions.region_code = end_shares.region_code
            and sectors.sector_code = end_shares.sector_code
            and end_shares.year = {{ end_year }}
    left join changes
        on
            regions.region_code = changes.region_code
            and sectors.sector_code = changes.sector_code
)

select
    table_cells.region_code,
    table_cells.row_order,
    table_cells.sector_code,
    table_cells.label_nl,
    table_cells.label_en,
    table_cells.base_year,
    table_cells.end_year,
    table_cells.employees_base,
    table_cells.employees_end,
    table_cells.change_abs,
    table_cells.change_pct,
    table_cells.share_of_manufacturing_base,
    table_cells.share_of_manufacturing_end,
    '{{ reference_region }}' as reference_region_code,
    flemish.change_pct as reference_change_pct,
    flemish.share_of_manufacturing_end as reference_share_of_manufacturing_end,
    table_cells.employees_base_status,
    table_cells.employees_end_status,
    table_cells.change_status,
    table_cells.share_end_status,
    flemish.change_status as reference_change_status,
    flemish.share_end_status as reference_share_end_status
from table_cells
left join table_cells as flemish
    on
        flemish.region_code = '{{ reference_region }}'
        and table_cells.sector_code = flemish.sector_code
