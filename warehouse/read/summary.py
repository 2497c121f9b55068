"""A plain-text summary of a warehouse file: where it is, its marts, the article's key figures
(Table 1) and Table 2's headline figures."""

from __future__ import annotations

from pathlib import Path

import duckdb

TABLE_1 = "article_table_1_key_figures"
TABLE_2 = "article_table_2_employment_by_sector"
FOCUS_REGION = "BE22"  # province Limburg

# What the summary shows -> the mart's column (one missing from the file shows as "-").
_COLUMNS = {
    "sector": "label_nl",
    "employees": "employees_end",
    "change_abs": "change_abs",
    "change_pct": "change_pct",
    "flemish_change_pct": "flemish_change_pct",
    "to_year": "end_year",
    "from_year": "base_year",
}
# Status columns of the values shown; a row is marked with the weakest of them.
_STATUS_COLUMNS = ("employees_end_status", "change_status", "flemish_change_status")
_STATUS_ORDER = ("modelled", "provisional", "official")  # weakest first


def summarize(db_file: Path, region_code: str = FOCUS_REGION) -> str:
    """The summary printed after publishing (and by `limwh summary`)."""
    db_file = Path(db_file)
    con = duckdb.connect(str(db_file), read_only=True)
    try:
        marts = _tables(con, "marts")
        lines = [f"Warehouse: {db_file} ({_size(db_file)})"]
        lines.append(f"Marts ({len(marts)}): {', '.join(marts) if marts else '(none)'}")
        lines.append("")
        if TABLE_1 in marts:
            lines += key_figure_lines(con, region_code)
            lines.append("")
        if TABLE_2 in marts:
            lines += table_2_lines(con, region_code)
        else:
            lines.append(f"(no marts.{TABLE_2} in this file)")
        if FACTS in marts:
            lines.append("")
            lines += enterprise_and_labour_lines(con, region_code)
    finally:
        con.close()
    return "\n".join(lines)


def key_figure_lines(con: duckdb.DuckDBPyConnection, region_code: str) -> list[str]:
    """Table 1 as sentences: each key figure's change or gap against the Flemish Region."""
    rows = con.execute(
        f"""SELECT label_en, unit, comparison, base_year, end_year, value_base, value_end,
                   change_abs, change_pct, change_ppt, reference_change_pct,
                   reference_change_ppt, reference_value_end, gap_pct_base, gap_pct_end,
                   value_base_status, value_end_status, change_status,
                   reference_change_status, gap_base_status, gap_end_status
            FROM marts."{TABLE_1}" WHERE region_code = ? ORDER BY row_order""",
        [region_code],
    ).fetchall()
    if not rows:
        return [f"(marts.{TABLE_1} has no rows for {region_code})"]
    lines = [f"Key figures (Table 1), {region_code} against the Flemish Region:"]
    missing = []
    for row in rows:
        r = dict(zip(_KEY_FIGURE_COLUMNS, row, strict=True))
        if r["value_base"] is None or r["value_end"] is None:
            missing.append(r["label_en"])
            continue
        status = weakest_status([r[k] for k in _KEY_FIGURE_COLUMNS if k.endswith("_status")])
        span = f"{r['base_year']}-{r['end_year']}"
        levels = f"{_fmt_value(r['value_base'])} -> {_fmt_value(r['value_end'])} {r['unit']}"
        if r["comparison"] == "gap":
            detail = (
                f"gap to Flanders {_fmt_pct(r['gap_pct_base'])}% -> "
                f"{_fmt_pct(r['gap_pct_end'])}% (Flanders {_fmt_value(r['reference_value_end'])}"
                f" in {r['end_year']})"
            )
        elif r["change_ppt"] is not None:
            detail = (
                f"{r['change_ppt']:+.1f} points; Flanders {_fmt_ppt(r['reference_change_ppt'])}"
            )
        else:
            detail = (
                f"{_fmt_int(r['change_abs'], signed=True)} ({_fmt_pct(r['change_pct'])}%); "
                f"Flanders {_fmt_pct(r['reference_change_pct'])}%"
            )
        lines.append(f"  {r['label_en']} {span}: {levels}, {detail} [{status}]")
    if missing:
        lines.append(f"  not in this file yet: {', '.join(missing)}")
    return lines


_KEY_FIGURE_COLUMNS = (
    "label_en",
    "unit",
    "comparison",
    "base_year",
    "end_year",
    "value_base",
    "value_end",
    "change_abs",
    "change_pct",
    "change_ppt",
    "reference_change_pct",
    "reference_change_ppt",
    "reference_value_end",
    "gap_pct_base",
    "gap_pct_end",
    "value_base_status",
    "value_end_status",
    "change_status",
    "reference_change_status",
    "gap_base_status",
    "gap_end_status",
)


FACTS = "fct_indicator_values"
# The enterprise and labour-market indicators:
# (indicator_id, label, sector_code, unit shown, digits).
ENTERPRISE_AND_LABOUR_INDICATORS = (
    ("vat_enterprises", "VAT-liable enterprises (Statbel)", "TOTAL", "", 0),
    ("vat_starters", "VAT starters (Statbel)", "TOTAL", "", 0),
    ("establishments_with_staff", "establishments with staff (RSZ)", "TOTAL", "", 0),
    ("job_seekers_rate_18_64", "job-seekers rate 18-64 (VDAB)", "TOTAL", "%", 1),
    ("employment_rate_20_64", "employment rate 20-64 (LFS, Eurostat)", "TOTAL", "%", 1),
)


def enterprise_and_labour_lines(con: duckdb.DuckDBPyConnection, region_code: str) -> list[str]:
    """The latest year of each non-NBB indicator for the region and the Flemish Region, with
    the status of each value."""
    rows = con.execute(
        f"""
        with v as (
            select indicator_id, region_code, sector_code, year, value, obs_status
            from marts."{FACTS}"
            where list_contains(?, indicator_id) and region_code in (?, 'BE2')
        ),
        latest as (
            select indicator_id, max(year) as year from v
            where region_code = ? and obs_status <> 'provisional' group by indicator_id
        )
        select v.indicator_id, v.sector_code, v.year,
               max(v.value) filter (where v.region_code = ?) as focus_value,
               max(v.obs_status) filter (where v.region_code = ?) as focus_status,
               max(v.value) filter (where v.region_code = 'BE2') as flemish_value,
               max(v.obs_status) filter (where v.region_code = 'BE2') as flemish_status
        from v join latest using (indicator_id, year)
        group by all
        """,
        [
            [i[0] for i in ENTERPRISE_AND_LABOUR_INDICATORS],
            region_code,
            region_code,
            region_code,
            region_code,
        ],
    ).fetchall()
    found = {(r[0], r[1]): r for r in rows}
    table = [["indicator", "year", region_code, "Flemish Region", "status"]]
    statuses: set[str] = set()
    for indicator, label, sector, unit, digits in ENTERPRISE_AND_LABOUR_INDICATORS:
        row = found.get((indicator, sector))
        if row is None:
            table.append([label, "-", "-", "-", "-"])
            continue
        status = weakest_status([row[4], row[6]])
        statuses.update(s for s in (row[4], row[6]) if s)
        table.append(
            [
                label,
                str(row[2]),
                _fmt_number(row[3], digits, unit),
                _fmt_number(row[5], digits, unit),
                str(status or "-"),
            ]
        )
    note = "status: the weaker of the two values; found " + (
        ", ".join(sorted(statuses)) if statuses else "none"
    )
    if "modelled" in statuses:
        note += " (modelled figures are not official statistics)"
    return [
        f"Other indicators, latest year: {region_code} against the Flemish Region",
        *_render(table),
        note,
    ]


def _fmt_number(value: float | None, digits: int, unit: str) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}{unit}"


def table_2_lines(con: duckdb.DuckDBPyConnection, region_code: str) -> list[str]:
    cols = _resolve_columns(con, "marts", TABLE_2)
    rows = _table_2_rows(con, cols, region_code)
    if not rows:
        return [f"(marts.{TABLE_2} has no rows for {region_code})"]
    first = rows[0]
    span = ""
    if first.get("from_year") is not None and first.get("to_year") is not None:
        span = f", change {first['from_year']}-{first['to_year']}"
    to_year = first.get("to_year") or 2023
    header = (
        f"Table 2: wage employment by sector, {region_code}{span} "
        f"(Flemish Region change for comparison)"
    )
    table = [
        ["sector", f"employees {to_year}", "change", "change %", "Flanders %", "status"],
        *[
            [
                str(r.get("sector") or "-"),
                _fmt_int(r.get("employees")),
                _fmt_int(r.get("change_abs"), signed=True),
                _fmt_pct(r.get("change_pct")),
                _fmt_pct(r.get("flemish_change_pct")),
                str(r.get("status") or "-"),
            ]
            for r in rows
        ],
    ]
    statuses = sorted({str(r.get("status")) for r in rows if r.get("status")})
    note = "status: the weakest obs_status of the row's values; found " + (
        ", ".join(statuses) if statuses else "none"
    )
    if "modelled" in statuses:
        note += " (modelled figures are not official statistics)"
    return [header, *_render(table), note]


def _table_2_rows(
    con: duckdb.DuckDBPyConnection, cols: dict[str, str], region_code: str
) -> list[dict]:
    names = list(cols)
    select = ", ".join(f'"{cols[k]}" AS "{k}"' for k in names)
    order = '"row_order"' if "row_order" in _column_names(con, "marts", TABLE_2) else "1"
    rows = con.execute(
        f'SELECT {select} FROM marts."{TABLE_2}" WHERE region_code = ? ORDER BY {order}',
        [region_code],
    ).fetchall()
    out = []
    for row in rows:
        record = dict(zip(names, row, strict=True))
        record["status"] = weakest_status([record[k] for k in names if k.startswith("status:")])
        out.append(record)
    return out


def _resolve_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> dict[str, str]:
    present = _column_names(con, schema, table)
    out = {key: name for key, name in _COLUMNS.items() if name in present}
    for name in _STATUS_COLUMNS:
        if name in present:
            out[f"status:{name}"] = name
    return out


def weakest_status(statuses: list[str | None]) -> str | None:
    """The weakest obs_status (modelled < provisional < official); None if none is known."""
    known = [s for s in statuses if s]
    if not known:
        return None
    rank = {status: n for n, status in enumerate(_STATUS_ORDER)}
    return min(known, key=lambda s: rank.get(s, -1))


def _column_names(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = ? AND table_name = ?",
        [schema, table],
    ).fetchall()
    return [r[0] for r in rows]


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name = ? ORDER BY table_name",
        [schema],
    ).fetchall()
    return [r[0] for r in rows]


def _render(table: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    out = []
    for n, row in enumerate(table):
        cells = [
            cell.ljust(widths[i]) if i in (0, len(row) - 1) else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def _fmt_int(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:+,.0f}" if signed else f"{value:,.0f}"


def _fmt_pct(value: float | None) -> str:
    return "-" if value is None else f"{value:+.1f}"


def _fmt_ppt(value: float | None) -> str:
    return "-" if value is None else f"{value:+.1f} points"


def _fmt_value(value: float | None) -> str:
    """Counts and money without decimals; small ratios and rates with one."""
    if value is None:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.1f}"


def _size(path: Path) -> str:
    size = float(path.stat().st_size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"
