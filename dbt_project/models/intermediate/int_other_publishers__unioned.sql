-- Every value of the publishers other than NBB (Statbel, RSZ, VDAB, Eurostat), one row per
-- (indicator_id, region_code, sector_code, year, source_id, vintage), in the columns of
-- int_indicator_values__unioned's inputs.
with statbel as (
    select
        indicator_id,
        region_code,
        sector_code,
        year,
        value,
        obs_status,
        source_id,
        vintage
    from {{ ref('int_statbel__vat_indicators') }}
),

labour_market as (
    select
        indicator_id,
        region_code,
        sector_code,
        year,
        value,
        obs_status,
        source_id,
        vintage
    from {{ ref('int_labour_market__indicators') }}
)

select * from statbel
union all
select * from labour_market
