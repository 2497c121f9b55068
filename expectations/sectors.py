"""Codes the checks need, kept here on purpose: the checks must not trust the seeds they verify."""

from __future__ import annotations

# NBB NUTS codes of DF_REGACA38 -> region_code (NUTS).
NBB_NUTS_TO_REGION = {
    "000": "BE",
    "200": "BE2",
    "210": "BE21",
    "220": "BE22",
    "230": "BE23",
    "240": "BE24",
    "250": "BE25",
}
FLEMISH_REGION_NUTS = "200"
FLEMISH_PROVINCE_NUTS = ("210", "220", "230", "240", "250")

# Table 2: 18 clusters that partition TOTAL (article order).
TABLE_2_CLUSTERS = (
    "admin_support",
    "logistics",
    "social_work",
    "trade",
    "education",
    "consulting_engineering",
    "human_health",
    "it_services",
    "hospitality",
    "food_industry",
    "arts_recreation",
    "advertising_market_research",
    "agriculture",
    "construction",
    "other_manufacturing",
    "other_non_manufacturing",
    "public_administration",
    "automotive",
)

# Table 3: 9 subsectors that partition C (manufacturing).
TABLE_3_SUBSECTORS = (
    "metal",
    "food_industry",
    "rubber_plastics",
    "chemicals",
    "wood_paper",
    "automotive",
    "electrical_optical",
    "machinery",
    "other_manufacturing_subsectors",
)

# Sectors whose year-on-year growth is bounded (ordered, no duplicates).
GROWTH_CHECKED_SECTORS = tuple(
    dict.fromkeys(("TOTAL", "C", *TABLE_2_CLUSTERS, *TABLE_3_SUBSECTORS))
)

# The article's Dutch labels. Table 3 rows (and share_of_manufacturing_employees) use their own.
TABLE_2_LABELS = {
    "Administratieve en ondersteunende diensten": "admin_support",
    "Logistiek": "logistics",
    "Maatschappelijke diensten": "social_work",
    "Groot- en kleinhandel": "trade",
    "Onderwijs": "education",
    "Adviesbureaus, architecten en ingenieurs": "consulting_engineering",
    "Menselijke gezondheidszorg": "human_health",
    "Informatica- en informatiediensten": "it_services",
    "Horeca": "hospitality",
    "Voedingsindustrie": "food_industry",
    "Kunst, amusement en recreatie": "arts_recreation",
    "Reclame en marktonderzoek": "advertising_market_research",
    "Landbouw, bosbouw en visserij": "agriculture",
    "Bouw": "construction",
    "Overige maakindustrie": "other_manufacturing",
    "Overige niet-maakindustrie": "other_non_manufacturing",
    "Openbaar bestuur en defensie": "public_administration",
    "Automobielindustrie": "automotive",
    "Totaal": "TOTAL",
    # Plain codes map to themselves (Table 1 rows use them).
    "TOTAL": "TOTAL",
    "C": "C",
}

TABLE_3_LABELS = {
    "Metaal": "metal",
    "Voeding": "food_industry",
    "Rubber en kunststoffen": "rubber_plastics",
    "Chemie": "chemicals",
    "Hout en papier": "wood_paper",
    "Automobiel": "automotive",
    "Elektr. en optische apparatuur": "electrical_optical",
    "Machines": "machinery",
    "Overige maakindustrie": "other_manufacturing_subsectors",
    "Totaal maakindustrie": "C",
    "TOTAL": "TOTAL",
    "C": "C",
}

# The enterprise and labour-market indicators (Statbel, RSZ, VDAB, Eurostat): their checks
# cover counts, rates, completeness and the article's Table 1 and Figure 2 figures.
ENTERPRISE_AND_LABOUR_INDICATORS = (
    "vat_enterprises",
    "vat_starters",
    "establishments_with_staff",
    "job_seekers_rate_18_64",
    "employment_rate_20_64",
)
