-- Every value of every source and vintage (fct_indicator_values picks one per cell), with the
-- indicator's unit.
select
    unioned.indicator_id,
    unioned.region_code,
    unioned.sector_code,
    unioned.year,
    {{ period_of('unioned.year') }} as period,
    unioned.value,
    indicators.unit,
    unioned.obs_status,
    unioned.source_id,
    unioned.vintage
from {{ ref('int_indicator_values__unioned') }} as unioned
inner join {{ ref('dim_indicator') }} as indicators
    on unioned.indicator_id = indicators.indicator_id
