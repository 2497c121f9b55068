-- The rows of the article's tables (sectors seed) and the clusters of sector_mapping must be
-- the same sets, and a sector in both tables (food_industry, automotive) must have the same
-- leaves in both.
with mapping_sectors as (
    select distinct
        classification,
        sector_code
    from {{ ref('sector_mapping') }}
),

row_sectors as (
    select
        'table_2_cluster' as classification,
        sector_code
    from {{ ref('sectors') }}
    where table_2_row_order is not null and sector_code <> 'TOTAL'
    union all
    select
        'table_3_subsector' as classification,
        sector_code
    from {{ ref('sectors') }}
    where table_3_row_order is not null and sector_code <> 'C'
),

set_differences as (
    select
        'row without mapping' as problem,
        classification,
        sector_code,
        null as leaf_branch_code
    from (
        select * from row_sectors
        except
        select * from mapping_sectors
    ) as rows_only
    union all
    select
        'mapping without row' as problem,
        classification,
        sector_code,
        null as leaf_branch_code
    from (
        select * from mapping_sectors
        except
        select * from row_sectors
    ) as mapping_only
),

table_2 as (
    select
        sector_code,
        leaf_branch_code
    from {{ ref('sector_mapping') }}
    where classification = 'table_2_cluster'
),

table_3 as (
    select
        sector_code,
        leaf_branch_code
    from {{ ref('sector_mapping') }}
    where classification = 'table_3_subsector'
),

shared as (
    select sector_code from table_2
    intersect
    select sector_code from table_3
),

shared_leaves_2 as (
    select
        table_2.sector_code,
        table_2.leaf_branch_code
    from table_2
    inner join shared on table_2.sector_code = shared.sector_code
),

shared_leaves_3 as (
    select
        table_3.sector_code,
        table_3.leaf_branch_code
    from table_3
    inner join shared on table_3.sector_code = shared.sector_code
),

leaf_differences as (
    select
        'leaves differ between tables' as problem,
        null as classification,
        differing.sector_code,
        differing.leaf_branch_code
    from (
        (
            select * from shared_leaves_2
            except
            select * from shared_leaves_3
        )
        union all
        (
            select * from shared_leaves_3
            except
            select * from shared_leaves_2
        )
    ) as differing
)

select * from set_differences
union all
select * from leaf_differences
