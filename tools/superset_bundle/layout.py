"""The four charts' files and the dashboard's file (its grid, a note on sources and status)."""

from __future__ import annotations

import uuid
from typing import Any

from tools.superset_bundle import charts
from tools.superset_bundle.article import (
    CHART_SOURCES,
    EXTRA_SOURCES,
    TABLE_2_STATUSES,
    TABLE_2_VALUES,
    TEXTS,
)

IMPORT_VERSION = "1.0.0"  # Superset's v1 import format
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "superset.limburg-warehouse.invalid")
# Focus region, Flemish Region, SALK scenario: the colours of `limwh report`'s figures
# (warehouse/read/report/charts.py), for the series named after them.
FOCUS_COLOUR, FLANDERS_COLOUR, SCENARIO_COLOUR = "#0b6e4f", "#4d4d4d", "#d95f02"
SALK_REGION = "BE22"  # the SALK plan (2013) is Limburg's


def stable_uuid(*name: str) -> str:
    """uuid5 of a fixed name: every build of the bundle gives an object the same UUID."""
    return str(uuid.uuid5(NAMESPACE, "/".join(name)))


def chart_configs(
    facts: dict[str, Any], region: str, lang: str, dataset_uuids: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """{'figure_1': chart file, ..., 'table_2': chart file}, in the dashboard's order."""
    t = _texts(facts, region, lang)
    built = {
        "figure_1": charts.line_chart(
            [charts.metric("index_value", t["fig1_metric"])],
            f"series_{lang}",
            [],  # every region of the mart, and the SALK scenario
            t["fig1_metric"],
        ),
        "figure_2": charts.mixed_chart(
            charts.metric("job_seekers_rate_18_64", t["fig2_job_seekers_line"]),
            charts.metric("employment_rate_20_64", t["fig2_employment_line"]),
            f"region_{lang}",
            [charts.equals_filter("region_code", [region, facts["reference_region"]])],
            (t["fig2_job_seekers"], t["fig2_employment"]),
        ),
        "figure_3": charts.line_chart(
            [
                charts.metric("manufacturing_share_of_employees", t["fig3_employees"]),
                charts.metric("manufacturing_share_of_gva", t["fig3_gva"]),
            ],
            f"region_{lang}",
            [],  # every province and the Flemish Region
            t["fig3_axis"],
        ),
        "table_2": charts.table_chart(
            _table_2_columns(lang),
            "row_order",
            [charts.equals_filter("region_code", [region])],
            _table_2_config(t, lang),
        ),
    }
    titles = {"figure_1": "fig1", "figure_2": "fig2", "figure_3": "fig3", "table_2": "table2"}
    return {
        key: {
            "slice_name": t[titles[key]],
            "description": _sources(facts, key, t),
            "certified_by": None,
            "certification_details": None,
            "viz_type": params["viz_type"],
            "params": params,
            "query_context": query_context,
            "cache_timeout": None,
            "uuid": stable_uuid("chart", region, lang, key),
            "version": IMPORT_VERSION,
            "dataset_uuid": dataset_uuids[key],
        }
        for key, (params, query_context) in built.items()
    }


def _table_2_columns(lang: str) -> list[str]:
    return [f"label_{lang}", *(c for c, _ in TABLE_2_VALUES), *(s for s, _ in TABLE_2_STATUSES)]


def _table_2_config(t: dict[str, str], lang: str) -> dict[str, dict[str, Any]]:
    config: dict[str, dict[str, Any]] = {f"label_{lang}": {"customColumnName": t["sector"]}}
    for column, number_format in TABLE_2_VALUES:
        config[column] = {"customColumnName": t[column], "d3NumberFormat": number_format}
    # The status of each value, headed after it: "Status: Employees 2013", ...
    for status, column in TABLE_2_STATUSES:
        config[status] = {"customColumnName": t["status"] + t[column]}
    return config


def dashboard_config(
    facts: dict[str, Any], region: str, lang: str, chart_files: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    t = _texts(facts, region, lang)
    rows = [["figure_1"], ["figure_2"], ["figure_3"], ["table_2"]]  # full width: long legends
    heights = {"figure_1": 55, "figure_2": 55, "figure_3": 70, "table_2": 90}
    position: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "parents": ["ROOT_ID"], "children": []},
        "HEADER_ID": {"type": "HEADER", "id": "HEADER_ID", "meta": {"text": t["dashboard"]}},
    }

    def row(n: int, children: list[str]) -> None:
        row_id = f"ROW-{n}"
        position["GRID_ID"]["children"].append(row_id)
        position[row_id] = {
            "type": "ROW",
            "id": row_id,
            "children": children,
            "parents": ["ROOT_ID", "GRID_ID"],
            "meta": {"background": "BACKGROUND_TRANSPARENT"},
        }

    position["MARKDOWN-note"] = {
        "type": "MARKDOWN",
        "id": "MARKDOWN-note",
        "children": [],
        "parents": ["ROOT_ID", "GRID_ID", "ROW-0"],
        "meta": {"width": 12, "height": 25, "code": _note(t, chart_files)},
    }
    row(0, ["MARKDOWN-note"])
    chart_id = 0
    for n, keys in enumerate(rows, start=1):
        ids = []
        for key in keys:
            chart_id += 1  # placeholder ids: the importer maps them to the new charts by UUID
            element = f"CHART-{key}"
            ids.append(element)
            position[element] = {
                "type": "CHART",
                "id": element,
                "children": [],
                "parents": ["ROOT_ID", "GRID_ID", f"ROW-{n}"],
                "meta": {
                    "chartId": chart_id,
                    "width": 12 // len(keys),
                    "height": heights[key],
                    "sliceName": chart_files[key]["slice_name"],
                    "uuid": chart_files[key]["uuid"],
                },
            }
        row(n, ids)

    regions = facts["regions"]
    label_colors = {
        regions[region][lang]: FOCUS_COLOUR,
        regions[facts["reference_region"]][lang]: FLANDERS_COLOUR,
    }
    # Figure 1's scenario line is Limburg's (the SALK plan), on every edition.
    salk = "SALK scenario ({})" if lang == "en" else "SALK-scenario ({})"
    label_colors[salk.format(regions[SALK_REGION][lang])] = SCENARIO_COLOUR
    return {
        "dashboard_title": t["dashboard"],
        "description": None,
        "css": "",
        "slug": f"limwh-article-{region.lower()}-{lang}",
        "certified_by": None,
        "certification_details": None,
        "published": True,
        "uuid": stable_uuid("dashboard", region, lang),
        "position": position,
        "metadata": {
            "color_scheme": "supersetColors",
            "label_colors": label_colors,
            "shared_label_colors": [],
            "map_label_colors": {},
            "color_scheme_domain": [],
            "cross_filters_enabled": False,
            "native_filter_configuration": [],
            "chart_configuration": {},
            "global_chart_configuration": {
                "scope": {"rootPath": ["ROOT_ID"], "excluded": []},
                "chartsInScope": [],
            },
            "refresh_frequency": 0,
            "timed_refresh_immune_slices": [],
            "expanded_slices": {},
            "default_filters": "{}",
        },
        "version": IMPORT_VERSION,
    }


def _texts(facts: dict[str, Any], region: str, lang: str) -> dict[str, str]:
    regions = facts["regions"]
    base, end = facts["table_2_years"]
    values = {
        "region": regions[region][lang],
        "flanders": regions[facts["reference_region"]][lang],
        "base": facts["figure_1_base_year"],
    }
    texts = {}
    for key, text in TEXTS[lang].items():
        # Table 2's years are the mart's own; Figure 1's base year is the index's.
        table_2 = key in ("table2", "employees_base", "employees_end")
        texts[key] = text.format(**(values | ({"base": base, "end": end} if table_2 else {})))
    return texts


def _sources(facts: dict[str, Any], key: str, t: dict[str, str]) -> str:
    ids = facts["figure_2_sources"] if key == "figure_2" else CHART_SOURCES[key]
    names = [facts["attributions"].get(i, i).removeprefix("Source: ") for i in ids]
    return f"{t['source']}: " + "; ".join(dict.fromkeys(names + EXTRA_SOURCES.get(key, [])))


def _note(t: dict[str, str], chart_files: dict[str, dict[str, Any]]) -> str:
    # The attribution in view (docs/bi-connections.md asks for it with any chart): one line per
    # chart, "- Figure 1. Source: NBB.Stat; SALK (2013)".
    sources = "\n".join(
        f"- {c['slice_name'].split('.')[0]}. {c['description']}" for c in chart_files.values()
    )
    return f"### {t['dashboard']}\n\n{t['note']}\n\n{sources}\n"
