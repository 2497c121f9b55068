-- The article's Figure 1: employees from the SALK plan's base year to the latest year, for every
-- Flemish province and the Flemish Region, indexed to the base year, against the SALK 2013
-- scenario for Limburg. The scenario line is the plan's target: base-year employees plus the net
-- change it implies (new jobs less Ford-related jobs lost, seed salk_scenario), reached linearly
-- by the target year. The linear path is this warehouse's reading, not a path the plan printed.
{%- set end_year = var('article_end_year') | int %}
{%- set reference_region = var('reference_region_code') %}

with salk as (
    select
        region_code,
        cast(max(case when parameter_id = 'base_year' then value end) as integer) as base_year,
        cast(max(case when parameter_id = 'target_year' then value end) as integer)
            as target_year,
        max(case when parameter_id = 'ford_jobs_lost' then value end) as ford_jobs_lost,
        max(case when parameter_id = 'new_jobs_target' then value end) as new_jobs_target,
        max(case when parameter_id = 'net_change_target' then value end) as net_change_target
    from {{ ref('salk_scenario') }}
    group by region_code
),

-- The figure starts in the plan's base year, for every region.
figure_start as (
    select min(base_year) as base_year from salk
),

regions as (
    select
        region_code,
        sort_order
    from {{ ref('dim_region') }}
    where is_flemish_province or region_code = '{{ reference_region }}'
),

employees as (
    select
        region_code,
        year,
        value,
        obs_status
    from {{ ref('fct_indicator_values') }}
    where indicator_id = 'employees' and sector_code = 'TOTAL'
),

years as (
    select cast(unnest(range(figure_start.base_year, {{ end_year }} + 1)) as integer) as year
    from figure_start
),

series as (
    select
        regions.region_code,
        regions.sort_order,
        years.year,
        employees.value as employees,
        employees.obs_status as employees_status,
        100 * employees.value / nullif(base_employees.value, 0) as employees_index,
        {{ weakest_obs_status_of(['employees.obs_status', 'base_employees.obs_status']) }}
            as employees_index_status
    from regions
    cross join years
    cross join figure_start
    left join employees
        on
            regions.region_code = employees.region_code
            and years.year = employees.year
    left join employees as base_employees
        on
            regions.region_code = base_employees.region_code
            and figure_start.base_year = base_employees.year
),

scenario as (
    select
        salk.region_code,
        years.year,
        salk.ford_jobs_lost,
        salk.new_jobs_target,
        salk.net_change_target,
        base_employees.value
        + salk.net_change_target * (years.year - salk.base_year)
        / (salk.target_year - salk.base_year) as scenario_employees,
        case
            when years.year = salk.base_year then 'actual base year'
            when years.year = salk.target_year then 'plan target'
            else 'linear path to the plan target'
        end as scenario_basis,
        -- The scenario is anchored on the actual base-year value and inherits its status.
        base_employees.obs_status as scenario_status
    from salk
    inner join years on years.year between salk.base_year and salk.target_year
    left join employees as base_employees
        on
            salk.region_code = base_employees.region_code
            and salk.base_year = base_employees.year
)

select
    series.region_code,
    cast(row_number() over (order by series.sort_order, series.year) as integer) as row_order,
    series.year,
    {{ period_of('series.year') }} as period,
    series.employees,
    series.employees_index,
    flemish.employees_index as reference_employees_index,
    scenario.scenario_employees as salk_scenario_employees,
    scenario.scenario_basis as salk_scenario_basis,
    series.employees - scenario.scenario_employees as employees_vs_salk_scenario,
    scenario.ford_jobs_lost as salk_ford_jobs_lost,
    scenario.new_jobs_target as salk_new_jobs_target,
    scenario.net_change_target as salk_net_change_target,
    series.employees_status,
    series.employees_index_status,
    flemish.employees_index_status as reference_employees_index_status,
    scenario.scenario_status as salk_scenario_status,
    case
        when series.employees is not null and scenario.scenario_employees is not null
            then {{ weakest_obs_status_of([
                'series.employees_status', 'scenario.scenario_status'
            ]) }}
    end as employees_vs_salk_scenario_status
from series
left join series as flemish
    on
        flemish.region_code = '{{ reference_region }}'
        and series.year = flemish.year
left join scenario
    on
        series.region_code = scenario.region_code
        and series.year = scenario.year
