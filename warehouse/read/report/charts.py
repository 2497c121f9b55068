"""The article's Figures 1-3 as Vega-Lite specs (built with Altair), one dict per figure.

Every point carries its status: official points are filled circles, provisional ones diamonds,
estimated ones triangles, derived ones squares, modelled ones crosses, and the legend and
subtitle say so. The same spec is embedded in the HTML page and rendered to PNG, so the two
never differ.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from warehouse.read.report.data import REFERENCE_REGION, ReportData
from warehouse.read.report.labels import fmt_number, text

VEGA_LITE_VERSION = "6.4"  # the version of Altair's schema; vl-convert renders it
FOCUS_COLOUR = "#0b6e4f"  # the focus province
FLANDERS_COLOUR = "#4d4d4d"
SCENARIO_COLOUR = "#d95f02"
OTHER_PROVINCE_COLOUR = "#b8b8b8"
STATUSES = ("official", "provisional", "estimated", "derived", "modelled")
STATUS_SHAPES = ("circle", "diamond", "triangle-up", "square", "cross")
PANEL = {"width": 330, "height": 230}

Spec = dict[str, Any]


def figure_specs(data: ReportData, lang: str) -> dict[str, Spec]:
    """{'figure_1': spec, 'figure_2': spec, 'figure_3': spec}"""
    return {
        "figure_1": figure_1(data, lang),
        "figure_2": figure_2(data, lang),
        "figure_3": figure_3(data, lang),
    }


def figure_1(data: ReportData, lang: str) -> Spec:
    """Employees of the focus province with the SALK scenario, and both indexed on 2012
    against the Flemish Region."""
    region = data.region_name(data.region_code, lang)
    flanders = data.region_name(REFERENCE_REGION, lang)
    employees = text(lang, "fig1_employees", region=region)
    rows = data.figure_1
    level = [_point(employees, r["year"], r["employees"], r["employees_status"]) for r in rows]
    scenario_rows = [r for r in rows if r["salk_scenario_employees"] is not None]
    colours = {employees: FOCUS_COLOUR}
    dashed: list[str] = []
    if scenario_rows:
        net = scenario_rows[0]["salk_net_change_target"]
        target_year = max(r["year"] for r in scenario_rows)
        scenario = text(lang, "fig1_salk", net=fmt_number(net, 0, lang), target_year=target_year)
        level += [
            _point(scenario, r["year"], r["salk_scenario_employees"], r["salk_scenario_status"])
            for r in scenario_rows
        ]
        colours[scenario] = SCENARIO_COLOUR
        dashed.append(scenario)
    index = [
        _point(region, r["year"], r["employees_index"], r["employees_index_status"]) for r in rows
    ] + [
        _point(
            flanders,
            r["year"],
            r["reference_employees_index"],
            r["reference_employees_index_status"],
        )
        for r in rows
    ]
    left = _lines(
        level,
        lang,
        text(lang, "fig1_level", region=region),
        text(lang, "persons"),
        colours,
        dashed=dashed,
        value_format=",.0f",
    )
    right = _lines(
        index,
        lang,
        text(lang, "fig1_index"),
        text(lang, "fig1_index"),
        {region: FOCUS_COLOUR, flanders: FLANDERS_COLOUR},
        value_format=",.1f",
    )
    sources = _attribution(data, ["nbb_regaca38"])
    title = text(lang, "fig1_title_no_salk")
    if scenario_rows:
        sources += "; SALK (2013)"
        title = text(lang, "fig1_title")
    return _figure(1, lang, title, [left, right], level + index, sources)


def figure_2(data: ReportData, lang: str) -> Spec:
    """The job-seekers rate and the employment rate, focus province against Flanders."""
    names = {c: data.region_name(c, lang) for c in (data.region_code, REFERENCE_REGION)}
    colours = {names[data.region_code]: FOCUS_COLOUR, names[REFERENCE_REGION]: FLANDERS_COLOUR}
    job_seekers = _by_region(
        data.figure_2, names, "job_seekers_rate_18_64", "job_seekers_rate_status"
    )
    employment = _by_region(data.figure_2, names, "employment_rate_20_64", "employment_rate_status")
    panels = [
        _lines(
            job_seekers, lang, text(lang, "fig2_job_seekers"), "%", colours, value_format=",.1f"
        ),
        _lines(employment, lang, text(lang, "fig2_employment"), "%", colours, value_format=",.1f"),
    ]
    source_ids = sorted(
        {
            r[k]
            for r in data.figure_2
            for k in ("job_seekers_rate_source_id", "employment_rate_source_id")
            if r[k]
        }
    )
    # The employment rate comes from Statbel's Labour Force Survey, as the article says,
    # whichever publisher served it.
    lfs = {s: text(lang, "fig2_lfs_note") for s in source_ids if s.endswith("_employment_rate")}
    sources = _attribution(data, source_ids, notes=lfs)
    return _figure(2, lang, text(lang, "fig2_title"), panels, job_seekers + employment, sources)


def figure_3(data: ReportData, lang: str) -> Spec:
    """Manufacturing's share of employees and of value added, every province and Flanders,
    the focus province in colour."""
    names = {c: data.region_name(c, lang) for c in data.regions}
    colours = {
        name: FOCUS_COLOUR
        if code == data.region_code
        else FLANDERS_COLOUR
        if code == REFERENCE_REGION
        else OTHER_PROVINCE_COLOUR
        for code, name in names.items()
    }
    # The focus province last, so it is drawn on top of the others.
    rows = sorted(data.figure_3, key=lambda r: (r["region_code"] == data.region_code, r["year"]))
    employees = _by_region(
        rows, names, "manufacturing_share_of_employees", "employees_share_status"
    )
    gva = _by_region(rows, names, "manufacturing_share_of_gva", "gva_share_status")
    panels = [
        _lines(
            employees,
            lang,
            text(lang, "fig3_employees"),
            "%",
            colours,
            value_format=",.1f",
            point_size=16,
        ),
        _lines(gva, lang, text(lang, "fig3_gva"), "%", colours, value_format=",.1f", point_size=16),
    ]
    sources = _attribution(data, ["nbb_regaca38"])
    return _figure(3, lang, text(lang, "fig3_title"), panels, employees + gva, sources)


# --- building blocks ----------------------------------------------------------------------


def _by_region(rows: list[dict], names: dict[str, str], value: str, status: str) -> list[dict]:
    """One point per row with a value, its series named after the row's region."""
    return [
        _point(names[r["region_code"]], r["year"], r[value], r[status])
        for r in rows
        if r[value] is not None
    ]


def _point(series: str, year: int, value: float | None, status: str | None) -> dict:
    return {"series": series, "year": int(year), "value": value, "status": status or "modelled"}


def _lines(
    points: list[dict],
    lang: str,
    title: str,
    y_title: str,
    colours: dict[str, str],
    dashed: list[str] | None = None,
    value_format: str = ",.1f",
    point_size: int = 36,
) -> alt.LayerChart:
    frame = pd.DataFrame(points, columns=["series", "year", "value", "status"])
    # status_code stays machine-readable (the page counts it); status is the legend's label.
    frame["status_code"] = frame["status"]
    frame["status"] = [text(lang, f"status_{s}") for s in frame["status"]]
    domain = list(colours)
    colour_scale = alt.Scale(domain=domain, range=[colours[s] for s in domain])
    # Colour and dash share one legend, so a dashed series shows dashed in it.
    series_legend = alt.Legend(title=None, orient="bottom", direction="vertical", labelLimit=0)
    colour = alt.Color("series:N", scale=colour_scale, legend=series_legend)
    x = alt.X(
        "year:Q",
        title=text(lang, "year"),
        axis=alt.Axis(format="d", tickMinStep=1, labelOverlap=True),
        scale=alt.Scale(zero=False, nice=False),
    )
    y = alt.Y(
        "value:Q", title=y_title, scale=alt.Scale(zero=False), axis=alt.Axis(format=value_format)
    )
    tooltip = [
        alt.Tooltip("series:N", title=text(lang, "series")),
        alt.Tooltip("year:Q", title=text(lang, "year"), format="d"),
        alt.Tooltip("value:Q", title=y_title, format=value_format),
        alt.Tooltip("status:N", title=text(lang, "status")),
    ]
    base = alt.Chart(frame)
    dash = alt.StrokeDash(
        "series:N",
        scale=alt.Scale(
            domain=domain, range=[[6, 4] if s in (dashed or []) else [1, 0] for s in domain]
        ),
        legend=series_legend,
    )
    line = base.mark_line(strokeWidth=2).encode(
        x=x, y=y, color=colour, strokeDash=dash, detail="series:N"
    )
    status_labels = [text(lang, f"status_{s}") for s in STATUSES]
    shape = alt.Shape(
        "status:N",
        scale=alt.Scale(domain=status_labels, range=list(STATUS_SHAPES)),
        legend=alt.Legend(title=text(lang, "status"), orient="bottom"),
    )
    points_layer = base.mark_point(filled=True, size=point_size, opacity=0.9).encode(
        x=x,
        y=y,
        color=colour,
        shape=shape,
        tooltip=tooltip,
    )
    return alt.layer(line, points_layer).properties(title=title, **PANEL)


def _figure(n: int, lang: str, title: str, panels: list, points: list[dict], sources: str) -> Spec:
    statuses = {p["status"] for p in points if p["value"] is not None}
    notes = [sources]
    if "modelled" in statuses:
        notes.append(text(lang, "chart_modelled_note"))
    chart = (
        alt.hconcat(*panels)
        .resolve_scale(color="independent", shape="shared", strokeDash="independent")
        .properties(
            title=alt.TitleParams(
                text=f"{text(lang, 'figure', n=n)}. {title}",
                subtitle=notes,
                anchor="start",
                fontSize=15,
                subtitleColor="#444",
            )
        )
        .configure_view(stroke=None)
        .configure_axis(grid=True, gridColor="#eee")
    )
    return chart.to_dict()


def _attribution(
    data: ReportData, source_ids: list[str], notes: dict[str, str] | None = None
) -> str:
    """The sources' attributions, each once; `notes` adds a word on a source's figures."""
    seen: list[str] = []
    for source_id in source_ids:
        for v in data.vintages:
            if v["source_id"] != source_id:
                continue
            line = v["attribution"]
            if notes and source_id in notes:
                line = f"{line} ({notes[source_id]})"
            if line not in seen:
                seen.append(line)
    return "; ".join(seen)
