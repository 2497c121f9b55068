-- Every sector label of the article's published figures must map to a sector_code.
select
    figure_id,
    published_in,
    article_indicator,
    article_sector_label
from {{ ref('int_article_figures__mapped') }}
where sector_code is null
