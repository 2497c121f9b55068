"""VDAB Arvastat's Excel export of job seekers without work and the labour force, age 18-64,
as annual averages. The rate itself is computed in dbt (numerator / denominator), never read."""

from __future__ import annotations

from typing import Any

from extract.formats.tabular import (
    Errors,
    ParsedTable,
    find_header_table,
    read_xlsx_rows,
    to_int,
    to_number,
)

__all__ = ["parse_arvastat_job_seekers"]

COLUMNS = [
    ("year", "INTEGER"),
    ("nis_code", "VARCHAR"),
    ("region_name", "VARCHAR"),
    ("job_seekers_without_work", "DOUBLE"),
    ("labour_force", "DOUBLE"),
]
REQUIRED = {
    "Jaar": lambda c: c.lower() == "jaar",
    "NIS-code": lambda c: c.lower() == "nis-code",
    "Regio": lambda c: c.lower() == "regio",
    "Werkzoekenden zonder werk": lambda c: c.lower().startswith("werkzoekenden zonder werk"),
    "Beroepsbevolking": lambda c: c.lower().startswith("beroepsbevolking"),
}


def parse_arvastat_job_seekers(data: bytes, *, source_id: str, filename: str) -> ParsedTable:
    err = Errors(source_id, filename)
    sheets = read_xlsx_rows(data, "an Arvastat Excel export (.xlsx)", err)
    if not sheets:
        raise err("", "the workbook has no sheet")
    title, cells = next(iter(sheets.items()))
    where = f"sheet {title!r}"
    table = find_header_table(cells, REQUIRED, err, where)
    idx = table.index
    rows: list[tuple[Any, ...]] = []
    keys: list[str] = []
    for n, row in table.rows:
        if all(c is None or str(c).strip() == "" for c in row):
            continue
        at = f"{where} row {n}"
        year = to_int(row[idx["Jaar"]], at, "Jaar", err)
        nis = str(row[idx["NIS-code"]] or "").strip()
        if not nis.isdigit():
            raise err(at, f"NIS-code {nis!r} is not a REFNIS code")
        seekers = to_number(row[idx["Werkzoekenden zonder werk"]], at, "job seekers", err)
        force = to_number(row[idx["Beroepsbevolking"]], at, "labour force", err)
        if seekers < 0 or force <= 0 or seekers > force:
            raise err(
                at,
                f"job seekers {seekers:g} and labour force {force:g} are not a valid "
                "numerator and denominator",
            )
        region = str(row[idx["Regio"]] or "").strip() or None
        rows.append((year, nis.zfill(5), region, seekers, force))
        keys.append(nis.zfill(5))
    if not rows:
        raise err(where, "no data rows under the header")
    return ParsedTable(source_id, filename, list(COLUMNS), rows, keys)
