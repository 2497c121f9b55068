-- NBB regional accounts (DF_REGACA38): one row per annual observation, codes as NBB publishes
-- them, with the warehouse's observation status and the file's vintage. `_Z` (not applicable)
-- marks an item that is not broken down by branch or institutional sector (GDP per inhabitant,
-- population): it is the whole economy, TOT and S1 here.
with source as (
    select * from {{ source('nbb', 'nbb_regaca38') }}
),

renamed as (
    select
        cast(time_period as integer) as year,
        upper(item) as item,
        nuts as nuts_code,
        case upper(branch) when '_Z' then 'TOT' else upper(branch) end as branch_code,
        upper(unit) as unit_code,
        case upper(sector) when '_Z' then 'S1' else upper(sector) end as institutional_sector_code,
        obs_value as value,
        obs_status as sdmx_obs_status,
        {{ obs_status_from_sdmx('is_modelled', 'upper(obs_status)') }} as obs_status,
        {{ raw_provenance() }}
    from source
    where upper(freq) = 'A'
)

select * from renamed
