-- The SALK seed's net change must be its new jobs less its jobs lost (10,000 - 8,000).
select region_code
from {{ ref('salk_scenario') }}
group by region_code
having
    max(case when parameter_id = 'net_change_target' then value end)
    <> max(case when parameter_id = 'new_jobs_target' then value end)
    - max(case when parameter_id = 'ford_jobs_lost' then value end)
