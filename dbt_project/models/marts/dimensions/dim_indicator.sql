-- Indicators: definition, unit, preferred source, attribution, release cadence.
select
    indicator_id,
    label_en,
    label_nl,
    definition,
    unit,
    indicator_kind,
    preferred_source_id,
    attribution,
    release_cadence,
    derivation,
    nbb_item,
    nbb_unit,
    is_additive_over_branches
from {{ ref('indicators') }}
