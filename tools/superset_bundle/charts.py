"""A chart's two halves in Superset's import format: `params` (the form data the Explore view
edits) and `query_context` (what `GET /api/v1/chart/<id>/data/`, reports and cache warm-up
run). Both are written the way Superset 6.1's frontend builds them for a line chart
(echarts_timeseries_line), a mixed chart (mixed_timeseries, two y-axes) and a raw-mode table,
so the saved query and the drawn chart agree.

The dataset id is unknown until import: the importer replaces `datasource` in both halves."""

from __future__ import annotations

import json
from typing import Any

from tools.superset_bundle.article import TEMPORAL_AXIS

PLACEHOLDER_DATASOURCE = "0__table"  # rewritten by the importer (update_chart_config_dataset)
TIME_GRAIN = "P1Y"  # yearly data: DATE_TRUNC('year', period) leaves 1 January as it is
ROW_LIMIT = 10000


def metric(column: str, label: str) -> dict[str, Any]:
    """MAX over one row: the marts hold one row per (region, year), so it is the value."""
    return {
        "expressionType": "SIMPLE",
        "column": {"column_name": column},
        "aggregate": "MAX",
        "label": label,
        "hasCustomLabel": True,
        "optionName": f"metric_{column}",
    }


def equals_filter(column: str, values: list[str]) -> dict[str, Any]:
    """An adhoc WHERE filter: `column = value`, or `column IN (...)` for several values."""
    single = len(values) == 1
    return {
        "clause": "WHERE",
        "expressionType": "SIMPLE",
        "subject": column,
        "operator": "==" if single else "IN",
        "comparator": values[0] if single else values,
        "filterOptionName": f"filter_{column}",
    }


def _no_time_filter() -> dict[str, Any]:
    # The frontend adds this to every chart with a temporal x-axis ("No filter": all years).
    return {
        "clause": "WHERE",
        "expressionType": "SIMPLE",
        "subject": TEMPORAL_AXIS,
        "operator": "TEMPORAL_RANGE",
        "comparator": "No filter",
        "filterOptionName": "filter_time_range",
    }


def _query_filters(adhoc_filters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"col": f["subject"], "op": f["operator"], "val": f["comparator"]} for f in adhoc_filters
    ]


def _query_context(form_data: dict[str, Any], queries: list[dict[str, Any]]) -> str:
    base = {
        "filters": _query_filters(form_data["adhoc_filters"]),
        "extras": {"having": "", "where": ""},
        "applied_time_extras": {},
        "annotation_layers": [],
        "series_limit": 0,
        "order_desc": True,
        "url_params": {},
        "custom_params": {},
        "custom_form_data": {},
    }
    context = {
        "datasource": {"id": 0, "type": "table"},
        "force": False,
        "queries": [{**base, **query} for query in queries],
        "form_data": form_data,
        "result_format": "json",
        "result_type": "full",
    }
    return json.dumps(context, ensure_ascii=False)


def _line_form_data(y_title: str, y_format: str) -> dict[str, Any]:
    """What a line chart and a mixed chart share: the temporal x-axis and the looks."""
    return {
        "datasource": PLACEHOLDER_DATASOURCE,
        "x_axis": TEMPORAL_AXIS,
        "time_grain_sqla": TIME_GRAIN,
        "x_axis_sort_asc": True,
        "x_axis_sort_series": "name",
        "x_axis_sort_series_ascending": True,
        "comparison_type": "values",
        "annotation_layers": [],
        "x_axis_title_margin": 15,
        "y_axis_title": y_title,
        "y_axis_title_margin": 40,
        "y_axis_title_position": "Left",
        "color_scheme": "supersetColors",
        "markerEnabled": True,
        "markerSize": 4,
        "show_legend": True,
        "legendType": "scroll",
        "legendOrientation": "bottom",  # room for the full series names
        "x_axis_time_format": "%Y",
        "tooltipTimeFormat": "%Y",
        "rich_tooltip": True,
        "y_axis_format": y_format,
        "truncateXAxis": True,
        "truncateYAxis": True,  # the axis spans the data, as the article's figures do
        "y_axis_bounds": [None, None],
        "zoomable": False,
        "extra_form_data": {},
        "dashboards": [],
    }


def _series_query(
    metrics: list[dict[str, Any]], series_column: str, truncate_metric: bool
) -> dict[str, Any]:
    """The query of one set of lines: the metrics per year and series value, pivoted to one
    column per line ("metric, value"; just "value" when the metric name is truncated)."""
    labels = [m["label"] for m in metrics]
    post_processing: list[dict[str, Any]] = [
        {
            "operation": "pivot",
            "options": {
                "index": [TEMPORAL_AXIS],
                "columns": [series_column],
                # 'mean' of one value is the value; it keeps NaN where a series has no year
                "aggregates": {label: {"operator": "mean"} for label in labels},
                "drop_missing_columns": False,
            },
        }
    ]
    if truncate_metric and len(metrics) == 1:
        post_processing.append(
            {
                "operation": "rename",
                "options": {"columns": {labels[0]: None}, "level": 0, "inplace": True},
            }
        )
    post_processing.append({"operation": "flatten"})
    return {
        "columns": [
            {
                "columnType": "BASE_AXIS",
                "sqlExpression": TEMPORAL_AXIS,
                "label": TEMPORAL_AXIS,
                "expressionType": "SQL",
                "timeGrain": TIME_GRAIN,
            },
            series_column,
        ],
        "metrics": metrics,
        "orderby": [[metrics[0], False]],
        "row_limit": ROW_LIMIT,
        "series_columns": [series_column],
        "time_offsets": [],
        "post_processing": post_processing,
        "extras": {"having": "", "where": "", "time_grain_sqla": TIME_GRAIN},
    }


def line_chart(
    metrics: list[dict[str, Any]],
    series_column: str,
    filters: list[dict[str, Any]],
    y_title: str,
    y_format: str = ",.1f",
) -> tuple[dict[str, Any], str]:
    """One line per value of `series_column` (per metric and value with several metrics),
    years on the x-axis. Returns (params, query_context)."""
    form_data = {
        **_line_form_data(y_title, y_format),
        "viz_type": "echarts_timeseries_line",
        "seriesType": "line",
        "metrics": metrics,
        "groupby": [series_column],
        "adhoc_filters": [_no_time_filter(), *filters],
        "order_desc": True,
        "row_limit": ROW_LIMIT,
        "truncate_metric": True,
        "show_empty_columns": True,
        "sort_series_type": "name",
        "sort_series_ascending": True,
        "only_total": True,
        "opacity": 0.2,
        "forecastPeriods": 10,
        "forecastInterval": 0.8,
    }
    query = _series_query(metrics, series_column, truncate_metric=True)
    return form_data, _query_context(form_data, [query])


def mixed_chart(
    metric_a: dict[str, Any],
    metric_b: dict[str, Any],
    series_column: str,
    filters: list[dict[str, Any]],
    y_titles: tuple[str, str],
    y_format: str = ",.1f",
) -> tuple[dict[str, Any], str]:
    """Two sets of lines on two y-axes (metric_a left, metric_b right), one line per metric and
    value of `series_column`: rates of different size stay readable. Two queries."""
    adhoc_filters = [_no_time_filter(), *filters]
    form_data = {
        **_line_form_data(y_titles[0], y_format),
        "viz_type": "mixed_timeseries",
        "yAxisTitleSecondary": y_titles[1],
        "y_axis_format_secondary": y_format,
        "y_axis_bounds_secondary": [None, None],
        "yAxisIndex": 0,
        "yAxisIndexB": 1,
        "seriesType": "line",
        "seriesTypeB": "line",
        "markerEnabledB": True,
        "markerSizeB": 4,
        "opacity": 0.2,
        "opacityB": 0.2,
    }
    for suffix, m in (("", metric_a), ("_b", metric_b)):
        form_data |= {
            f"metrics{suffix}": [m],
            f"groupby{suffix}": [series_column],
            f"adhoc_filters{suffix}": adhoc_filters,
            f"order_desc{suffix}": True,
            f"row_limit{suffix}": ROW_LIMIT,
            f"truncate_metric{suffix}": False,  # both sets name their lines "metric, region"
            f"comparison_type{suffix}": "values",
            f"show_empty_columns{suffix}": True,
        }
    queries = [_series_query([m], series_column, False) for m in (metric_a, metric_b)]
    return form_data, _query_context(form_data, queries)


def table_chart(
    columns: list[str],
    order_by: str,
    filters: list[dict[str, Any]],
    column_config: dict[str, dict[str, Any]],
) -> tuple[dict[str, Any], str]:
    """A raw-mode table (one row per mart row, no aggregation), sorted on `order_by`.
    Returns (params, query_context)."""
    form_data = {
        "datasource": PLACEHOLDER_DATASOURCE,
        "viz_type": "table",
        "query_mode": "raw",
        "all_columns": columns,
        "order_by_cols": [json.dumps([order_by, True])],
        "adhoc_filters": filters,
        "groupby": [],
        "metrics": [],
        "percent_metrics": [],
        "order_desc": True,
        "row_limit": 1000,
        "server_pagination": False,
        "server_page_length": 10,
        "include_search": False,
        "show_cell_bars": False,
        "color_pn": True,
        "allow_render_html": False,
        "table_timestamp_format": "smart_date",
        "temporal_columns_lookup": {},
        "column_config": column_config,
        "annotation_layers": [],
        "extra_form_data": {},
        "dashboards": [],
    }
    # No `metrics` key at all: Superset groups by the columns whenever metrics is not None.
    query = {
        "columns": columns,
        "orderby": [[order_by, True]],
        "row_limit": 1000,
        "time_offsets": [],
        "post_processing": [],
    }
    return form_data, _query_context(form_data, [query])
