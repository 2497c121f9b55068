-- Every value of every source and vintage (fct_indicator_values picks one per cell).
select
    indicator_id,
    region_code,
    sector_code,
    year,
    value,
    unit,
    obs_status,
    source_id,
    vintage
from {{ ref('int_indicator_values__unioned') }}
