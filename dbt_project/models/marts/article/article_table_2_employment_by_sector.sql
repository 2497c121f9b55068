-- The article's Table 2 for every Flemish province and the Flemish Region: employees by
-- sector cluster in the base and end year, the change, and the Flemish change alongside.
-- Every (region, sector) row is present; values are NULL where the data are missing.
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
        table_2_row_order as row_order,
        table_2_label_nl as label_nl,
        label_en
    from {{ ref('dim_sector') }}
    where table_2_row_order is not null
),

employees as (
    select
        region_code,
        sector_code,
        year,
        value,
        obs_status
    from {{ ref('fct_indicator_values') }}
    where
        indicator_id = 'employees'
        and year in ({{ base_year }}, {{ end_year }})
),

table_rows as (
    select
        regions.region_code,
        sectors.row_order,
        sectors.sector_code,
        sectors.label_nl,
        sectors.label_en,
        base_values.value as employees_base,
        end_values.value as employees_end,
        {{ base_year }} as base_year,
        {{ end_year }} as end_year,
        end_values.value - base_values.value as change_abs,
        100 * (end_values.value / nullif(base_values.value, 0) - 1) as change_pct,
        base_values.obs_status as employees_base_status,
        end_values.obs_status as employees_end_status,
        case
            when base_values.value is not null and end_values.value is not null
                then
                    {{ weakest_obs_status_of(['base_values.obs_status', 'end_values.obs_status']) }}
        end as change_status
    from regions
    cross join sectors
    left join employees as base_values
        on
            regions.region_code = base_values.region_code
            and sectors.sector_code = base_values.sector_code
            and base_values.year = {{ base_year }}
    left join employees as end_values
        on
            regions.region_code = end_values.region_code
            and sectors.sector_code = end_values.sector_code
            and end_values.year = {{ end_year }}
)

select
    table_rows.region_code,
    table_rows.row_order,
    table_rows.sector_code,
    table_rows.label_nl,
    table_rows.label_en,
    table_rows.employees_base,
    table_rows.employees_end,
    table_rows.base_year,
    table_rows.end_year,
    table_rows.change_abs,
    table_rows.change_pct,
    flemish.change_pct as flemish_change_pct,
    table_rows.employees_base_status,
    table_rows.employees_end_status,
    table_rows.change_status,
    case when flemish.change_pct is not null then flemish.change_status end
        as flemish_change_status
from table_rows
left join table_rows as flemish
    on
        flemish.region_code = '{{ reference_region }}'
        and table_rows.sector_code = flemish.sector_code
