-- The article's Table 1 in long form for every Flemish province and the Flemish Region: one
-- row per (indicator, sector) of the seed article_table_1_rows, with the base- and end-year
-- values, the change, the Flemish comparison and the gaps to the Flemish Region. A row whose
-- indicator has no data yet keeps NULL values: the table always has its 13 rows per region.
{%- set reference_region = var('reference_region_code') %}

with regions as (
    select region_code
    from {{ ref('dim_region') }}
    where is_flemish_province or region_code = '{{ reference_region }}'
),

table_rows as (
    select * from {{ ref('article_table_1_rows') }}
),

indicators as (
    select
        indicator_id,
        unit,
        indicator_kind
    from {{ ref('dim_indicator') }}
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
),

changes as (
    select
        indicator_id,
        region_code,
        sector_code,
        from_year,
        to_year,
        change_abs,
        change_pct,
        change_ppt,
        obs_status
    from {{ ref('fct_indicator_changes') }}
),

table_cells as (
    select
        regions.region_code,
        table_rows.row_order,
        table_rows.indicator_id,
        table_rows.sector_code,
        table_rows.label_nl,
        table_rows.label_en,
        indicators.unit,
        indicators.indicator_kind,
        table_rows.comparison,
        table_rows.base_year,
        table_rows.end_year,
        base_values.value as value_base,
        end_values.value as value_end,
        changes.change_abs,
        changes.change_pct,
        changes.change_ppt,
        base_values.obs_status as value_base_status,
        end_values.obs_status as value_end_status,
        changes.obs_status as change_status
    from regions
    cross join table_rows
    left join indicators on table_rows.indicator_id = indicators.indicator_id
    left join indicator_values as base_values
        on
            table_rows.indicator_id = base_values.indicator_id
            and regions.region_code = base_values.region_code
            and table_rows.sector_code = base_values.sector_code
            and table_rows.base_year = base_values.year
    left join indicator_values as end_values
        on
            table_rows.indicator_id = end_values.indicator_id
            and regions.region_code = end_values.region_code
            and table_rows.sector_code = end_values.sector_code
            and table_rows.end_year = end_values.year
    left join changes
        on
            table_rows.indicator_id = changes.indicator_id
            and regions.region_code = changes.region_code
            and table_rows.sector_code = changes.sector_code
            and table_rows.base_year = changes.from_year
            and table_rows.end_year = changes.to_year
),

-- The gaps to the Flemish Region (as fct_gap_to_region has them): ratios and rates only, for a
-- region other than the reference, where both values exist.
gaps as (
    select
        table_cells.region_code,
        table_cells.row_order,
        {{ gap_pct('table_cells.value_base', 'flemish.value_base') }} as gap_pct_base,
        {{ gap_pct('table_cells.value_end', 'flemish.value_end') }} as gap_pct_end,
        case
            when table_cells.value_base is not null and flemish.value_base is not null
                then {{ weakest_obs_status_of([
                    'table_cells.value_base_status', 'flemish.value_base_status'
                ]) }}
        end as gap_base_status,
        case
            when table_cells.value_end is not null and flemish.value_end is not null
                then {{ weakest_obs_status_of([
                    'table_cells.value_end_status', 'flemish.value_end_status'
                ]) }}
        end as gap_end_status
    from table_cells
    inner join table_cells as flemish
        on
            flemish.region_code = '{{ reference_region }}'
            and table_cells.row_order = flemish.row_order
    where
        table_cells.region_code <> '{{ reference_region }}'
        and table_cells.indicator_kind in ({{ comparable_kinds() }})
)

select
    table_cells.region_code,
    table_cells.row_order,
    table_cells.indicator_id,
    table_cells.sector_code,
    table_cells.label_nl,
    table_cells.label_en,
    table_cells.unit,
    table_cells.comparison,
    table_cells.base_year,
    table_cells.end_year,
    table_cells.value_base,
    table_cells.value_end,
    table_cells.change_abs,
    table_cells.change_pct,
    table_cells.change_ppt,
    '{{ reference_region }}' as reference_region_code,
    flemish.value_base as reference_value_base,
    flemish.value_end as reference_value_end,
    flemish.change_pct as reference_change_pct,
    flemish.change_ppt as reference_change_ppt,
    gaps.gap_pct_base,
    gaps.gap_pct_end,
    table_cells.value_base_status,
    table_cells.value_end_status,
    table_cells.change_status,
    flemish.value_base_status as reference_value_base_status,
    flemish.value_end_status as reference_value_end_status,
    flemish.change_status as reference_change_status,
    gaps.gap_base_status,
    gaps.gap_end_status
from table_cells
left join table_cells as flemish
    on
        flemish.region_code = '{{ reference_region }}'
        and table_cells.row_order = flemish.row_order
left join gaps
    on
        table_cells.region_code = gaps.region_code
        and table_cells.row_order = gaps.row_order
