-- Every change of fct_indicator_changes whose span crosses a known series break (seed
-- known_series_breaks): the two ends were measured on different bases, so the change mixes a
-- real movement with the break (the Labour Force Survey's 2017 and 2021 redesigns inside
-- Table 1's 2013-2023 employment-rate change, lawyers VAT-liable from 2014). One row per change
-- and break.
with changes as (
    select * from {{ ref('fct_indicator_changes') }}
),

values_source as (
    select distinct
        indicator_id,
        region_code,
        sector_code,
        source_id
    from {{ ref('fct_indicator_values') }}
),

breaks as (
    select * from {{ ref('known_series_breaks') }}
    where flag_kind = 'break'
)

select
    changes.indicator_id,
    changes.region_code,
    changes.sector_code,
    changes.from_year,
    changes.to_year,
    changes.change_abs,
    changes.change_pct,
    changes.change_ppt,
    changes.cagr_pct,
    changes.obs_status,
    breaks.flag_id,
    breaks.year as break_year,
    breaks.description
from changes
inner join breaks
    on
        changes.indicator_id = breaks.indicator_id
        and changes.from_year < breaks.year
        and changes.to_year >= breaks.year
        and (breaks.region_code is null or changes.region_code = breaks.region_code)
        and (breaks.sector_code is null or changes.sector_code = breaks.sector_code)
where
    breaks.source_id is null
    or exists (
        select 1
        from values_source
        where
            values_source.indicator_id = changes.indicator_id
            and values_source.region_code = changes.region_code
            and values_source.sector_code = changes.sector_code
            and values_source.source_id = breaks.source_id
    )
