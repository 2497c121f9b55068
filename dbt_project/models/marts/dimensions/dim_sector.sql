-- Every sector_code of the warehouse: NBB's branches (TOTAL, C, A38, A64) and the article's
-- clusters and subsectors, with the article's labels and row orders.
with branches as (
    select * from {{ ref('nbb_branches') }}
),

article_sectors as (
    select * from {{ ref('sectors') }}
),

printed_labels as (
    select
        sector_code,
        max(case when label_family = 'table_2' then label_nl end) as table_2_label_nl,
        max(case when label_family = 'table_3' then label_nl end) as table_3_label_nl
    from {{ ref('article_sector_labels') }}
    where is_printed_label
    group by sector_code
),

leaves as (
    select
        mapped_leaves.sector_code,
        string_agg(mapped_leaves.leaf_branch_code, ' ' order by branches.sort_order)
            as leaf_branch_codes
    from (
        select distinct
            sector_code,
            leaf_branch_code
        from {{ ref('sector_mapping') }}
    ) as mapped_leaves
    inner join branches on mapped_leaves.leaf_branch_code = branches.branch_code
    group by mapped_leaves.sector_code
),

from_branches as (
    select
        branches.sector_code,
        coalesce(article_sectors.sector_kind, branches.branch_level) as sector_kind,
        coalesce(article_sectors.label_nl, branches.label_nl) as label_nl,
        coalesce(article_sectors.label_en, branches.label_en) as label_en,
        branches.branch_code as nbb_branch_code,
        branches.parent_a38_code as parent_sector_code,
        branches.is_manufacturing,
        branches.sort_order
    from branches
    left join article_sectors on branches.sector_code = article_sectors.sector_code
),

clusters as (
    select
        article_sectors.sector_code,
        article_sectors.sector_kind,
        article_sectors.label_nl,
        article_sectors.label_en,
        null as nbb_branch_code,
        null as parent_sector_code,
        article_sectors.is_manufacturing,
        coalesce(
            100 + article_sectors.table_2_row_order,
            150 + article_sectors.table_3_row_order,
            -- NACE sections of the other publishers (Statbel, RSZ): after, in letter order
            200 + ascii(article_sectors.sector_code)
        ) as sort_order
    from article_sectors
    where article_sectors.sector_code not in (select branches.sector_code from branches)
),

all_sectors as (
    select * from from_branches
    union all
    select * from clusters
)

select
    all_sectors.sector_code,
    all_sectors.sector_kind,
    all_sectors.label_nl,
    all_sectors.label_en,
    all_sectors.nbb_branch_code,
    all_sectors.parent_sector_code,
    all_sectors.is_manufacturing,
    leaves.leaf_branch_codes,
    article_sectors.table_2_row_order,
    printed_labels.table_2_label_nl,
    article_sectors.table_3_row_order,
    printed_labels.table_3_label_nl,
    all_sectors.sort_order
from all_sectors
left join article_sectors on all_sectors.sector_code = article_sectors.sector_code
left join printed_labels on all_sectors.sector_code = printed_labels.sector_code
left join leaves on all_sectors.sector_code = leaves.sector_code
