-- Every indicator value of every source and vintage: one union over each source's indicator
-- values, in the same columns.
{%- set per_source = [
    'int_regional_accounts__indicator_values',
    'int_vat_enterprises__indicator_values',
    'int_establishments__indicator_values',
    'int_job_seekers__indicator_values',
    'int_employment_rate__indicator_values',
    'int_regional_gdp__indicator_values',
    'int_employment__indicator_values',
    'int_self_employed__indicator_values',
] %}

{% for model in per_source %}
    select
        indicator_id,
        region_code,
        sector_code,
        year,
        value,
        obs_status,
        source_id,
        vintage
    from {{ ref(model) }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
