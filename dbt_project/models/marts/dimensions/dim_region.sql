-- Regions with their codes in every publisher's code list.
select
    region_code,
    region_level,
    parent_region_code,
    name_nl,
    name_en,
    name_fr,
    nbb_nuts_code,
    refnis_code,
    is_flemish_province,
    sort_order
from {{ ref('regions') }}
