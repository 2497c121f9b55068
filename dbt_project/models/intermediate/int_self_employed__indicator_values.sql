-- The self-employed as employment (Eurostat EMP, each vintage) minus employees (NBB EMPLOY, its
-- latest vintage), where both exist for a region, sector and year. Two publishers' vintages
-- meet here, so the difference is only as good as the weaker of the two: it takes the weakest
-- status of its inputs (modelled wherever the employees are).
with employment as (
    select * from {{ ref('int_employment__indicator_values') }}
),

employees as (
    select *
    from {{ ref('int_regional_accounts__indicator_values') }}
    where indicator_id = 'employees'
    qualify row_number() over (
        partition by region_code, sector_code, year order by vintage desc
    ) = 1
)

select
    'self_employed' as indicator_id,
    employment.region_code,
    employment.sector_code,
    employment.year,
    employment.value - employees.value as value,
    {{ weakest_obs_status_of(['employment.obs_status', 'employees.obs_status']) }} as obs_status,
    employment.source_id,
    employment.vintage
from employment
inner join employees
    on
        employment.region_code = employees.region_code
        and employment.sector_code = employees.sector_code
        and employment.year = employees.year
