-- Eurostat GDP per inhabitant (EUR_HAB), nama_10r_3gdp (and older nama_10r_2gdp vintages), from
-- the JSON-stat 2.0 response: annual cells with a value, NUTS codes as published. Eurostat's
-- flag e is estimated, p provisional.
with source as (
    select *
    from {{ optional_source('eurostat', 'eurostat_gdp_per_inhabitant', [
        ['freq', 'varchar'],
        ['unit', 'varchar'],
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
        upper(unit) as unit_code,
        obs_value as value,
        obs_status as eurostat_obs_status,
        {{ obs_status_from_eurostat('is_modelled', 'obs_status') }} as obs_status,
        {{ raw_provenance() }}
    from source
    where
        upper(freq) = 'A'
        and upper(unit) = 'EUR_HAB'
        and obs_value is not null
)

select * from renamed
