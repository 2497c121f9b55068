"""The report's words in the article's Dutch, with English as the option, and number formats."""

from __future__ import annotations

LANGUAGES = ("nl", "en")

TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Tien jaar na Ford Genk: {region} tegenover het Vlaams Gewest",
        "subtitle": (
            "De figuren en tabellen van de POM Limburg-analyse, opnieuw berekend uit het "
            "datawarehouse"
        ),
        "built": "Gebouwd door run {run_id} op {started} UTC",
        "modelled_banner": (
            "{modelled} van de {total} getoonde waarden zijn gemodelleerd (M): ze komen uit de "
            "ingebedde momentopname en zijn geen officiële statistiek."
        ),
        "provisional_count": "{n} zijn voorlopig (V).",
        "files": "{n} bestanden",
        "no_modelled": "Alle getoonde waarden zijn officieel of voorlopig (V).",
        "legend_modelled": "M = gemodelleerd, geen officiële statistiek",
        "legend_derived": "A = afgeleid uit afgeronde gepubliceerde cijfers",
        "legend_estimated": "G = geschat door de uitgever (gepubliceerd)",
        "legend_provisional": "V = voorlopig",
        "chart_modelled_note": "✚ = gemodelleerd, geen officiële statistiek",
        "status_official": "officieel",
        "status_provisional": "voorlopig",
        "status_estimated": "geschat",
        "status_derived": "afgeleid",
        "status_modelled": "gemodelleerd",
        "status": "Status",
        "figure": "Figuur {n}",
        "table": "Tabel {n}",
        "fig1_title": "Loontrekkende tewerkstelling en het SALK-scenario",
        "fig1_title_no_salk": "Loontrekkende tewerkstelling",
        "fig1_level": "Loontrekkenden in {region}",
        "fig1_index": "Index 2012 = 100",
        "fig1_employees": "Loontrekkenden {region}",
        "fig1_salk": "SALK-scenario (netto +{net} jobs in {target_year})",
        "fig1_no_salk": ("Het SALK-plan gold voor Limburg: voor {region} is er geen scenariolijn."),
        "fig1_salk_note": (
            "De scenariolijn loopt lineair van de werkelijke waarde in {base_year} naar het "
            "doel in {target_year}: een lezing van het plan door dit warehouse, geen pad dat het "
            "plan publiceerde."
        ),
        "fig2_title": "Werkzoekendengraad en werkzaamheidsgraad",
        "fig2_job_seekers": "Werkzoekendengraad 18-64 jaar (%)",
        "fig2_employment": "Werkzaamheidsgraad 20-64 jaar (%)",
        "fig2_lfs_note": "werkzaamheidsgraad: Enquête naar de arbeidskrachten, Statbel",
        "fig3_title": "Aandeel van de maakindustrie per provincie",
        "fig3_employees": "Aandeel in de loontrekkende tewerkstelling (%)",
        "fig3_gva": "Aandeel in de toegevoegde waarde (%)",
        "year": "Jaar",
        "persons": "Personen",
        "series": "Reeks",
        "region": "Regio",
        "t1_title": "Kerncijfers",
        "t2_title": "Loontrekkende tewerkstelling per sector, {base}-{end}",
        "t3_title": "Deelsectoren van de maakindustrie, {base}-{end}",
        "indicator": "Indicator",
        "period": "Periode",
        "unit": "Eenheid",
        "start": "Begin",
        "end": "Einde",
        "change": "Evolutie",
        "flemish": "Vlaams Gewest",
        "gap": "Kloof t.o.v. Vlaams Gewest",
        "sector": "Sector",
        "subsector": "Deelsector",
        "difference": "Verschil",
        "change_pct": "Evolutie (%)",
        "flemish_change_pct": "Vlaams Gewest (%)",
        "share": "Aandeel maakindustrie {year} (%)",
        "flemish_share": "Vlaams aandeel {year} (%)",
        "points": "ppt",
        "sources": "Bronnen en vintages",
        "source_publisher": "Uitgever",
        "source_dataset": "Dataset",
        "source_vintage": "Vintage",
        "source_retrieved": "Opgehaald",
        "source_licence": "Licentie",
        "source_attribution": "Bronvermelding",
        "source_state": "Toestand",
        "stale": "verouderd: {fault}",
        "current": "actueel",
        "past_vintage": "eerdere vintage",
        "attribution_line": "Bronnen: {attributions}. Berekeningen: Limburg-warehouse.",
        "missing": "niet beschikbaar",
        "footer": (
            "Gemaakt met `limwh report`. Gemodelleerde waarden (M) zijn afgeleid om de "
            "gepubliceerde cijfers van het artikel te reproduceren; ze vervangen geen officiële "
            "statistiek."
        ),
    },
    "en": {
        "title": "Ten years after Ford Genk: {region} against the Flemish Region",
        "subtitle": (
            "The figures and tables of the POM Limburg analysis, recomputed from the warehouse"
        ),
        "built": "Built by run {run_id} at {started} UTC",
        "modelled_banner": (
            "{modelled} of the {total} values shown are modelled (M): they come from the "
            "embedded snapshot and are not official statistics."
        ),
        "provisional_count": "{n} are provisional (P).",
        "files": "{n} files",
        "no_modelled": "Every value shown is official or provisional (P).",
        "legend_modelled": "M = modelled, not an official statistic",
        "legend_derived": "D = derived from rounded published figures",
        "legend_estimated": "E = estimated by the publisher (published)",
        "legend_provisional": "P = provisional",
        "chart_modelled_note": "✚ = modelled, not an official statistic",
        "status_official": "official",
        "status_provisional": "provisional",
        "status_estimated": "estimated",
        "status_derived": "derived",
        "status_modelled": "modelled",
        "status": "Status",
        "figure": "Figure {n}",
        "table": "Table {n}",
        "fig1_title": "Wage employment and the SALK scenario",
        "fig1_title_no_salk": "Wage employment",
        "fig1_level": "Employees in {region}",
        "fig1_index": "Index 2012 = 100",
        "fig1_employees": "Employees {region}",
        "fig1_salk": "SALK scenario (net +{net} jobs by {target_year})",
        "fig1_no_salk": "The SALK plan was Limburg's: {region} has no scenario line.",
        "fig1_salk_note": (
            "The scenario line runs linearly from the actual value in {base_year} to the target "
            "in {target_year}: this warehouse's reading of the plan, not a path the plan printed."
        ),
        "fig2_title": "Job-seekers rate and employment rate",
        "fig2_job_seekers": "Job-seekers rate, age 18-64 (%)",
        "fig2_employment": "Employment rate, age 20-64 (%)",
        "fig2_lfs_note": "employment rate: Labour Force Survey, Statbel",
        "fig3_title": "Manufacturing's share by province",
        "fig3_employees": "Share of wage employment (%)",
        "fig3_gva": "Share of value added (%)",
        "year": "Year",
        "persons": "Persons",
        "series": "Series",
        "region": "Region",
        "t1_title": "Key figures",
        "t2_title": "Wage employment by sector, {base}-{end}",
        "t3_title": "Manufacturing subsectors, {base}-{end}",
        "indicator": "Indicator",
        "period": "Period",
        "unit": "Unit",
        "start": "Start",
        "end": "End",
        "change": "Change",
        "flemish": "Flemish Region",
        "gap": "Gap to the Flemish Region",
        "sector": "Sector",
        "subsector": "Subsector",
        "difference": "Difference",
        "change_pct": "Change (%)",
        "flemish_change_pct": "Flemish Region (%)",
        "share": "Share of manufacturing {year} (%)",
        "flemish_share": "Flemish share {year} (%)",
        "points": "pp",
        "sources": "Sources and vintages",
        "source_publisher": "Publisher",
        "source_dataset": "Dataset",
        "source_vintage": "Vintage",
        "source_retrieved": "Retrieved",
        "source_licence": "Licence",
        "source_attribution": "Attribution",
        "source_state": "State",
        "stale": "stale: {fault}",
        "current": "current",
        "past_vintage": "past vintage",
        "attribution_line": "Sources: {attributions}. Calculations: Limburg warehouse.",
        "missing": "not available",
        "footer": (
            "Made with `limwh report`. Modelled values (M) are derived to reproduce the "
            "article's published figures; they stand in for no official statistic."
        ),
    },
}

# The letter that marks a value's status in tables and chart tooltips ("" for official).
STATUS_MARK = {
    "nl": {"modelled": "M", "derived": "A", "estimated": "G", "provisional": "V", "official": ""},
    "en": {"modelled": "M", "derived": "D", "estimated": "E", "provisional": "P", "official": ""},
}

# The marts' units (English) in Dutch.
UNITS_NL = {
    "persons": "personen",
    "enterprises": "ondernemingen",
    "establishments": "vestigingen",
    "million EUR, current prices": "miljoen EUR, lopende prijzen",
    "EUR per hour": "EUR per uur",
    "thousand hours": "duizend uren",
}


def unit_label(unit: str, lang: str) -> str:
    return UNITS_NL.get(unit, unit) if lang == "nl" else unit


# Locale names as vl-convert and Vega know them (number formats in the charts).
FORMAT_LOCALE = {"nl": "nl-NL", "en": "en-GB"}


def text(lang: str, key: str, **values: object) -> str:
    return TEXT[lang][key].format(**values)


def fmt_number(value: float | None, digits: int, lang: str, signed: bool = False) -> str:
    """1.234,5 in Dutch, 1,234.5 in English; a real minus sign; '-' for a missing value."""
    if value is None:
        return "–"
    sign = "+" if signed else ""
    out = f"{value:{sign},.{digits}f}"
    if lang == "nl":
        out = out.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return out.replace("-", "−")
