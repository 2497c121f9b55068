-- Eurostat employment (EMP: employees plus self-employed), nama_10r_3empers, from the JSON-stat
-- 2.0 response: annual cells with a value, in persons (Eurostat publishes thousands with one
-- decimal). Eurostat's flag e is estimated, p provisional.
with source as (
    select *
    from {{ optional_source('eurostat', 'eurostat_employment_by_industry', [
        ['freq', 'varchar'],
        ['unit', 'varchar'],
        ['wstatus', 'varchar'],
        ['nace_r2', 'varchar'],
        ['geo', 'varchar'],
        ['time_period', 'varchar'],
        ['obs_value', 'double'],
        ['obs_status', 'varchar'],
    ] + raw_provenance_columns()) }}
),

renamed as (
    select
        cast(time_period as integer) as year,
        {{ nuts_2016_code('geo') }} as region_code,
        upper(geo) as eurostat_geo_code,
        upper(nace_r2) as nace_group_code,
        round(obs_value * 1000) as value,
        obs_status as eurostat_obs_status,
        {{ obs_status_from_eurostat('is_modelled', 'obs_status') }} as obs_status,
        {{ raw_provenance() }}
    from source
    where
        upper(freq) = 'A'
        and upper(unit) = 'THS'
        and upper(wstatus) = 'EMP'
        and obs_value is not null
)

select * from renamed
