"""RSZ/ONSS decentralised statistics: establishment units with staff, as RSZ's Excel table
(title rows, then a header row, then one row per year, quarter, region and NACE section)."""

from __future__ import annotations

from typing import Any

from extract.formats.tabular import Errors, ParsedTable, find_header_table, read_xlsx_rows, to_int

__all__ = ["parse_rsz_establishments"]

COLUMNS = [
    ("year", "INTEGER"),
    ("quarter", "INTEGER"),
    ("nis_code", "VARCHAR"),
    ("region_name", "VARCHAR"),
    ("nace_section", "VARCHAR"),
    ("establishments", "BIGINT"),
]
REQUIRED = {
    "Jaar": lambda c: c.lower() == "jaar",
    "Kwartaal": lambda c: c.lower() == "kwartaal",
    "NIS-code": lambda c: c.lower() == "nis-code",
    "NACE-sectie": lambda c: c.lower() == "nace-sectie",
    "Aantal vestigingseenheden": lambda c: c.lower().startswith("aantal vestigingseenheden"),
}


def parse_rsz_establishments(data: bytes, *, source_id: str, filename: str) -> ParsedTable:
    err = Errors(source_id, filename)
    sheets = read_xlsx_rows(data, "an RSZ Excel workbook (.xlsx)", err)
    if not sheets:
        raise err("", "the workbook has no sheet")
    title, cells = next(iter(sheets.items()))
    where = f"sheet {title!r}"
    table = find_header_table(cells, REQUIRED, err, where)
    header = [str(c).strip() if c is not None else "" for c in cells[table.header_row - 1]]
    name_at = header.index("Gewest / provincie") if "Gewest / provincie" in header else None
    idx = table.index
    rows: list[tuple[Any, ...]] = []
    keys: list[str] = []
    for n, row in table.rows:
        if all(c is None or str(c).strip() == "" for c in row):
            continue
        at = f"{where} row {n}"
        year = to_int(row[idx["Jaar"]], at, "Jaar", err)
        quarter = to_int(row[idx["Kwartaal"]], at, "Kwartaal", err)
        if not 1 <= quarter <= 4:
            raise err(at, f"Kwartaal {quarter} is not 1-4")
        nis = str(row[idx["NIS-code"]] or "").strip()
        if not nis.isdigit():
            raise err(at, f"NIS-code {nis!r} is not a REFNIS code")
        section = str(row[idx["NACE-sectie"]] or "").strip()
        if not section:
            raise err(at, "empty NACE-sectie")
        count = to_int(row[idx["Aantal vestigingseenheden"]], at, "Aantal vestigingseenheden", err)
        if count < 0:
            raise err(at, f"negative number of establishments {count}")
        name = str(row[name_at]).strip() if name_at is not None and row[name_at] else None
        rows.append((year, quarter, nis.zfill(5), name, section, count))
        keys.append(f"{nis.zfill(5)}.{section}")
    if not rows:
        raise err(where, "no data rows under the header")
    return ParsedTable(source_id, filename, list(COLUMNS), rows, keys)
