-- Eurostat Employment rate 20-64 (%), lfst_r_lfe2emprt, from the JSON-stat 2.0 response: annual
-- cells with a value, NUTS codes as published. Eurostat's flag e is estimated, p provisional.
with source as (
    select *
    from {{ optional_source('eurostat', 'eurostat_employment_rate', [
        ['freq', 'varchar'],
        ['unit', 'varchar'],
        ['sex', 'varchar'],
        ['age', 'varchar'],
        ['geo', 'varchar'],
        ['time_period', 'varchar'],
        ['obs_value', 'double'],
        ['obs_status', 'varchar'],
    ] + raw_provenance_columns()) }}
),

renamed as (
    select
        cast(time_period as integer) as year,
        upper(geo) as region_code,
        upper(unit) as unit_code,
        obs_value as value,
        obs_status as eurostat_obs_status,
        {{ obs_status_from_eurostat('is_modelled', 'obs_status') }} as obs_status,
        {{ raw_provenance() }}
    from source
    where
        upper(freq) = 'A'
        and upper(sex) = 'T'
        and upper(age) = 'Y20-64'
        and upper(unit) = 'PC'
        and obs_value is not null
)

select * from renamed
