-- Employment (Eurostat nama_10r_3empers, EMP: employees plus self-employed) beside NBB's
-- employees (EMPLOY, latest vintage), by region, Eurostat NACE group and year, for every
-- vintage of employment; the self-employed as the difference. Employees are summed over the
-- NBB branches of each group (eurostat_nace_groups seed).
with employment as (
    select
        region_code,
        nace_group_code,
        year,
        value,
        obs_status,
        vintage,
        retrieved_at,
        file_sha256
    from {{ ref('stg_eurostat__employment_by_industry') }}
    qualify row_number() over (
        partition by region_code, nace_group_code, year, vintage
        order by retrieved_at desc, file_sha256 asc
    ) = 1
),

employees_by_branch as (
    select
        region_code,
        sector_code as branch_code,
        year,
        value,
        obs_status,
        vintage
    from {{ ref('int_regional_accounts__harmonised') }}
    where indicator_id = 'employees'
    qualify row_number() over (
        partition by region_code, sector_code, year order by vintage desc
    ) = 1
),

groups as (
    select
        nace_group_code,
        any_value(label_en) as nace_group_label,
        count(*) as n_branches
    from {{ ref('eurostat_nace_groups') }}
    group by nace_group_code
),

employees as (
    select
        employees_by_branch.region_code,
        nace_groups.nace_group_code,
        employees_by_branch.year,
        sum(employees_by_branch.value) as value,
        {{ weakest_obs_status('employees_by_branch.obs_status') }} as obs_status,
        max(employees_by_branch.vintage) as vintage,
        count(*) as n_branches
    from employees_by_branch
    inner join {{ ref('eurostat_nace_groups') }} as nace_groups
        on employees_by_branch.branch_code = nace_groups.branch_code
    group by all
)

select
    employment.region_code,
    employment.nace_group_code,
    groups.nace_group_label,
    employment.year,
    {{ period_of('employment.year') }} as period,
    employment.vintage as employment_vintage,
    employment.value as employment,
    employment.obs_status as employment_status,
    employees.value as employees,
    employees.obs_status as employees_status,
    employees.vintage as employees_vintage,
    employment.value - employees.value as self_employed,
    {{ weakest_obs_status_of(['employment.obs_status', 'employees.obs_status']) }}
        as self_employed_status,
    100 * employees.value / nullif(employment.value, 0) as employees_share_pct
from employment
inner join {{ ref('regions') }} as regions on employment.region_code = regions.region_code
inner join groups on employment.nace_group_code = groups.nace_group_code
left join employees
    on
        employment.region_code = employees.region_code
        and employment.nace_group_code = employees.nace_group_code
        and employment.year = employees.year
        -- a group counts only where every one of its branches has employees
        and groups.n_branches = employees.n_branches
