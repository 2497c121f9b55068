-- Table 2 clusters must cover exactly the leaves of TOTAL, Table 3 subsectors exactly the
-- leaves of C: every A38/A64 code that is not split further, each once. Returns the leaves
-- that are missing from or extra in a classification.
with leaves as (
    select
        branch_code,
        is_manufacturing
    from {{ ref('nbb_branches') }}
    where
        branch_level in ('a38', 'a64')
        and branch_code not in (
            select parents.parent_a38_code from {{ ref('nbb_branches') }} as parents
            where parents.parent_a38_code is not null
        )
),

expected as (
    select
        'table_2_cluster' as classification,
        branch_code
    from leaves
    union all
    select
        'table_3_subsector' as classification,
        branch_code
    from leaves
    where is_manufacturing
),

mapped as (
    select
        classification,
        leaf_branch_code as branch_code
    from {{ ref('sector_mapping') }}
)

select
    'missing' as problem,
    missing.classification,
    missing.branch_code
from (
    select * from expected
    except
    select * from mapped
) as missing
union all
select
    'extra' as problem,
    extra.classification,
    extra.branch_code
from (
    select * from mapped
    except
    select * from expected
) as extra
