"""`article.xlsx`: the article's tables and figures' data as one Excel workbook, for readers who
open spreadsheets rather than databases. One sheet per article mart (named in Dutch and
English), numbers stored as numbers, each value's status in the mart's own status columns, and
a sheet with the sources, their attribution and licence."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

WORKBOOK = "article.xlsx"
SOURCES_SHEET = "Bronnen · Sources"
ABOUT_SHEET = "Over · About"
_KINDS = {"table": ("Tabel", "Table"), "figure": ("Figuur", "Figure")}


def sheet_name(mart: str) -> str:
    """'article_table_2_employment_by_sector' -> 'Tabel 2 · Table 2'."""
    match = re.match(r"article_(table|figure)_(\d+)_", mart)
    if not match:
        raise ValueError(f"{mart} is not an article mart")
    nl, en = _KINDS[match.group(1)]
    return f"{nl} {match.group(2)} · {en} {match.group(2)}"


def write_article_workbook(
    con: duckdb.DuckDBPyConnection, folder: Path, sources: list[dict[str, Any]]
) -> Path:
    """Write folder/article.xlsx from the article marts of the database `con` is open on;
    `sources` as the exports' manifest lists them (one row per source file)."""
    marts = [
        (name, comment or "")
        for name, comment in con.execute(
            "SELECT table_name, comment FROM duckdb_tables() WHERE database_name = "
            "current_database() AND schema_name = 'marts' AND table_name LIKE 'article_%' "
            "ORDER BY table_name LIKE 'article_table%' DESC, table_name"
        ).fetchall()
    ]
    book = Workbook(write_only=True)
    about = book.create_sheet(ABOUT_SHEET)
    about.append(["sheet", "mart", "description"])
    bold = Font(bold=True)
    for mart, comment in marts:
        about.append([sheet_name(mart), f"marts.{mart}", comment])
        cur = con.execute(f'SELECT * FROM marts."{mart}" ORDER BY {_order(con, mart)}')
        sheet = book.create_sheet(sheet_name(mart))
        sheet.freeze_panes = "A2"
        header = []
        for name, *_ in cur.description:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in cur.fetchall():
            sheet.append([_cell(v) for v in row])
    about.append([])
    about.append(
        [
            "obs_status",
            "",
            "Each value's status is in the sheet's *_status column: official, provisional, "
            "estimated (published, flagged an estimate by its publisher), derived (computed "
            "here from published figures) or modelled (not an official statistic).",
        ]
    )
    sheet = book.create_sheet(SOURCES_SHEET)
    columns = ("source_id", "attribution", "licence", "url", "retrieved_at")
    sheet.append(list(columns))
    for source in sources:
        sheet.append([_cell(source.get(c)) for c in columns])
    target = folder / WORKBOOK
    book.save(target)
    return target


def _order(con: duckdb.DuckDBPyConnection, mart: str) -> str:
    """The article's own order: by region, then the mart's row_order, where it has one."""
    names = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = 'marts' AND table_name = ?",
            [mart],
        ).fetchall()
    }
    if "row_order" not in names:
        return "ALL"
    return "region_code, row_order" if "region_code" in names else "row_order"


def _cell(value: Any) -> Any:
    # Dates stay dates, numbers numbers; anything else (a Decimal, a UUID) as text.
    if value is None or isinstance(value, bool | int | float | str | date | datetime):
        return value
    return str(value)
