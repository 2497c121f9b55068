"""Statbel's be.STAT views, format `be-stat`: the view API's result
(`https://bestat.statbel.fgov.be/bestat/api/views/{view}/result/JSON`, or `/CSV`).

A view's result is keyed by its labels, not by codes: the JSON is an object whose `facts` list
holds one object per cell, e.g. {"Jaar": "2023", "Provincie": "Provincie Limburg",
"Sectie": "C Industrie", "Aantal oprichtingen": 412}; a dimension the cell totals over is null
(a null "Sectie" is all activities, a null "Gewest" all of Belgium). The CSV has the same labels
as its header. Statbel publishes VAT starters (first registrations) and stoppers as two views;
a file may hold either measure or both.

Labels are mapped to codes here: the section letter that starts a "Sectie" label, and the REFNIS
code of a region or province name. An unknown geography name is an error, never dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from extract.formats.belgian_regions import COUNTRY, region_by_name
from extract.formats.sniffing import (
    Fingerprint,
    Sniffed,
    Sniffing,
    delimited_fingerprint,
    json_document,
)
from extract.formats.statbel_txt_zip import split_rows
from extract.formats.tabular import Errors, ParsedTable, clip, decode_text, to_int

__all__ = ["CONTENT_TYPES", "STARTER_COLUMNS", "parse_bestat_vat_starters", "sniff"]

STARTER_COLUMNS = [
    ("cd_year", "INTEGER"),
    ("cd_refnis", "INTEGER"),
    ("refnis_level", "VARCHAR"),
    ("geography_label", "VARCHAR"),
    ("cd_nace", "VARCHAR"),
    ("nace_label", "VARCHAR"),
    ("ms_num_vat_start", "BIGINT"),
    ("ms_num_vat_stop", "BIGINT"),
]
YEAR = "Jaar"
SECTION = "Sectie"
# Geography labels, finest first: a cell takes the finest one that is not null.
GEOGRAPHY = ("Provincie", "Gewest", "Land")
MEASURES = {
    "ms_num_vat_start": re.compile(r"oprichting|primo", re.I),
    "ms_num_vat_stop": re.compile(r"schrapping|stopzetting", re.I),
}
_TOTAL_SECTIONS = {"alle economische activiteiten", "alle activiteiten", "totaal"}
_UNKNOWN_SECTION = "onbekende economische activiteit"
_SECTION_LABEL = re.compile(r"^([A-U])\s+\S")


def _geography(record: Mapping[str, Any], present: Sequence[str], where: str, err: Errors):
    """(REFNIS code, level, label) of a cell."""
    for column in present:
        label = record.get(column)
        if label is None or not str(label).strip():
            continue
        text = " ".join(str(label).split())
        found = region_by_name(text)
        if found is None:
            raise err(where, f"{column} {clip(text, 60)} is not a Belgian region or province")
        return found[0], found[1], text
    return COUNTRY, "country", None


def _section(label: Any, where: str, err: Errors) -> str:
    if label is None or not str(label).strip():
        return "ALL"
    text = " ".join(str(label).split())
    if text.lower() in _TOTAL_SECTIONS:
        return "ALL"
    if text.lower() == _UNKNOWN_SECTION:
        return "X"
    match = _SECTION_LABEL.match(text)
    if not match:
        raise err(where, f"Sectie {clip(text, 60)} does not start with a NACE section letter")
    return match.group(1)


def _count(value: Any, where: str, what: str, err: Errors) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    count = to_int(value, where, what, err)
    if count < 0:
        raise err(where, f"negative {what} {count}")
    return count


def _records(data: bytes, err: Errors) -> tuple[list[str], list[tuple[str, Mapping[str, Any]]]]:
    """(the labels, [(where, record)]) of a JSON or CSV result."""
    text = decode_text(data, "a be.STAT view result (JSON or CSV)", err)
    if text.lstrip().startswith(("{", "[")):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise err(f"line {exc.lineno}", f"invalid JSON: {exc.msg}") from None
        facts = doc.get("facts") if isinstance(doc, dict) else None
        if not isinstance(facts, list) or not all(isinstance(f, dict) for f in facts):
            raise err("", "a be.STAT JSON result has a 'facts' list of objects; this has none")
        labels = list(dict.fromkeys(k for f in facts for k in f))
        return labels, [(f"facts[{i}]", f) for i, f in enumerate(facts)]
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    if first.count(delimiter) == 0:
        raise err("line 1", f"not a CSV result: no separator in the first line {clip(first)}")
    table = split_rows(text, delimiter)
    header = [c.strip() for c in table[0]]
    records = []
    for n, cells in enumerate(table[1:], start=2):
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise err(f"line {n}", f"{len(cells)} fields, the header has {len(header)}")
        records.append(
            (f"line {n}", {h: (c.strip() or None) for h, c in zip(header, cells, strict=True)})
        )
    return header, records


def parse_bestat_vat_starters(data: bytes, *, source_id: str, filename: str) -> ParsedTable:
    """A be.STAT view of VAT starters and/or stoppers by year, geography and NACE section."""
    err = Errors(source_id, filename)
    labels, records = _records(data, err)
    measures = {
        column: next((label for label in labels if pattern.search(label)), None)
        for column, pattern in MEASURES.items()
    }
    missing = [YEAR] if YEAR not in labels else []
    missing += [SECTION] if SECTION not in labels else []
    if not any(measures.values()):
        missing.append("a measure 'Aantal oprichtingen' or 'Aantal schrappingen'")
    if missing:
        raise err("header", f"missing {', '.join(missing)}; the view has {', '.join(labels)}")
    present = [g for g in GEOGRAPHY if g in labels]
    rows: list[tuple[Any, ...]] = []
    keys: list[str] = []
    for where, record in records:
        year = to_int(record.get(YEAR), where, YEAR, err)
        refnis, level, geo_label = _geography(record, present, where, err)
        section = _section(record.get(SECTION), where, err)
        counts = [
            _count(record.get(label), where, label, err) if label else None
            for label in measures.values()
        ]
        if all(c is None for c in counts):
            continue  # an empty cell of the view
        rows.append((year, refnis, level, geo_label, section, record.get(SECTION), *counts))
        keys.append(f"{refnis}.{section}")
    if not rows:
        raise err("", "no cells with a value")
    return ParsedTable(source_id, filename, list(STARTER_COLUMNS), rows, keys)


CONTENT_TYPES = (
    "application/json",
    "text/json",
    "text/csv",
    "text/plain",
    "application/csv",
    "application/octet-stream",
)


def sniff(body: bytes, at: Sniffing) -> Sniffed:
    """The labels of the view are its schema."""
    head = body[:4096].decode("utf-8-sig", errors="replace").lstrip()
    if head.startswith(("{", "[")):
        doc = json_document(body, at)
        facts = doc.get("facts") if isinstance(doc, dict) else None
        if not isinstance(facts, list) or not facts:
            raise at.reject("format", "be.STAT JSON without a non-empty 'facts' list")
        labels = tuple(dict.fromkeys(k for f in facts if isinstance(f, dict) for k in f))
        return Sniffed(body, Fingerprint("columns", labels))
    first = head.split("\n", 1)[0]
    sep = max(";,\t", key=first.count)
    return Sniffed(body, delimited_fingerprint(body, at.name, sep, at))
