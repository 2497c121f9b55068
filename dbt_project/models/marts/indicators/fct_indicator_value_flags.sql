-- Every value that a known gap or series break (seed known_series_breaks, schema meta) makes
-- incomparable with the year before: the break year itself, and the first year after a
-- missing one. One row per value and flag.
with indicator_values as (
    select * from {{ ref('fct_indicator_values') }}
),

flags as (
    select * from {{ ref('known_series_breaks') }}
),

affected as (
    select
        indicator_values.indicator_id,
        indicator_values.region_code,
        indicator_values.sector_code,
        indicator_values.year,
        {{ period_of('indicator_values.year') }} as period,
        indicator_values.value,
        indicator_values.obs_status,
        indicator_values.source_id,
        flags.flag_id,
        flags.flag_kind,
        flags.year as flag_year,
        case flags.flag_kind
            when 'break' then 'first year of the new series: not comparable with the year before'
            when 'gap' then 'first year after a missing year: no year-on-year change'
        end as effect,
        flags.description
    from indicator_values
    inner join flags
        on
            indicator_values.indicator_id = flags.indicator_id
            and (flags.source_id is null or indicator_values.source_id = flags.source_id)
            and (flags.region_code is null or indicator_values.region_code = flags.region_code)
            and (flags.sector_code is null or indicator_values.sector_code = flags.sector_code)
            and indicator_values.year
            = flags.year + case flags.flag_kind when 'gap' then 1 else 0 end
)

select * from affected
