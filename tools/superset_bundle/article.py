"""What the dashboard shows: the datasets (SQL on the article marts), the four charts and the
texts, in English and Dutch. Chart plumbing (form data, query context) is in charts.py."""

from __future__ import annotations

from dataclasses import dataclass

REFERENCE_REGION = "BE2"  # the Flemish Region, Figure 2's comparison
LANGS = ("en", "nl")
TEMPORAL_AXIS = "period"  # DATE, 1 January of `year`: the time axis of every figure


@dataclass(frozen=True)
class Dataset:
    key: str  # stable: the dataset's UUID is derived from it
    table_name: str  # the name Superset lists (the mart's own name for a physical dataset)
    description: str
    sql: str | None = None  # None: the physical table marts.<table_name>


# Figure 1 in long form: one line per region (employees indexed to the SALK base year) plus the
# SALK scenario on the same index. The scenario's base-year row holds the actual employees of
# that year (salk_scenario_basis 'actual base year'), so scenario / that value is its index.
FIGURE_1_SQL = """\
SELECT f.period, f.year, f.region_code, 'employees' AS series_kind,
       r.name_nl AS series_nl, r.name_en AS series_en,
       f.employees_index AS index_value, f.employees_index_status AS status
FROM marts.article_figure_1_employment_vs_salk AS f
JOIN marts.dim_region AS r ON r.region_code = f.region_code
UNION ALL
SELECT f.period, f.year, f.region_code, 'salk_scenario' AS series_kind,
       'SALK-scenario (' || r.name_nl || ')' AS series_nl,
       'SALK scenario (' || r.name_en || ')' AS series_en,
       100 * f.salk_scenario_employees / b.salk_scenario_employees AS index_value,
       f.salk_scenario_status AS status
FROM marts.article_figure_1_employment_vs_salk AS f
JOIN marts.article_figure_1_employment_vs_salk AS b
  ON b.region_code = f.region_code AND b.salk_scenario_basis = 'actual base year'
JOIN marts.dim_region AS r ON r.region_code = f.region_code
WHERE f.salk_scenario_employees IS NOT NULL"""


def _with_region_names(mart: str) -> str:
    # The marts hold region codes; the charts' series are named after the regions.
    return (
        f"SELECT m.*, r.name_nl AS region_nl, r.name_en AS region_en\n"
        f"FROM marts.{mart} AS m\n"
        f"JOIN marts.dim_region AS r ON r.region_code = m.region_code"
    )


DATASETS = {
    d.key: d
    for d in (
        Dataset(
            "figure_1",
            "limwh_article_figure_1_employment_index",
            "Figure 1 in long form: employees indexed to the SALK base year per region "
            "(series_kind 'employees') and the SALK scenario on the same index "
            "('salk_scenario'), from marts.article_figure_1_employment_vs_salk.",
            FIGURE_1_SQL,
        ),
        Dataset(
            "figure_2",
            "limwh_article_figure_2_labour_market_rates",
            "marts.article_figure_2_labour_market_rates with the regions' names.",
            _with_region_names("article_figure_2_labour_market_rates"),
        ),
        Dataset(
            "figure_3",
            "limwh_article_figure_3_manufacturing_share",
            "marts.article_figure_3_manufacturing_share_by_province with the regions' names.",
            _with_region_names("article_figure_3_manufacturing_share_by_province"),
        ),
        Dataset(
            "table_2",
            "article_table_2_employment_by_sector",
            "The article's Table 2 (marts.article_table_2_employment_by_sector).",
        ),
    )
}

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "dashboard": "{region}: employment and manufacturing (the article's Figures 1-3, Table 2)",
        "fig1": "Figure 1. Wage employment, index {base} = 100, and the SALK scenario",
        "fig1_metric": "Index {base} = 100",
        "fig2": (
            "Figure 2. Job-seekers rate (age 18-64) and employment rate (age 20-64): "
            "{region} and {flanders}"
        ),
        "fig2_job_seekers": "Job-seekers rate (%)",
        "fig2_employment": "Employment rate (%)",
        "fig2_job_seekers_line": "Job-seekers rate",
        "fig2_employment_line": "Employment rate",
        "fig3": "Figure 3. Manufacturing's share of wage employment and of value added",
        "fig3_employees": "Employees",
        "fig3_gva": "Value added",
        "fig3_axis": "Share of manufacturing (%)",
        "table2": "Table 2. Wage employment by sector, {base}-{end}: {region}",
        "sector": "Sector",
        "employees_base": "Employees {base}",
        "employees_end": "Employees {end}",
        "change_abs": "Change",
        "change_pct": "Change (%)",
        "flemish_change_pct": "Change {flanders} (%)",
        "status": "Status: ",
        "source": "Source",
        "note": (
            "Recomputed from the Limburg warehouse (the published DuckDB file, read-only). "
            "Every value carries a status (official, provisional, derived or modelled): "
            "Table 2 shows it per column and every dataset has the status columns. "
            "Values marked *modelled* are not official statistics. Figure 1's SALK scenario "
            "runs linearly from the actual {base} level to the plan's target; it is the "
            "warehouse's reading of the SALK plan (2013)."
        ),
    },
    "nl": {
        "dashboard": "{region}: tewerkstelling en maakindustrie (figuren 1-3 en tabel 2)",
        "fig1": "Figuur 1. Loontrekkende tewerkstelling, index {base} = 100, en het SALK-scenario",
        "fig1_metric": "Index {base} = 100",
        "fig2": (
            "Figuur 2. Werkzoekendengraad (18-64 jaar) en werkzaamheidsgraad (20-64 jaar): "
            "{region} en {flanders}"
        ),
        "fig2_job_seekers": "Werkzoekendengraad (%)",
        "fig2_employment": "Werkzaamheidsgraad (%)",
        "fig2_job_seekers_line": "Werkzoekendengraad",
        "fig2_employment_line": "Werkzaamheidsgraad",
        "fig3": "Figuur 3. Aandeel van de maakindustrie in tewerkstelling en toegevoegde waarde",
        "fig3_employees": "Loontrekkenden",
        "fig3_gva": "Toegevoegde waarde",
        "fig3_axis": "Aandeel van de maakindustrie (%)",
        "table2": "Tabel 2. Loontrekkende tewerkstelling per sector, {base}-{end}: {region}",
        "sector": "Sector",
        "employees_base": "Loontrekkenden {base}",
        "employees_end": "Loontrekkenden {end}",
        "change_abs": "Verschil",
        "change_pct": "Verschil (%)",
        "flemish_change_pct": "Verschil {flanders} (%)",
        "status": "Status: ",
        "source": "Bron",
        "note": (
            "Herberekend uit het Limburg-datawarehouse (het gepubliceerde DuckDB-bestand, "
            "alleen-lezen). Elke waarde heeft een status (official, provisional, derived of "
            "modelled): tabel 2 toont die per kolom en elke dataset heeft de statuskolommen. "
            "Waarden met status *modelled* zijn geen officiële statistiek. Het SALK-scenario "
            "van figuur 1 loopt lineair van het werkelijke niveau van {base} naar het "
            "doel van het plan; het is de lezing van het SALK-plan (2013) door het warehouse."
        ),
    },
}

# Table 2's columns in the article's order (with their number format), then the status
# columns, each with the value column it qualifies (change_status covers both changes).
TABLE_2_VALUES = (
    ("employees_base", ",.0f"),
    ("employees_end", ",.0f"),
    ("change_abs", "+,.0f"),
    ("change_pct", "+,.1f"),
    ("flemish_change_pct", "+,.1f"),
)
TABLE_2_STATUSES = (
    ("employees_base_status", "employees_base"),
    ("employees_end_status", "employees_end"),
    ("change_status", "change_abs"),
    ("flemish_change_status", "flemish_change_pct"),
)

# Where each chart's values come from (source_id in meta.source_vintages); Figure 2's sources
# are read from the mart itself.
CHART_SOURCES = {
    "figure_1": ["nbb_regaca38"],
    "figure_3": ["nbb_regaca38"],
    "table_2": ["nbb_regaca38"],
}
EXTRA_SOURCES = {"figure_1": ["SALK (2013)"]}
