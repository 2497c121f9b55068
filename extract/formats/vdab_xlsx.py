"""VDAB's job seekers as its two Excel exports, format `vdab-xlsx`; the layout is told from the
workbook itself.

- Provincies in Cijfers (provincies.incijfers.be, source VDAB): one sheet, a title row, a row
  of indicator labels, a row of years, then one row per municipality (by name, 2025
  boundaries, plus rows such as "Niet te lokaliseren"), several indicators side by side, each
  a run of year columns with its label above one of them; a legend ("Speciale waarden") and the
  source under the table. Rates are fractions (0.096 = 9.6%) rounded to 0.001. Special values:
  "-" no value, "x" hidden, "nvt" not applicable, "?" missing.
- Arvastat (arvastat.vdab.be): a sheet "Data" with title rows, two label rows (the measure
  above its run of columns, then the years), one row per province and a "Totaal" row (the
  Flemish Region). Counts of 1 to 3 are shown as "-"; a total is never suppressed, so a "-"
  in the "Totaal" row or column is an error.

Both give job seekers without work (WZW) as annual averages; the rate is computed in dbt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from extract.errors import SourceFormatError
from extract.formats.belgian_regions import region_by_name
from extract.formats.sniffing import Fingerprint, Sniffed, Sniffing, safe_unzip
from extract.formats.tabular import Errors, ParsedTable, clip, read_xlsx_rows, to_number

__all__ = ["PIC_INDICATORS", "SPECIAL_VALUES", "parse_vdab_job_seekers", "sniff"]

COLUMNS = [
    ("year", "INTEGER"),
    ("nis_code", "VARCHAR"),
    ("region_name", "VARCHAR"),
    ("geo_level", "VARCHAR"),
    ("job_seekers_without_work", "DOUBLE"),
    ("labour_force", "DOUBLE"),
    ("job_seekers_rate", "DOUBLE"),
    ("special_value", "VARCHAR"),
    ("layout", "VARCHAR"),
]
# Provincies in Cijfers labels of the indicators read (compared without case and spacing).
PIC_INDICATORS = {
    "job_seekers_rate": "werkzoekendengraad (jaargemiddelde) [%]",
    "job_seekers_without_work": "werkzoekenden zonder werk (jaargemiddelde) [aantal]",
}
SPECIAL_VALUES = {"-": "no value", "x": "hidden", "nvt": "not applicable", "?": "missing"}
ARVASTAT_MEASURES = {
    "job_seekers_without_work": re.compile(r"^werkzoekenden zonder werk", re.I),
    "labour_force": re.compile(r"^beroepsbevolking", re.I),
}
_FOOTER = ("speciale waarden", "bron", "voetnoot", "datum export")
_YEAR = re.compile(r"^(19|20)\d{2}$")
TOTAL = "totaal"
FLEMISH_REGION = "02000"  # VDAB's statistics cover the Flemish Region: its total is BE2


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _year(value: Any) -> int | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        value = int(value)
    text = _text(value)
    return int(text) if _YEAR.match(text) else None


def _year_row(rows: Sequence[Sequence[Any]]) -> int | None:
    """0-based index of the first row with at least two years from column B."""
    for n, row in enumerate(rows[:12]):
        if sum(1 for c in row[1:] if _year(c) is not None) >= 2:
            return n
    return None


def _groups(years: Sequence[Any], labels: Sequence[Any], err: Errors, where: str):
    """[(label, {column: year})]: a run of rising years is one indicator, labelled by the one
    label cell above the run."""
    groups: list[tuple[str, dict[int, int]]] = []
    current: dict[int, int] = {}
    for i in range(1, len(years)):
        year = _year(years[i])
        if year is None:
            continue
        if current and year <= max(current.values()):
            groups.append(_label_group(current, labels, err, where))
            current = {}
        current[i] = year
    if current:
        groups.append(_label_group(current, labels, err, where))
    return groups


def _label_group(columns: dict[int, int], labels: Sequence[Any], err: Errors, where: str):
    found = [_text(labels[i]) for i in columns if i < len(labels) and _text(labels[i])]
    if len(found) != 1:
        first, last = min(columns) + 1, max(columns) + 1
        raise err(
            where,
            f"the years in columns {first}-{last} have {len(found)} indicator labels above them "
            f"({', '.join(map(repr, found)) or 'none'}), expected one",
        )
    return found[0], columns


def _value(cell: Any, at: str, err: Errors) -> tuple[float | None, str | None]:
    text = _text(cell)
    if text.lower() in SPECIAL_VALUES:
        return None, text.lower()
    if text == "":
        return None, None
    return to_number(cell, at, "value", err), None


def _parse_pic(rows: Sequence[Sequence[Any]], err: Errors, where: str) -> list[tuple]:
    at_years = _year_row(rows)
    if at_years is None or at_years == 0:
        raise err(where, "no row of years under a row of indicator labels")
    groups = _groups(rows[at_years], rows[at_years - 1], err, f"{where} row {at_years}")
    by_label = {" ".join(label.lower().split()): cols for label, cols in groups}
    wanted = {}
    for column, label in PIC_INDICATORS.items():
        if label not in by_label:
            present = ", ".join(repr(lbl) for lbl, _ in groups)
            raise err(
                f"{where} row {at_years}", f"no indicator {label!r}; the export has {present}"
            )
        wanted[column] = by_label[label]
    out = []
    for n, row in enumerate(rows[at_years + 1 :], start=at_years + 2):
        name = _text(row[0] if row else None)
        if not name:
            if all(_text(c) == "" for c in row):
                break  # the blank row that ends the table
            raise err(f"{where} row {n}", "values without a municipality name")
        if name.lower().startswith(_FOOTER):
            break
        for col, year in wanted["job_seekers_without_work"].items():
            rate_col = next(c for c, y in wanted["job_seekers_rate"].items() if y == year)
            count, count_note = _value(row[col], f"{where} row {n} column {col + 1}", err)
            rate, rate_note = _value(row[rate_col], f"{where} row {n} column {rate_col + 1}", err)
            if rate is not None and not 0 <= rate <= 1:
                raise err(f"{where} row {n}", f"rate {rate!r} is not a fraction (0.096 = 9.6%)")
            if count is not None and count < 0:
                raise err(f"{where} row {n}", f"negative number of job seekers {count!r}")
            note = count_note or rate_note
            out.append((year, None, name, "municipality", count, None, rate, note, "pic"))
    return out


def _parse_arvastat(rows: Sequence[Sequence[Any]], err: Errors, where: str) -> list[tuple]:
    at_years = _year_row(rows)
    if at_years is None or at_years == 0:
        raise err(where, "no label rows: a row of measures above a row of years")
    measures_row, years_row = rows[at_years - 1], rows[at_years]
    columns: dict[str, dict[int, int]] = {}
    totals: set[int] = set()
    measure = None
    for i in range(1, max(len(measures_row), len(years_row))):
        label = _text(measures_row[i] if i < len(measures_row) else None)
        if label:
            measure = next((m for m, p in ARVASTAT_MEASURES.items() if p.match(label)), None)
            if measure is None:
                raise err(f"{where} row {at_years}", f"unknown measure {clip(label, 60)}")
        sub = years_row[i] if i < len(years_row) else None
        if _text(sub).lower() == TOTAL:
            totals.add(i)
        elif _year(sub) is not None and measure:
            columns.setdefault(measure, {})[i] = _year(sub)
    missing = [m for m in ARVASTAT_MEASURES if m not in columns]
    if missing:
        raise err(f"{where} row {at_years}", f"no columns for {', '.join(missing)}")
    out = []
    for n, row in enumerate(rows[at_years + 1 :], start=at_years + 2):
        name = _text(row[0] if row else None)
        if not name or name.lower().startswith(_FOOTER):
            continue
        at = f"{where} row {n}"
        is_total = name.lower() == TOTAL
        for i in totals | (set(range(1, len(row))) if is_total else set()):
            if i < len(row) and _text(row[i]) == "-":
                raise err(at, f"column {i + 1}: a total shown as '-' (suppressed)")
        found = region_by_name(name)
        if is_total:
            nis, level = FLEMISH_REGION, "region"
        elif found is None:
            raise err(at, f"{clip(name, 60)} is not a Flemish province")
        else:
            nis, level = f"{found[0]:05d}", found[1]
        values: dict[int, dict[str, float | None]] = {}
        notes: dict[int, str | None] = {}
        for measure, cols in columns.items():
            for i, year in cols.items():
                value, note = _value(row[i] if i < len(row) else None, f"{at} column {i + 1}", err)
                values.setdefault(year, {})[measure] = value
                notes[year] = notes.get(year) or note
        for year, v in sorted(values.items()):
            seekers, force = v.get("job_seekers_without_work"), v.get("labour_force")
            if seekers is not None and force is not None and not 0 <= seekers <= force:
                raise err(at, f"{year}: {seekers:g} job seekers in a labour force of {force:g}")
            out.append((year, nis, name, level, seekers, force, None, notes[year], "arvastat"))
    return out


def parse_vdab_job_seekers(data: bytes, *, source_id: str, filename: str) -> ParsedTable:
    err = Errors(source_id, filename)
    sheets = read_xlsx_rows(data, "a VDAB Excel export (.xlsx)", err)
    if not sheets:
        raise err("", "the workbook has no sheet")
    data_sheet = next((t for t in sheets if t.strip().lower() == "data"), None)
    if data_sheet is not None:
        rows = _parse_arvastat(sheets[data_sheet], err, f"sheet {data_sheet!r}")
    else:
        title = next(iter(sheets))
        rows = _parse_pic(sheets[title], err, f"sheet {title!r}")
    if not rows:
        raise err("", "no data rows")
    keys = [f"{r[1] or r[2]}" for r in rows]
    return ParsedTable(source_id, filename, list(COLUMNS), rows, keys)


def sniff(body: bytes, at: Sniffing) -> Sniffed:
    """The schema is the export's label rows: the indicators (Provincies in Cijfers) or the
    measures and the row header (Arvastat), never the years, which move on every month."""
    members = safe_unzip(at.source_id, at.url, body, max_unpacked=at.max_unpacked)
    if "xl/workbook.xml" not in members:
        raise at.reject("format", "not an Excel workbook (no xl/workbook.xml)")
    try:
        sheets = read_xlsx_rows(body, "a VDAB Excel export", Errors(at.source_id, at.name))
    except SourceFormatError as exc:
        raise at.reject("format", exc.problem) from None
    data_sheet = next((t for t in sheets if t.strip().lower() == "data"), None)
    rows = sheets[data_sheet] if data_sheet is not None else next(iter(sheets.values()), [])
    at_years = _year_row(rows)
    if not at_years:
        raise at.reject("format", "no row of years under a row of labels: not a VDAB export")
    labels = [_text(c) for c in rows[at_years - 1] if _text(c)]
    if data_sheet is not None:
        labels = ["Data", _text(rows[at_years][0]), *labels]
    return Sniffed(body, Fingerprint("header row", tuple(labels)), tuple(members))
