"""Statbel's VAT starters and stoppers as a be.STAT CSV export (format `be-stat-csv`):
';'-separated, UTF-8 with BOM, Statbel's column names."""

from __future__ import annotations

from typing import Any

from extract.formats.sniffing import Sniffed, Sniffing, delimited_fingerprint
from extract.formats.statbel_txt_zip import GEOGRAPHY_COLUMNS, geography_column, split_rows
from extract.formats.tabular import (
    Errors,
    ParsedTable,
    clip,
    decode_text,
    find_header_table,
    to_int,
)

__all__ = ["CONTENT_TYPES", "STARTER_COLUMNS", "parse_bestat_vat_starters", "sniff"]

STARTER_COLUMNS = [
    ("cd_year", "INTEGER"),
    ("cd_refnis", "INTEGER"),
    ("refnis_level", "VARCHAR"),
    ("cd_nace", "VARCHAR"),
    ("ms_num_vat_start", "BIGINT"),
    ("ms_num_vat_stop", "BIGINT"),
    ("obs_status", "VARCHAR"),
]


def parse_bestat_vat_starters(data: bytes, *, source_id: str, filename: str) -> ParsedTable:
    """A be.STAT export (CSV, ';'-separated, UTF-8 with BOM) of VAT starters and stoppers."""
    err = Errors(source_id, filename)
    text = decode_text(data, "a be.STAT CSV export", err)
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    if first.count(delimiter) == 0:
        raise err("line 1", f"not a CSV export: no separator in the first line {clip(first)}")
    table = split_rows(text, delimiter)
    geo_header = [c.strip() for c in table[0]] if table else []
    header_table = find_header_table(
        table,
        {
            "CD_YEAR": lambda c: c == "CD_YEAR",
            "CD_NACE": lambda c: c == "CD_NACE",
            "MS_NUM_VAT_START": lambda c: c == "MS_NUM_VAT_START",
            "MS_NUM_VAT_STOP": lambda c: c == "MS_NUM_VAT_STOP",
            "geography": lambda c: c in GEOGRAPHY_COLUMNS,
        },
        err,
        "header",
        max_header_row=5,
    )
    geo_header = [c.strip() for c in table[header_table.header_row - 1]]
    geo = geography_column(geo_header, err, f"line {header_table.header_row}")
    status_at = geo_header.index("CD_OBS_STATUS") if "CD_OBS_STATUS" in geo_header else None
    idx = header_table.index
    rows: list[tuple[Any, ...]] = []
    keys: list[str] = []
    last = len(table)
    for n, cells in header_table.rows:
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        where = f"line {n}"
        if len(cells) != len(geo_header):
            raise err(
                where,
                f"{len(cells)} fields, the header has {len(geo_header)}"
                + (" (the file may be truncated)" if n == last else ""),
            )
        year = to_int(cells[idx["CD_YEAR"]], where, "CD_YEAR", err)
        refnis = to_int(cells[idx["geography"]], where, geo, err)
        nace = cells[idx["CD_NACE"]].strip()
        start = to_int(cells[idx["MS_NUM_VAT_START"]], where, "MS_NUM_VAT_START", err)
        stop = to_int(cells[idx["MS_NUM_VAT_STOP"]], where, "MS_NUM_VAT_STOP", err)
        status = cells[status_at].strip() or None if status_at is not None else None
        if status not in (None, "P", "E"):
            raise err(where, f"unknown CD_OBS_STATUS {status!r} (expected empty, P or E)")
        rows.append((year, refnis, GEOGRAPHY_COLUMNS[geo], nace, start, stop, status))
        keys.append(f"{refnis}.{nace}")
    if not rows:
        raise err("", "no data rows under the header")
    return ParsedTable(source_id, filename, list(STARTER_COLUMNS), rows, keys)


CONTENT_TYPES = ("text/csv", "text/plain", "application/csv", "application/octet-stream")


def sniff(body: bytes, at: Sniffing) -> Sniffed:
    # be.STAT exports are ';'-separated; a ',' or tab export of the same view is accepted.
    first = body[:4096].decode("utf-8-sig", errors="replace").split("\n", 1)[0]
    sep = max(";,\t", key=first.count)
    return Sniffed(body, delimited_fingerprint(body, at.name, sep, at))
