"""The report as one self-contained HTML page: tables, charts (Vega libraries inlined, no
network), the status of every value, the sources' attribution and the build's vintages."""

from __future__ import annotations

import functools
import html
import json
import re
from collections import Counter
from typing import Any

from warehouse.read.report.charts import VEGA_LITE_VERSION, Spec
from warehouse.read.report.data import REFERENCE_REGION, ReportData, Row
from warehouse.read.report.labels import FORMAT_LOCALE, STATUS_MARK, fmt_number, text, unit_label

# Renders every chart as SVG (so its marks are in the DOM), reports failures on the console
# and in place of the chart, and says on <body> how many charts rendered.
_EMBED_SNIPPET = """
(async () => {
  const locale = JSON.parse(document.getElementById("limwh-format-locale").textContent);
  const charts = Array.from(document.querySelectorAll("[data-vega-spec]"));
  const results = await Promise.allSettled(charts.map(async (el) => {
    const spec = JSON.parse(document.getElementById(el.dataset.vegaSpec).textContent);
    await vegaEmbed(el, spec, {renderer: "svg", actions: false, formatLocale: locale});
    el.dataset.rendered = "true";
  }));
  results.forEach((result, i) => {
    if (result.status === "rejected") {
      console.error("chart " + charts[i].id + " failed: " + result.reason);
      charts[i].textContent = "Chart failed: " + result.reason;
    }
  });
  document.body.dataset.chartsRendered =
    String(results.filter((r) => r.status === "fulfilled").length);
})();
"""

_CSS = """
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; margin: 2rem auto;
       max-width: 1200px; padding: 0 1rem; color: #222; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
.lede { color: #555; margin-top: 0; }
.banner { background: #fff4e5; border-left: 4px solid #d95f02; padding: .6rem 1rem; }
.banner.official { background: #eef7f1; border-color: #0b6e4f; }
figure { margin: 1.5rem 0; }
figcaption { color: #555; font-size: .9rem; }
table { border-collapse: collapse; font-size: .9rem; margin: .5rem 0; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
th { text-align: left; background: #f5f5f5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: bold; border-top: 2px solid #999; }
td.modelled { background: repeating-linear-gradient(135deg, #fff, #fff 4px, #f6efe6 4px,
              #f6efe6 8px); }
abbr.mark { font-size: .7em; vertical-align: super; color: #b34700; text-decoration: none;
            margin-left: .15em; font-weight: bold; }
.legend { font-size: .85rem; color: #555; }
.chart-failed { color: #b00020; }
td.date { white-space: nowrap; }
footer { margin-top: 3rem; font-size: .85rem; color: #666; }
"""


def render_page(data: ReportData, specs: dict[str, Spec], lang: str, png: bool = True) -> str:
    counter: Counter[str] = Counter()
    region = data.region_name(data.region_code, lang)
    tables = [
        _section(
            text(lang, "table", n=1) + ". " + text(lang, "t1_title"), _table_1(data, lang, counter)
        ),
        _section(_table_title(2, "t2_title", data.table_2, lang), _table_2(data, lang, counter)),
        _section(_table_title(3, "t3_title", data.table_3, lang), _table_3(data, lang, counter)),
    ]
    for spec in specs.values():
        for status, n in _chart_statuses(spec).items():
            counter[status] += n
    figures = [_figure(name, data, lang, png) for name in specs]
    run = data.run
    built = (
        text(lang, "built", run_id=run["run_id"], started=f"{run['started_at']:%Y-%m-%d %H:%M}")
        if run
        else ""
    )
    attributions = "; ".join(dict.fromkeys(v["attribution"] for v in data.vintages))
    body = "\n".join(
        [
            f"<h1>{_e(text(lang, 'title', region=region))}</h1>",
            f'<p class="lede">{_e(text(lang, "subtitle"))}. {_e(built)}</p>',
            _banner(counter, lang),
            *figures,
            *tables,
            _section(text(lang, "sources"), _sources(data, lang)),
            f"<p>{_e(text(lang, 'attribution_line', attributions=attributions))}</p>",
            f"<footer>{_e(text(lang, 'footer'))}</footer>",
        ]
    )
    spec_scripts = "\n".join(
        f'<script type="application/json" id="spec-{name}">{_json(spec)}</script>'
        for name, spec in specs.items()
    )
    locale = _json(_format_locale(lang))
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="limwh report">
<meta name="limwh-region" content="{_e(data.region_code)}">
<meta name="limwh-run-id" content="{_e(run["run_id"] if run else "")}">
<title>{_e(text(lang, "title", region=region))}</title>
<style>{_CSS}</style>
</head>
<body data-charts-expected="{len(specs)}">
{body}
<script type="application/json" id="limwh-format-locale">{locale}</script>
{spec_scripts}
<script type="module">{_script_safe(vega_bundle())}</script>
</body>
</html>
"""


@functools.cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed with the embedding code, as one ES module (vl-convert
    bundles the libraries it ships: nothing is fetched)."""
    import vl_convert

    return vl_convert.javascript_bundle(_EMBED_SNIPPET, vl_version=VEGA_LITE_VERSION)


@functools.cache
def _format_locale(lang: str) -> dict:
    import vl_convert

    return vl_convert.get_format_locale(FORMAT_LOCALE[lang])


# --- tables -------------------------------------------------------------------------------


def _table_1(data: ReportData, lang: str, counter: Counter[str]) -> str:
    flanders = data.region_name(REFERENCE_REGION, lang)
    head = [
        text(lang, "indicator"),
        text(lang, "unit"),
        text(lang, "period"),
        text(lang, "start"),
        text(lang, "end"),
        text(lang, "change"),
        f"{flanders}: {text(lang, 'change').lower()}",
        text(lang, "gap"),
    ]
    rows = []
    for r in data.table_1:
        digits = _digits(r["unit"])
        rate = r["change_ppt"] is not None
        if r["value_base"] is None or r["value_end"] is None:
            change = flemish = gap = (None, None)
        elif rate:
            change = (_ppt(r["change_ppt"], lang), r["change_status"])
            flemish = (_ppt(r["reference_change_ppt"], lang), r["reference_change_status"])
        else:
            change = (
                f"{fmt_number(r['change_abs'], digits, lang, signed=True)} "
                f"({_pct(r['change_pct'], lang)})",
                r["change_status"],
            )
            flemish = (_pct(r["reference_change_pct"], lang), r["reference_change_status"])
        if r["comparison"] == "gap" and r["gap_pct_end"] is not None:
            gap = (
                f"{_pct(r['gap_pct_base'], lang)} → {_pct(r['gap_pct_end'], lang)}",
                _weakest(r["gap_base_status"], r["gap_end_status"]),
            )
        elif r["value_base"] is not None:
            gap = ("", None)
        cells = [
            _td(r[f"label_{lang}"]),
            _td(unit_label(r["unit"], lang)),
            _td(f"{r['base_year']}-{r['end_year']}"),
            _num(r["value_base"], digits, r["value_base_status"], lang, counter),
            _num(r["value_end"], digits, r["value_end_status"], lang, counter),
            _cell(*change, lang, counter),
            _cell(*flemish, lang, counter),
            _cell(*gap, lang, counter),
        ]
        rows.append(cells)
    return _table("table-1", head, rows, lang)


def _table_2(data: ReportData, lang: str, counter: Counter[str]) -> str:
    first = data.table_2[0]
    flanders = data.region_name(REFERENCE_REGION, lang)
    head = [
        text(lang, "sector"),
        str(first["base_year"]),
        str(first["end_year"]),
        text(lang, "difference"),
        text(lang, "change_pct"),
        f"{flanders} (%)",
    ]
    rows = []
    for r in data.table_2:
        cells = [
            _td(r[f"label_{lang}"]),
            _num(r["employees_base"], 0, r["employees_base_status"], lang, counter),
            _num(r["employees_end"], 0, r["employees_end_status"], lang, counter),
            _num(r["change_abs"], 0, r["change_status"], lang, counter, signed=True),
            _num(r["change_pct"], 1, r["change_status"], lang, counter, signed=True),
            _num(
                r["flemish_change_pct"], 1, r["flemish_change_status"], lang, counter, signed=True
            ),
        ]
        rows.append((cells, r["sector_code"] == "TOTAL"))
    return _table("table-2", head, rows, lang)


def _table_3(data: ReportData, lang: str, counter: Counter[str]) -> str:
    first = data.table_3[0]
    end = first["end_year"]
    flanders = data.region_name(REFERENCE_REGION, lang)
    head = [
        text(lang, "subsector"),
        str(first["base_year"]),
        str(end),
        text(lang, "difference"),
        text(lang, "change_pct"),
        text(lang, "share", year=end),
        f"{flanders} (%)",
        text(lang, "flemish_share", year=end),
    ]
    rows = []
    for r in data.table_3:
        cells = [
            _td(r[f"label_{lang}"]),
            _num(r["employees_base"], 0, r["employees_base_status"], lang, counter),
            _num(r["employees_end"], 0, r["employees_end_status"], lang, counter),
            _num(r["change_abs"], 0, r["change_status"], lang, counter, signed=True),
            _num(r["change_pct"], 1, r["change_status"], lang, counter, signed=True),
            _num(r["share_of_manufacturing_end"], 1, r["share_end_status"], lang, counter),
            _num(
                r["reference_change_pct"],
                1,
                r["reference_change_status"],
                lang,
                counter,
                signed=True,
            ),
            _num(
                r["reference_share_of_manufacturing_end"],
                1,
                r["reference_share_end_status"],
                lang,
                counter,
            ),
        ]
        rows.append((cells, r["sector_code"] == "C"))
    return _table("table-3", head, rows, lang)


def _table(table_id: str, head: list[str], rows: list, lang: str) -> str:
    out = [f'<table id="{table_id}"><thead><tr>']
    out += [f"<th>{_e(h)}</th>" for h in head]
    out.append("</tr></thead><tbody>")
    for row in rows:
        cells, total = row if isinstance(row, tuple) else (row, False)
        out.append('<tr class="total">' if total else "<tr>")
        out += cells
        out.append("</tr>")
    out.append("</tbody></table>")
    out.append(
        f'<p class="legend">{_e(text(lang, "legend_modelled"))}; '
        f"{_e(text(lang, 'legend_derived'))}; "
        f"{_e(text(lang, 'legend_estimated'))}; "
        f"{_e(text(lang, 'legend_provisional'))}</p>"
    )
    return "".join(out)


def _sources(data: ReportData, lang: str) -> str:
    head = [
        text(lang, "source_publisher"),
        text(lang, "source_dataset"),
        text(lang, "source_vintage"),
        text(lang, "source_retrieved"),
        text(lang, "source_licence"),
        text(lang, "source_attribution"),
        "sha256",
        text(lang, "source_state"),
    ]
    rows = []
    for v in data.vintages:
        entry = data.publishers.get(v["source_id"], {})
        if v["is_stale"]:
            state = text(lang, "stale", fault=v["fault"] or "?")
        else:
            state = text(lang, "current" if v["is_current"] else "past_vintage")
        retrieved = v["retrieved_at"]
        rows.append(
            [
                _td(entry.get("publisher", "")),
                _td(f"{entry.get('title', v['source_id'])} ({v['source_id']})"),
                f'<td class="date">{_e(str(v["vintage"] or ""))}</td>',
                f'<td class="date">{retrieved:%Y-%m-%d}</td>' if retrieved else "<td></td>",
                _td(v["licence"] or ""),
                _td(v["attribution"] or ""),
                _sha_cell(v, lang),
                _td(state),
            ]
        )
    out = [f'<table id="sources"><thead><tr>{"".join(f"<th>{_e(h)}</th>" for h in head)}']
    out.append("</tr></thead><tbody>")
    out += ["<tr>" + "".join(r) + "</tr>" for r in rows]
    out.append("</tbody></table>")
    return "".join(out)


def _sha_cell(vintage: Row, lang: str) -> str:
    if vintage["files"] > 1:
        return f"<td>{_e(text(lang, 'files', n=vintage['files']))}</td>"
    return f"<td><code>{_e((vintage['sha256'] or '')[:12])}</code></td>"


# --- figures ------------------------------------------------------------------------------


def _figure(name: str, data: ReportData, lang: str, png: bool) -> str:
    notes = []
    if name == "figure_1":
        scenario = [r for r in data.figure_1 if r["salk_scenario_employees"] is not None]
        region = data.region_name(data.region_code, lang)
        if scenario:
            notes.append(
                text(
                    lang,
                    "fig1_salk_note",
                    base_year=min(r["year"] for r in scenario),
                    target_year=max(r["year"] for r in scenario),
                )
            )
        else:
            notes.append(text(lang, "fig1_no_salk", region=region))
    caption = " ".join(_e(n) for n in notes)
    link = f' <a href="{name}.png">PNG</a>' if png else ""
    return (
        f'<figure id="{name}"><div class="chart" id="chart-{name}" '
        f'data-vega-spec="spec-{name}"></div>'
        f"<figcaption>{caption}{link}</figcaption></figure>"
    )


def _chart_statuses(spec: Spec) -> Counter[str]:
    """Count the statuses of the points a chart draws (from its inline datasets)."""
    counts: Counter[str] = Counter()
    for rows in spec.get("datasets", {}).values():
        for row in rows:
            if row["value"] is not None:
                counts[row["status_code"]] += 1
    return counts


def _banner(counter: Counter[str], lang: str) -> str:
    total = sum(counter.values())
    if counter["modelled"]:
        message = text(
            lang,
            "modelled_banner",
            modelled=fmt_number(counter["modelled"], 0, lang),
            total=fmt_number(total, 0, lang),
        )
        if counter["provisional"]:
            n = fmt_number(counter["provisional"], 0, lang)
            message += " " + text(lang, "provisional_count", n=n)
        return f'<p class="banner" id="status-banner">{_e(message)}</p>'
    message = text(lang, "no_modelled")
    return f'<p class="banner official" id="status-banner">{_e(message)}</p>'


# --- cells --------------------------------------------------------------------------------


def _num(
    value: float | None,
    digits: int,
    status: str | None,
    lang: str,
    counter: Counter[str],
    signed: bool = False,
) -> str:
    if value is None:
        return _cell(None, None, lang, counter)
    return _cell(fmt_number(value, digits, lang, signed=signed), status, lang, counter)


def _cell(shown: str | None, status: str | None, lang: str, counter: Counter[str]) -> str:
    if shown is None:
        return f'<td class="num missing">{_e(text(lang, "missing"))}</td>'
    if shown == "":
        return "<td></td>"
    status = status or "modelled"  # a value without a status is never shown as official
    counter[status] += 1
    mark = STATUS_MARK[lang][status]
    title = text(lang, f"status_{status}")
    flag = f'<abbr class="mark" title="{_e(title)}">{mark}</abbr>' if mark else ""
    return f'<td class="num {status}" data-status="{status}">{_e(shown)}{flag}</td>'


def _td(value: Any) -> str:
    return f"<td>{_e(str(value))}</td>"


def _section(title: str, content: str) -> str:
    return f"<section><h2>{_e(title)}</h2>{content}</section>"


def _table_title(n: int, key: str, rows: list[Row], lang: str) -> str:
    first = rows[0]
    return (
        text(lang, "table", n=n)
        + ". "
        + text(lang, key, base=first["base_year"], end=first["end_year"])
    )


def _digits(unit: str) -> int:
    return 1 if unit in ("%", "EUR per hour") else 0


def _pct(value: float | None, lang: str) -> str:
    return fmt_number(value, 1, lang, signed=True) + "%" if value is not None else "–"


def _ppt(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    return f"{fmt_number(value, 1, lang, signed=True)} {text(lang, 'points')}"


def _weakest(*statuses: str | None) -> str:
    for status in ("modelled", "derived", "estimated", "provisional", "official"):
        if status in statuses:
            return status
    return "modelled"


def _e(value: str) -> str:
    return html.escape(value, quote=True)


def _json(value: Any) -> str:
    return _script_safe(json.dumps(value, ensure_ascii=False, default=str))


def _script_safe(code: str) -> str:
    """Nothing inside a <script> element may close it early."""
    return _SCRIPT_END.sub(r"<\\/\1", code)


_SCRIPT_END = re.compile(r"</(script)", re.IGNORECASE)
