"""Statbel's VAT-liable enterprises: open data, a ZIP of pipe-separated TXT (format
`statbel-txt-zip`).

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

from extract.formats.sniffing import Sniffed, Sniffing, delimited_fingerprint, safe_unzip
from extract.formats.tabular import (
    Errors,
    ParsedTable,
    decode_text,
    reject_non_zip,
    to_int,
)

__all__ = [
    "CONTENT_TYPES",
    "GEOGRAPHY_COLUMNS",
    "geography_column",
    "parse_statbel_vat_zip",
    "sniff",
    "split_rows",
]

GEOGRAPHY_COLUMNS = {"CD_ADM_DSTR_REFNIS": "district", "CD_PROV_REFNIS": "province"}
VAT_COLUMNS = [
    ("cd_year", "INTEGER"),
    ("cd_refnis", "INTEGER"),
    ("refnis_level", "VARCHAR"),
    ("cd_nace", "VARCHAR"),
    ("cd_nis_stat_unt_cls", "VARCHAR"),
    ("ms_num_vat", "BIGINT"),
]
_YEAR_IN_NAME = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")


def geography_column(header: Sequence[str], err: Errors, where: str) -> str:
    present = [c for c in GEOGRAPHY_COLUMNS if c in header]
    if len(present) != 1:
        problem = "no geography column" if not present else "two geography columns"
        raise err(
            where,
            f"{problem}: expected one of {', '.join(GEOGRAPHY_COLUMNS)}; "
            f"the header has {', '.join(header)}",
        )
    return present[0]


def split_rows(text: str, delimiter: str) -> list[list[str]]:
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
        table = split_rows(text, "|")
        if not table or len(table[0]) < 2:
            raise err(member, "not pipe-separated text: the first line has no '|' separator")
        header = [c.strip() for c in table[0]]
        geo = geography_column(header, err, f"{member} line 1")
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


CONTENT_TYPES = (
    "application/zip",
    "application/x-zip-compressed",
    "application/octet-stream",
    "application/x-zip",
)


def sniff(body: bytes, at: Sniffing) -> Sniffed:
    members = safe_unzip(at.source_id, at.url, body, max_unpacked=at.max_unpacked)
    texts = [m for m in members if m.lower().endswith((".txt", ".csv"))]
    if not texts:
        raise at.reject("format", f"ZIP holds no .txt/.csv file (members: {list(members)})")
    first = texts[0]
    return Sniffed(body, delimited_fingerprint(members[first], first, "|", at), tuple(members))
