-- The article's published figures in the marts' terms: indicator_id, measure, region_code,
-- sector_code, year or span, and the mart and column a computed figure is found in.
with figures as (
    select * from {{ ref('ref_article_figures') }}
),

parsed as (
    select
        *,
        case
            when indicator like 'salk\_%' escape '\' then 'scenario_input'
            when indicator like '%\_gap\_to\_BE2' escape '\' then 'gap_pct'
            when indicator like '%\_avg\_annual\_growth' escape '\' then 'cagr_pct'
            when indicator like '%\_change\_pct' escape '\' then 'change_pct'
            when indicator like '%\_change' escape '\' and unit = 'percentage points'
                then 'change_ppt'
            when indicator like '%\_change' escape '\' then 'change_abs'
            else 'value'
        end as measure,
        -- Table 3 rows and shares of manufacturing use Table 3's labels.
        case
            when published_in = 'table_3' or indicator = 'share_of_manufacturing_employees'
                then 'table_3'
            else 'table_2'
        end as label_family,
        contains(period, '-') as is_span
    from figures
),

mapped as (
    select
        parsed.figure_id,
        parsed.published_in,
        parsed.indicator as article_indicator,
        case parsed.measure
            when 'gap_pct' then regexp_replace(parsed.indicator, '_gap_to_BE2$', '')
            when 'cagr_pct' then regexp_replace(parsed.indicator, '_avg_annual_growth$', '')
            when 'change_pct' then regexp_replace(parsed.indicator, '_change_pct$', '')
            when 'change_ppt' then regexp_replace(parsed.indicator, '_change$', '')
            when 'change_abs' then regexp_replace(parsed.indicator, '_change$', '')
            else parsed.indicator
        end as indicator_id,
        parsed.measure,
        case parsed.measure
            when 'value' then 'fct_indicator_values'
            when 'gap_pct' then 'fct_gap_to_region'
            when 'scenario_input' then null
            else 'fct_indicator_changes'
        end as target_model,
        parsed.region as region_code,
        labels.sector_code,
        parsed.sector as article_sector_label,
        case when not parsed.is_span then cast(parsed.period as integer) end as year,
        case when parsed.is_span then cast(split_part(parsed.period, '-', 1) as integer) end
            as from_year,
        case when parsed.is_span then cast(split_part(parsed.period, '-', 2) as integer) end
            as to_year,
        case when parsed.measure = 'gap_pct' then 'BE2' end as reference_region_code,
        parsed.value,
        parsed.unit,
        parsed.tolerance,
        parsed.tolerance is not null as is_checked,
        parsed.note
    from parsed
    left join {{ ref('article_sector_labels') }} as labels
        on
            parsed.label_family = labels.label_family
            and parsed.sector = labels.label_nl
)

select * from mapped
