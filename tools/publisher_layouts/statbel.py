"""Statbel's open-data file TF_VAT_NACE_EMPL in its two layouts, and a be.STAT view result.

Minimal (2008-2021) and complete (from 2023) column lists as Statbel publishes them; neither
has a year column (the year is in the file's name). In the complete layout the text columns
(TX_*) are filled from the small tables below: enough for a file of the real shape, not
Statbel's full label sets.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tools.publisher_layouts.containers import workbook_bytes, zip_bytes

MINIMAL_COLUMNS = [
    "CD_REFNIS",
    "CD_NIS_STAT_UNT_CLS",
    "CD_NACE",
    "MS_NUM_VAT",
    "MS_NUM_VAT_START",
    "MS_NUM_VAT_STOP",
]
COMPLETE_COLUMNS = [
    "CD_NIS_STAT_UNT_CLS",
    *[f"TX_NIS_STAT_UNT_CLS_{lang}_LVL1" for lang in ("FR", "NL", "EN")],
    "CD_NACE",
    *[f"TX_NACE_{lang}_LVL{level}" for level in range(1, 6) for lang in ("FR", "NL", "EN")],
    "CD_ADM_DSTR_REFNIS",
    *[f"TX_ADM_DSTR_DESCR_{lang}" for lang in ("FR", "NL", "EN")],
    "CD_RGN_REFNIS",
    "CD_PROV_REFNIS",
    *[f"TX_PROV_DESCR_{lang}" for lang in ("FR", "NL", "EN")],
    *[f"TX_RGN_DESCR_{lang}" for lang in ("FR", "NL", "EN")],
    "MS_NUM_VAT",
    "MS_NUM_VAT_START",
    "MS_NUM_VAT_STOP",
]
EMPLOYER_CLASSES = {"00": "Geen werknemer", "01": "1-4 werknemers", "02": "5-9 werknemers"}
DISTRICTS = {  # REFNIS -> (name, province REFNIS, province name)
    11000: ("Arrondissement Antwerpen", 10000, "Provincie Antwerpen"),
    25000: ("Arrondissement Nijvel", 20002, "Provincie Waals-Brabant"),
    51000: ("Arrondissement Aat", 50000, "Provincie Henegouwen"),
    61000: ("Arrondissement Hoei", 60000, "Provincie Luik"),
    81000: ("Arrondissement Aarlen", 80000, "Provincie Luxemburg"),
    91000: ("Arrondissement Dinant", 90000, "Provincie Namen"),
    23000: ("Arrondissement Halle-Vilvoorde", 20001, "Provincie Vlaams-Brabant"),
    24000: ("Arrondissement Leuven", 20001, "Provincie Vlaams-Brabant"),
    31000: ("Arrondissement Brugge", 30000, "Provincie West-Vlaanderen"),
    44000: ("Arrondissement Gent", 40000, "Provincie Oost-Vlaanderen"),
    71000: ("Arrondissement Hasselt", 70000, "Provincie Limburg"),
    72000: ("Arrondissement Maaseik", 70000, "Provincie Limburg"),
    73000: ("Arrondissement Tongeren", 70000, "Provincie Limburg"),
}
NACE_LABELS = {  # 5-character NACE-BEL code -> labels of levels 1 (section) to 5
    "01110": ("A Landbouw, bosbouw en visserij", "Teelt van gewassen en veeteelt", "Teelt van "
              "eenjarige gewassen", "Teelt van granen en peulvruchten", "Teelt van granen"),
    "10711": ("C Industrie", "Vervaardiging van voedingsmiddelen", "Vervaardiging van "
              "bakkerijproducten", "Vervaardiging van brood en vers banketbakkerswerk",
              "Industriële bakkerijen"),
    "29100": ("C Industrie", "Vervaardiging van motorvoertuigen", "Vervaardiging van "
              "motorvoertuigen", "Vervaardiging van motorvoertuigen", "Vervaardiging van "
              "motorvoertuigen"),
    "4120X": ("F Bouwnijverheid", "Bouw van gebouwen", "Bouw van residentiële en niet-"
              "residentiële gebouwen", "Bouw van residentiële en niet-residentiële gebouwen",
              "Bouw van residentiële en niet-residentiële gebouwen"),
    "47111": ("G Groot- en detailhandel", "Detailhandel", "Detailhandel in niet-"
              "gespecialiseerde winkels", "Supermarkten", "Hypermarkten"),
    "62010": ("J Informatie en communicatie", "Ontwerpen en programmeren van computerprogramma's",
              "Ontwerpen en programmeren", "Ontwerpen en programmeren van computerprogramma's",
              "Ontwerpen en programmeren van computerprogramma's"),
}  # fmt: skip


@dataclass(frozen=True)
class VatCell:
    district: int
    employer_class: str
    nace: str
    vat: int
    starts: int | None = None
    stops: int | None = None


REGIONS = {2000: "Vlaams Gewest", 3000: "Waals Gewest"}


def _nace_labels(code: str) -> tuple[str, ...]:
    """Levels 1-5 of a code: the table's, else placeholders that name the code's parts."""
    if code in NACE_LABELS:
        return NACE_LABELS[code]
    return ("Onbekende economische activiteit",) * 5 if code.startswith("00") else (
        f"Sectie van afdeling {code[:2]}", f"Afdeling {code[:2]}", f"Groep {code[:3]}",
        f"Klasse {code[:4]}", f"Subklasse {code}",
    )  # fmt: skip


def _count(value: int | None) -> str:
    return "" if value is None else str(value)


def minimal_rows(cells: Iterable[VatCell]) -> list[list[str]]:
    rows = [list(MINIMAL_COLUMNS)]
    for c in cells:
        rows.append(
            [str(c.district), c.employer_class, c.nace, str(c.vat), _count(c.starts),
             _count(c.stops)]
        )  # fmt: skip
    return rows


def complete_rows(cells: Iterable[VatCell]) -> list[list[str]]:
    rows = [list(COMPLETE_COLUMNS)]
    for c in cells:
        district, province, province_name = DISTRICTS[c.district]
        region = 2000 if province in (10000, 20001, 30000, 40000, 70000) else 3000
        labels = _nace_labels(c.nace)
        cls = EMPLOYER_CLASSES.get(c.employer_class, c.employer_class)
        row = [c.employer_class, cls, cls, cls, c.nace]
        for label in labels:
            row += [label, label, label]
        row += [str(c.district), district, district, district, str(region), str(province)]
        row += [province_name] * 3 + [REGIONS[region]] * 3
        row += [str(c.vat), _count(c.starts), _count(c.stops)]
        rows.append(row)
    return rows


def pipe_text(rows: Sequence[Sequence[str]]) -> bytes:
    return ("\r\n".join("|".join(r) for r in rows) + "\r\n").encode("utf-8")


def vat_zip(member: str, rows: Sequence[Sequence[str]]) -> bytes:
    """A ZIP holding one pipe-separated TXT (`member`, e.g. TF_VAT_NACE_EMPL_2015.txt)."""
    return zip_bytes({member: pipe_text(rows)})


def vat_xlsx(sheet: str, rows: Sequence[Sequence[str]]) -> bytes:
    """The Excel variant (2023): the same columns on one sheet; counts as numbers."""
    typed = [rows[0]] + [
        [
            int(v) if v.isdigit() and name.startswith("MS_") else v
            for name, v in zip(rows[0], r, strict=True)
        ]
        for r in rows[1:]
    ]
    return workbook_bytes({sheet: typed})


def bestat_json(facts: Sequence[Mapping[str, object]]) -> bytes:
    """A be.STAT view result as the API's /result/JSON serves it: {"facts": [...]}, one object
    per cell keyed by the view's labels, null for a dimension the cell totals over."""
    return json.dumps({"facts": list(facts)}, ensure_ascii=False, indent=1).encode("utf-8")


def bestat_csv(facts: Sequence[Mapping[str, object]]) -> bytes:
    labels = list(dict.fromkeys(k for f in facts for k in f))
    lines = [";".join(labels)]
    for f in facts:
        lines.append(";".join("" if f.get(k) is None else str(f.get(k)) for k in labels))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
