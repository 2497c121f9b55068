{#- The one definition of observation statuses and their order.
    Weakest first: modelled < derived < estimated < provisional < official. `derived` is a value
    computed here from published figures that were themselves rounded (VDAB's province rate
    from municipal rates), so only approximately the publisher's. `estimated` is a value the
    publisher itself flags as an estimate (Eurostat's flag e): published, not modelled. A value computed from several
    inputs takes the weakest status of its inputs, so nothing modelled is ever presented as
    official. -#}

{% macro obs_statuses() -%}
    {{ return(['official', 'provisional', 'estimated', 'derived', 'modelled']) }}
{%- endmacro %}

{% macro obs_status_rank(status) -%}
    case {{ status }}
        when 'modelled' then 1 when 'derived' then 2 when 'estimated' then 3
        when 'provisional' then 4 when 'official' then 5
    end
{%- endmacro %}

{% macro obs_status_of_rank(rank) -%}
    case {{ rank }}
        when 1 then 'modelled' when 2 then 'derived' when 3 then 'estimated'
        when 4 then 'provisional' when 5 then 'official'
    end
{%- endmacro %}

{#- Aggregate: the weakest status over the rows of a group. -#}
{% macro weakest_obs_status(status_column) -%}
    {{ obs_status_of_rank('min(' ~ obs_status_rank(status_column) ~ ')') }}
{%- endmacro %}

{#- Row level: the weakest of several status expressions (NULLs are ignored). -#}
{% macro weakest_obs_status_of(status_expressions) -%}
    {%- set ranks = [] -%}
    {%- for expression in status_expressions -%}
        {%- do ranks.append(obs_status_rank(expression)) -%}
    {%- endfor -%}
    {{ obs_status_of_rank('least(' ~ ranks | join(', ') ~ ')') }}
{%- endmacro %}

{#- From a raw row: the snapshot's manifest marks modelled series; SDMX OBS_STATUS 'P' is
    provisional; everything else as published is official. -#}
{% macro obs_status_from_sdmx(is_modelled, sdmx_obs_status) -%}
    case
        when {{ is_modelled }} then 'modelled'
        when {{ sdmx_obs_status }} = 'P' then 'provisional'
        else 'official'
    end
{%- endmacro %}

{#- From a Eurostat JSON-stat status: the manifest's modelled cells first; then Eurostat's flags
    (several may combine, e.g. "ep"): e estimated, p provisional; everything else official. -#}
{% macro obs_status_from_eurostat(is_modelled, eurostat_status) -%}
    case
        when {{ is_modelled }} then 'modelled'
        when contains(lower(coalesce({{ eurostat_status }}, '')), 'e') then 'estimated'
        when contains(lower(coalesce({{ eurostat_status }}, '')), 'p') then 'provisional'
        else 'official'
    end
{%- endmacro %}
