"""Statbel's VAT-liable enterprises by employer class (open data `TF_VAT_NACE_EMPL`), format
`statbel-txt-zip`: one file per year, a ZIP of pipe-separated TXT, or for some years an
Excel workbook (or a ZIP holding one) with the same columns.

Statbel has published two layouts; neither has a year column, so the year comes from the
file's name (`TF_VAT_NACE_EMPL_2015.zip`, `..._SQ_2015.txt`, `VF_VAT_NACE_EMPL_2019.zip`):
- minimal (2008-2021): CD_REFNIS (the district), CD_NIS_STAT_UNT_CLS, CD_NACE, MS_NUM_VAT,
  MS_NUM_VAT_START, MS_NUM_VAT_STOP;
- complete (from 2023): about 35 columns, the district in CD_ADM_DSTR_REFNIS beside
  CD_PROV_REFNIS and CD_RGN_REFNIS, labels in TX_*_{FR,NL,EN}_LVL1..5.
CD_NACE is a 5-character NACE-BEL code (e.g. `4120X`); the files have no section or total
rows: dbt maps codes to sections with the `nace_bel_divisions` seed and computes the totals.

The embedded snapshot holds the real province figures in a file of its own (CD_YEAR and
CD_PROV_REFNIS, section codes and ALL rows), which this parser also reads: the figures exist
only at province level, so it is not one of Statbel's layouts.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import Any

from extract.formats.sniffing import (
    Sniffed,
    Sniffing,
    delimited_fingerprint,
    safe_unzip,
    xlsx_header_fingerprint,
)
from extract.formats.tabular import (
    Errors,
    ParsedTable,
    decode_text,
    read_xlsx_rows,
    reject_non_zip,
    to_int,
)

__all__ = [
    "CONTENT_TYPES",
    "LAYOUTS",
    "parse_statbel_vat_zip",
    "sniff",
    "split_rows",
    "year_in_name",
]

# Geography column -> (layout, level of its codes). The first one a header has wins, so the
# complete layout's district beats its province.
LAYOUTS = {
    "CD_ADM_DSTR_REFNIS": ("complete", "district"),
    "CD_REFNIS": ("minimal", "district"),
    "CD_PROV_REFNIS": ("province", "province"),
}
REQUIRED = ("CD_NIS_STAT_UNT_CLS", "CD_NACE", "MS_NUM_VAT")
VAT_COLUMNS = [
    ("cd_year", "INTEGER"),
    ("cd_refnis", "INTEGER"),
    ("refnis_level", "VARCHAR"),
    ("cd_nace", "VARCHAR"),
    ("cd_nis_stat_unt_cls", "VARCHAR"),
    ("ms_num_vat", "BIGINT"),
    ("ms_num_vat_start", "BIGINT"),
    ("ms_num_vat_stop", "BIGINT"),
    ("layout", "VARCHAR"),
]
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def year_in_name(*names: str) -> int | None:
    """The year in the first name that has exactly one (a member's, then the file's)."""
    for name in names:
        found = set(_YEAR_IN_NAME.findall(name or ""))
        if len(found) == 1:
            return int(found.pop())
    return None


def split_rows(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _tables(data: bytes, err: Errors) -> list[tuple[str, list[Sequence[Any]]]]:
    """(name, rows) of every table in the file: the TXT members of a ZIP, or a workbook's
    data sheet (the file itself, or a workbook inside the ZIP)."""
    archive = reject_non_zip(data, "a Statbel open-data ZIP or Excel workbook", err)
    names = archive.namelist()
    if "xl/workbook.xml" in names:
        return [_sheet(data, err)]
    texts = [m for m in names if m.lower().endswith(".txt")]
    if texts:
        out = []
        for member in texts:
            text = decode_text(archive.read(member), "pipe-separated text", err)
            rows = split_rows(text, "|")
            if not rows or len(rows[0]) < 2:
                raise err(member, "not pipe-separated text: the first line has no '|' separator")
            out.append((member, rows))
        return out
    books = [m for m in names if m.lower().endswith(".xlsx")]
    if books:
        name, rows = _sheet(archive.read(books[0]), err)
        return [(f"{books[0]} {name}", rows)]
    raise err("", f"no .txt or .xlsx file in the ZIP (it holds {', '.join(names) or 'nothing'})")


def _sheet(data: bytes, err: Errors) -> tuple[str, list[Sequence[Any]]]:
    sheets = read_xlsx_rows(data, "a Statbel Excel workbook", err)
    if not sheets:
        raise err("", "the workbook has no sheet")
    title = next((t for t in sheets if "VAT_NACE_EMPL" in t.upper()), next(iter(sheets)))
    rows = [["" if c is None else str(c) for c in row] for row in sheets[title]]
    return f"sheet {title!r}", rows


def _layout(header: list[str], err: Errors, where: str) -> tuple[str, str, str]:
    geo = next((c for c in LAYOUTS if c in header), None)
    if geo is None:
        raise err(
            where,
            f"no geography column: expected one of {', '.join(LAYOUTS)}; the header has "
            f"{', '.join(header)}",
        )
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise err(
            where, f"missing column(s) {', '.join(missing)}; the header has {', '.join(header)}"
        )
    layout, level = LAYOUTS[geo]
    return geo, layout, level


def _optional_count(cells: Sequence[str], at: int | None, where: str, what: str, err: Errors):
    if at is None or not str(cells[at]).strip():
        return None
    value = to_int(cells[at], where, what, err)
    if value < 0:
        raise err(where, f"negative {what} {value}")
    return value


def parse_statbel_vat_zip(data: bytes, *, source_id: str, filename: str) -> ParsedTable:
    """One yearly file of TF_VAT_NACE_EMPL, in either of Statbel's layouts."""
    err = Errors(source_id, filename)
    rows: list[tuple[Any, ...]] = []
    keys: list[str] = []
    for member, table in _tables(data, err):
        header = [str(c).strip().lstrip("\ufeff") for c in table[0]]
        geo, layout, level = _layout(header, err, f"{member} line 1")
        pos = {c: i for i, c in enumerate(header)}
        year = year_in_name(member, filename)
        if year is None and "CD_YEAR" not in pos:
            raise err(member, "no year: no CD_YEAR column and no year in the file's name")
        for n, cells in enumerate(table[1:], start=2):
            if not cells or all(not str(c).strip() for c in cells):
                continue
            where = f"{member} line {n}"
            if len(cells) != len(header):
                raise err(
                    where,
                    f"{len(cells)} fields, the header has {len(header)}"
                    + (" (the file may be truncated)" if n == len(table) else ""),
                )
            if "CD_YEAR" in pos:
                year = to_int(cells[pos["CD_YEAR"]], where, "CD_YEAR", err)
            refnis = to_int(cells[pos[geo]], where, geo, err)
            nace = str(cells[pos["CD_NACE"]]).strip().upper()
            if not nace:
                raise err(where, "empty CD_NACE")
            cls = str(cells[pos["CD_NIS_STAT_UNT_CLS"]]).strip().zfill(2)
            count = to_int(cells[pos["MS_NUM_VAT"]], where, "MS_NUM_VAT", err)
            if count < 0:
                raise err(where, f"negative MS_NUM_VAT {count}")
            start = _optional_count(cells, pos.get("MS_NUM_VAT_START"), where, "starts", err)
            stop = _optional_count(cells, pos.get("MS_NUM_VAT_STOP"), where, "stops", err)
            rows.append((year, refnis, level, nace, cls, count, start, stop, layout))
            keys.append(f"{refnis}.{nace}.{cls}")
    if not rows:
        raise err("", "no data rows")
    return ParsedTable(source_id, filename, list(VAT_COLUMNS), rows, keys)


CONTENT_TYPES = (
    "application/zip",
    "application/x-zip-compressed",
    "application/octet-stream",
    "application/x-zip",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)


def sniff(body: bytes, at: Sniffing) -> Sniffed:
    members = safe_unzip(at.source_id, at.url, body, max_unpacked=at.max_unpacked)
    if "xl/workbook.xml" in members:
        return Sniffed(body, xlsx_header_fingerprint(members, at), tuple(members))
    texts = [m for m in members if m.lower().endswith((".txt", ".csv"))]
    if texts:
        first = texts[0]
        fingerprint = delimited_fingerprint(members[first], first, "|", at)
        return Sniffed(body, fingerprint, tuple(members))
    books = [m for m in members if m.lower().endswith(".xlsx")]
    if books:
        inner = safe_unzip(at.source_id, at.url, members[books[0]], max_unpacked=at.max_unpacked)
        return Sniffed(body, xlsx_header_fingerprint(inner, at), tuple(members))
    raise at.reject("format", f"ZIP holds no .txt or .xlsx file (members: {list(members)})")
