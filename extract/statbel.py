"""Statbel's files: VAT-liable enterprises (open data, a ZIP of pipe-separated TXT) and VAT
starters and stoppers (a be.STAT CSV export).

Statbel publishes the stock by district (`CD_ADM_DSTR_REFNIS`); a province-level file has
`CD_PROV_REFNIS` instead. Both are read; the codes stay Statbel's (`cd_refnis` with
`refnis_level`), and dbt maps districts to provinces through the `refnis_districts` seed
(Halle-Vilvoorde 23000 and Leuven 24000 belong to Vlaams-Brabant 20001: never by first digit).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import Any

from extract.tabular import (
    Errors,
    ParsedTable,
    clip,
    decode_text,
    find_header_table,
    reject_non_zip,
    to_int,
)

__all__ = ["parse_bestat_vat_starters", "parse_statbel_vat_zip"]

GEOGRAPHY_COLUMNS = {"CD_ADM_DSTR_REFNIS": "district", "CD_PROV_REFNIS": "province"}
VAT_COLUMNS = [
    ("cd_year", "INTEGER"),
    ("cd_refnis", "INTEGER"),
    ("refnis_level", "VARCHAR"),
    ("cd_nace", "VARCHAR"),
    ("cd_nis_stat_unt_cls", "VARCHAR"),
    ("ms_num_vat", "BIGINT"),
]
STARTER_COLUMNS = [
    ("cd_year", "INTEGER"),
    ("cd_refnis", "INTEGER"),
    ("refnis_level", "VARCHAR"),
    ("cd_nace", "VARCHAR"),
    ("ms_num_vat_start", "BIGINT"),
    ("ms_num_vat_stop", "BIGINT"),
    ("obs_status", "VARCHAR"),
]
_YEAR_IN_NAME = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")


def _geography(header: Sequence[str], err: Errors, where: str) -> str:
    present = [c for c in GEOGRAPHY_COLUMNS if c in header]
    if len(present) != 1:
        problem = "no geography column" if not present else "two geography columns"
        raise err(
            where,
            f"{problem}: expected one of {', '.join(GEOGRAPHY_COLUMNS)}; "
            f"the header has {', '.join(header)}",
        )
    return present[0]


def _split_rows(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def parse_statbel_vat_zip(data: bytes, *, source_id: str, filename: str) -> ParsedTable:
    """Statbel open data `TF_VAT_NACE_EMPL_{year}.zip`: one or more pipe-separated TXT files."""
    err = Errors(source_id, filename)
    archive = reject_non_zip(data, "a Statbel open-data ZIP", err)
    members = [m for m in archive.namelist() if m.lower().endswith(".txt")]
    if not members:
        raise err(
            "", f"no .txt file in the ZIP (it holds {', '.join(archive.namelist()) or 'nothing'})"
        )
    rows: list[tuple[Any, ...]] = []
    keys: list[str] = []
    for member in members:
        text = decode_text(archive.read(member), "pipe-separated text", err)
        table = _split_rows(text, "|")
        if not table or len(table[0]) < 2:
            raise err(member, "not pipe-separated text: the first line has no '|' separator")
        header = [c.strip() for c in table[0]]
        geo = _geography(header, err, f"{member} line 1")
        required = ["CD_NACE", "CD_NIS_STAT_UNT_CLS", "MS_NUM_VAT", geo]
        missing = [c for c in required if c not in header]
        if missing:
            raise err(
                f"{member} line 1",
                f"missing column(s) {', '.join(missing)}; the header has {', '.join(header)}",
            )
        pos = {c: header.index(c) for c in [*required, "CD_YEAR"] if c in header}
        year_from_name = _YEAR_IN_NAME.search(member)
        for n, cells in enumerate(table[1:], start=2):
            if not cells or (len(cells) == 1 and not cells[0].strip()):
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
            elif year_from_name:
                year = int(year_from_name.group(0))
            else:
                raise err(where, "no CD_YEAR column and no year in the file name")
            refnis = to_int(cells[pos[geo]], where, geo, err)
            nace = cells[pos["CD_NACE"]].strip()
            cls = cells[pos["CD_NIS_STAT_UNT_CLS"]].strip()
            if not nace:
                raise err(where, "empty CD_NACE")
            count = to_int(cells[pos["MS_NUM_VAT"]], where, "MS_NUM_VAT", err)
            if count < 0:
                raise err(where, f"negative MS_NUM_VAT {count}")
            rows.append((year, refnis, GEOGRAPHY_COLUMNS[geo], nace, cls, count))
            keys.append(f"{refnis}.{nace}.{cls}")
    if not rows:
        raise err("", "no data rows")
    return ParsedTable(source_id, filename, list(VAT_COLUMNS), rows, keys)


def parse_bestat_vat_starters(data: bytes, *, source_id: str, filename: str) -> ParsedTable:
    """A be.STAT export (CSV, ';'-separated, UTF-8 with BOM) of VAT starters and stoppers."""
    err = Errors(source_id, filename)
    text = decode_text(data, "a be.STAT CSV export", err)
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    if first.count(delimiter) == 0:
        raise err("line 1", f"not a CSV export: no separator in the first line {clip(first)}")
    table = _split_rows(text, delimiter)
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
    geo = _geography(geo_header, err, f"line {header_table.header_row}")
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
