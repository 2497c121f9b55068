"""RSZ/ONSS decentralised statistics (workplaces by place of work), format `rsz-xlsx`: one
workbook per quarter, `localunit-val-nl-YYYYQ.xlsx`.

Each sheet `tabelN` is a cross-tab: about six title rows (row 1 says what is counted), the
header in row 7, then one row per province or region (its name in column A) followed by its
arrondissements (column A empty, the name in column B), and the activity sectors as columns.
The table of establishment units is the sheet whose title speaks of `vestigingseenheden`.

Sector columns are NACE sections, labelled by letter ("F Bouwnijverheid") or by their Dutch
title alone, and a "Totaal" column; a column label that is neither is an error (a renamed or
moved column), never skipped. The period comes from the file's name (`...-20244.xlsx`,
`...-2024-4.xlsx`), else from the title ("4de kwartaal 2024", "31 december 2024").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from extract.errors import SourceFormatError
from extract.formats.belgian_regions import region_by_name
from extract.formats.sniffing import Fingerprint, Sniffed, Sniffing, safe_unzip
from extract.formats.tabular import Errors, ParsedTable, clip, read_xlsx_rows, to_int

__all__ = ["HEADER_ROW", "NACE_SECTION_TITLES", "parse_rsz_establishments", "period_of", "sniff"]

HEADER_ROW = 7
COLUMNS = [
    ("year", "INTEGER"),
    ("quarter", "INTEGER"),
    ("nis_code", "VARCHAR"),
    ("region_name", "VARCHAR"),
    ("geo_level", "VARCHAR"),
    ("province_name", "VARCHAR"),
    ("nace_section", "VARCHAR"),
    ("establishments", "BIGINT"),
]
# The Dutch titles of the NACE Rev. 2 sections (NACE-BEL 2008), as RSZ and Statbel print them.
NACE_SECTION_TITLES = {
    "A": "Landbouw, bosbouw en visserij",
    "B": "Winning van delfstoffen",
    "C": "Industrie",
    "D": "Productie en distributie van elektriciteit, gas, stoom en gekoelde lucht",
    "E": "Distributie van water; afval- en afvalwaterbeheer en sanering",
    "F": "Bouwnijverheid",
    "G": "Groot- en detailhandel; reparatie van auto's en motorfietsen",
    "H": "Vervoer en opslag",
    "I": "Verschaffen van accommodatie en maaltijden",
    "J": "Informatie en communicatie",
    "K": "Financiële activiteiten en verzekeringen",
    "L": "Exploitatie van en handel in onroerend goed",
    "M": "Vrije beroepen en wetenschappelijke en technische activiteiten",
    "N": "Administratieve en ondersteunende diensten",
    "O": "Openbaar bestuur en defensie; verplichte sociale verzekeringen",
    "P": "Onderwijs",
    "Q": "Menselijke gezondheidszorg en maatschappelijke dienstverlening",
    "R": "Kunst, amusement en recreatie",
    "S": "Overige diensten",
    "T": "Huishoudens als werkgever",
    "U": "Extraterritoriale organisaties en lichamen",
}
_TOTAL = "totaal"
_BY_TITLE = {" ".join(t.lower().split()): s for s, t in NACE_SECTION_TITLES.items()}
_LETTER = re.compile(r"^([A-U])(?:\s*[-:.]?\s+\S.*)?$")
_NAME_PERIOD = re.compile(r"(?<!\d)((?:19|20)\d{2})-?([1-4])(?!\d)")
_TITLE_QUARTER = re.compile(r"([1-4])\s*(?:ste|de|e)?\s+kwartaal\s+((?:19|20)\d{2})", re.I)
_TITLE_DECEMBER = re.compile(r"31\s+december\s+((?:19|20)\d{2})", re.I)
_UNSPECIFIED = ("niet nader bepaald", "onbekend", "buitenland")


def period_of(filename: str, title: str) -> tuple[int, int] | None:
    """(year, quarter) from the file's name, else from the sheet's title."""
    found = _NAME_PERIOD.findall(filename)
    if len(found) == 1:
        return int(found[0][0]), int(found[0][1])
    match = _TITLE_QUARTER.search(title)
    if match:
        return int(match.group(2)), int(match.group(1))
    match = _TITLE_DECEMBER.search(title)
    if match:
        return int(match.group(1)), 4
    return None


def _section(label: str) -> str | None:
    """The NACE section of a sector column's label, 'TOTAL', or None."""
    text = " ".join(label.split())
    if text.lower() == _TOTAL:
        return "TOTAL"
    match = _LETTER.match(text)
    if match:
        return match.group(1)
    return _BY_TITLE.get(text.lower())


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _establishments_sheet(sheets: dict[str, list[tuple[Any, ...]]], err: Errors):
    titles = {}
    for name, rows in sheets.items():
        title = " ".join(_text(c) for row in rows[: HEADER_ROW - 1] for c in row if _text(c))
        titles[name] = title
        if "vestigingseenheden" in title.lower():
            return name, title, rows
    shown = "; ".join(f"{n}: {clip(t, 50)}" for n, t in titles.items())
    raise err("", f"no sheet counts vestigingseenheden (establishment units): {shown}")


def _sector_columns(rows: Sequence[Sequence[Any]], where: str, err: Errors) -> dict[int, str]:
    """Column index -> section of the header row; names the row the header seems to be in
    when it is not row 7."""
    header = [_text(c) for c in rows[HEADER_ROW - 1]] if len(rows) >= HEADER_ROW else []
    sectors = {i: _section(label) for i, label in enumerate(header) if i >= 2 and label}
    if "TOTAL" in sectors.values() and sum(1 for s in sectors.values() if s) >= 2:
        unknown = [f"{header[i]!r}" for i, s in sectors.items() if s is None]
        if unknown:
            raise err(
                f"{where} row {HEADER_ROW}",
                f"column(s) {', '.join(unknown)} are neither a NACE section nor 'Totaal'",
            )
        return {i: s for i, s in sectors.items() if s}
    elsewhere = [
        n
        for n, row in enumerate(rows[:30], start=1)
        if any(_text(c).lower() == _TOTAL for c in row[2:])
    ]
    hint = f"; a header-like row is row {elsewhere[0]}" if elsewhere else ""
    raise err(
        f"{where} row {HEADER_ROW}",
        f"row {HEADER_ROW} is not the header (sector columns and 'Totaal' from column C){hint}",
    )


def parse_rsz_establishments(data: bytes, *, source_id: str, filename: str) -> ParsedTable:
    err = Errors(source_id, filename)
    sheets = read_xlsx_rows(data, "an RSZ Excel workbook (.xlsx)", err)
    if not sheets:
        raise err("", "the workbook has no sheet")
    name, title, cells = _establishments_sheet(sheets, err)
    where = f"sheet {name!r}"
    period = period_of(filename, title)
    if period is None:
        raise err(where, "no period: neither the file's name nor the title names a quarter")
    year, quarter = period
    sectors = _sector_columns(cells, where, err)
    rows: list[tuple[Any, ...]] = []
    keys: list[str] = []
    province: str | None = None
    for n, row in enumerate(cells[HEADER_ROW:], start=HEADER_ROW + 1):
        first, second = _text(row[0] if row else None), _text(row[1] if len(row) > 1 else None)
        if not first and not second:
            continue
        at = f"{where} row {n}"
        if first:
            found = region_by_name(first)
            if found is None and not first.lower().startswith(_UNSPECIFIED):
                if all(_text(c) == "" for c in row[2:]):
                    continue  # a note under the table
                raise err(at, f"{clip(first, 60)} is not a Belgian province or region")
            code, level = found if found else (None, "unspecified")
            label, province = first, first if level == "province" else None
        else:
            code, level, label = None, "arrondissement", second
        for i, section in sectors.items():
            value = row[i] if i < len(row) else None
            if _text(value) in ("", "-"):
                continue
            count = to_int(value, f"{at} column {i + 1}", "establishments", err)
            if count < 0:
                raise err(at, f"negative number of establishments {count}")
            nis = f"{code:05d}" if code is not None else None
            rows.append((year, quarter, nis, label, level, province, section, count))
            keys.append(f"{nis or label}.{section}")
    if not rows:
        raise err(where, "no data rows under the header")
    return ParsedTable(source_id, filename, list(COLUMNS), rows, keys)


def sniff(body: bytes, at: Sniffing) -> Sniffed:
    """The schema is the establishments sheet's header row (row 7): the title rows name the
    quarter, which changes with every file."""
    members = safe_unzip(at.source_id, at.url, body, max_unpacked=at.max_unpacked)
    if "xl/workbook.xml" not in members:
        raise at.reject("format", "not an Excel workbook (no xl/workbook.xml)")
    err = Errors(at.source_id, at.name)
    try:
        _, _, rows = _establishments_sheet(read_xlsx_rows(body, "an RSZ workbook", err), err)
    except SourceFormatError as exc:
        raise at.reject("format", exc.problem) from None
    header = rows[HEADER_ROW - 1] if len(rows) >= HEADER_ROW else ()
    return Sniffed(body, Fingerprint("header row", tuple(_text(c) for c in header)), tuple(members))
