"""Deterministic generator of the embedded snapshot's Statbel, RSZ, VDAB and Eurostat files.

Each file is written in its publisher's own wire format:

- statbel_vat_enterprises: statbel/TF_VAT_NACE_EMPL_{year}.zip, pipe-separated TXT in a ZIP (real)
- statbel_vat_starters: statbel/bestat_vat_starters_stoppers.csv, be.STAT CSV export (real)
- rsz_establishments: rsz/rsz_vestigingen_nace_q4.xlsx, RSZ Excel table (modelled)
- vdab_job_seekers: vdab/arvastat_werkzoekendengraad_18_64.xlsx, Arvastat export (modelled)
- eurostat_employment_rate: eurostat/lfst_r_lfe2emprt.json, JSON-stat 2.0 (real BE21-BE24,
  the rest modelled)
- eurostat_gdp_per_inhabitant: eurostat/nama_10r_2gdp*.json, JSON-stat 2.0 (a real old vintage,
  a modelled current one)

Real figures come from `facts/` (published statistics, copied unchanged, see facts/README.md)
and are carried exactly, flagged official. Everything else is modelled and the manifest says
which series: RSZ and VDAB entirely; Eurostat's BE25, BE2 and BE24 after 2020; the current
Eurostat GDP vintage (NBB's B1QCAP from the embedded NBB file, rounded to EUR 100 as Eurostat
publishes it). The modelled series are calibrated so that the article's printed figures
(establishments with staff, job-seekers rate, employment rate, Table 1 and Figure 2) come out at
their printed value. The generator refuses to write files that miss one.

Run: `make snapshot` (or `python -m extract.snapshot_generator.other_publishers`);
`--verify` regenerates in memory and fails unless every committed file is byte-identical.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tools.snapshot_generator.paths import SNAPSHOT_DIR

FACTS_DIR = Path(__file__).with_name("facts")
RETRIEVED_AT = "2026-11-27T00:00:00Z"
ZIP_TIME = (2026, 11, 27, 0, 0, 0)
FLEMISH_PROVINCES = {  # REFNIS -> (NUTS, Dutch name, French name)
    10000: ("BE21", "Provincie Antwerpen", "Province d'Anvers"),
    20001: ("BE24", "Provincie Vlaams-Brabant", "Province du Brabant flamand"),
    30000: ("BE25", "Provincie West-Vlaanderen", "Province de Flandre occidentale"),
    40000: ("BE23", "Provincie Oost-Vlaanderen", "Province de Flandre orientale"),
    70000: ("BE22", "Provincie Limburg", "Province de Limbourg"),
}
OTHER_PROVINCES = {
    20002: ("Provincie Waals-Brabant", "Province du Brabant wallon"),
    50000: ("Provincie Henegouwen", "Province du Hainaut"),
    60000: ("Provincie Luik", "Province de Liège"),
    80000: ("Provincie Luxemburg", "Province du Luxembourg"),
    90000: ("Provincie Namen", "Province de Namur"),
}
PROVINCE_NAMES = {k: v[1:] for k, v in FLEMISH_PROVINCES.items()} | OTHER_PROVINCES
NACE_SECTIONS = {  # NACE-BEL 2008 sections: Dutch, French
    "A": ("Landbouw, bosbouw en visserij", "Agriculture, sylviculture et pêche"),
    "B": ("Winning van delfstoffen", "Industries extractives"),
    "C": ("Industrie", "Industrie manufacturière"),
    "D": ("Productie en distributie van elektriciteit, gas, stoom en gekoelde lucht",
          "Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné"),
    "E": ("Distributie van water; afval- en afvalwaterbeheer en sanering",
          "Production et distribution d'eau; assainissement, gestion des déchets et dépollution"),
    "F": ("Bouwnijverheid", "Construction"),
    "G": ("Groot- en detailhandel; reparatie van auto's en motorfietsen",
          "Commerce de gros et de détail; réparation d'automobiles et de motocycles"),
    "H": ("Vervoer en opslag", "Transports et entreposage"),
    "I": ("Verschaffen van accommodatie en maaltijden", "Hébergement et restauration"),
    "J": ("Informatie en communicatie", "Information et communication"),
    "K": ("Financiële activiteiten en verzekeringen", "Activités financières et d'assurance"),
    "L": ("Exploitatie van en handel in onroerend goed", "Activités immobilières"),
    "M": ("Vrije beroepen en wetenschappelijke en technische activiteiten",
          "Activités spécialisées, scientifiques et techniques"),
    "N": ("Administratieve en ondersteunende diensten",
          "Activités de services administratifs et de soutien"),
    "O": ("Openbaar bestuur en defensie; verplichte sociale verzekeringen",
          "Administration publique et défense; sécurité sociale obligatoire"),
    "P": ("Onderwijs", "Enseignement"),
    "Q": ("Menselijke gezondheidszorg en maatschappelijke dienstverlening",
          "Santé humaine et action sociale"),
    "R": ("Kunst, amusement en recreatie", "Arts, spectacles et activités récréatives"),
    "S": ("Overige diensten", "Autres activités de services"),
    "T": ("Huishoudens als werkgever", "Activités des ménages en tant qu'employeurs"),
    "U": ("Extraterritoriale organisaties en lichamen",
          "Activités des organisations et organismes extraterritoriaux"),
    "X": ("Onbekende activiteit", "Activité inconnue"),
    "ALL": ("Totaal", "Total"),
}  # fmt: skip
EMPLOYER_CLASSES = {
    "00": ("Geen werknemers", "Pas de salariés"),
    "01": ("1 tot 4 werknemers", "1 à 4 salariés"),
    "02": ("5 tot 9 werknemers", "5 à 9 salariés"),
    "03": ("10 tot 19 werknemers", "10 à 19 salariés"),
    "04": ("20 tot 49 werknemers", "20 à 49 salariés"),
    "05": ("50 tot 99 werknemers", "50 à 99 salariés"),
    "06": ("100 tot 199 werknemers", "100 à 199 salariés"),
    "07": ("200 tot 249 werknemers", "200 à 249 salariés"),
    "08": ("250 tot 499 werknemers", "250 à 499 salariés"),
    "09": ("500 tot 999 werknemers", "500 à 999 salariés"),
    "10": ("1000 tot 1999 werknemers", "1000 à 1999 salariés"),
    "11": ("2000 tot 2999 werknemers", "2000 à 2999 salariés"),
    "12": ("3000 tot 3999 werknemers", "3000 à 3999 salariés"),
    "13": ("4000 tot 4999 werknemers", "4000 à 4999 salariés"),
    "14": ("5000 tot 9999 werknemers", "5000 à 9999 salariés"),
    "15": ("10000 werknemers en meer", "10000 salariés et plus"),
}

STATBEL_VAT_COLUMNS = [
    "CD_YEAR",
    "CD_PROV_REFNIS",
    "TX_PROV_DESCR_NL",
    "TX_PROV_DESCR_FR",
    "CD_NACE",
    "TX_NACE_NL",
    "TX_NACE_FR",
    "CD_NIS_STAT_UNT_CLS",
    "TX_NIS_STAT_UNT_CLS_NL",
    "TX_NIS_STAT_UNT_CLS_FR",
    "MS_NUM_VAT",
]
BESTAT_COLUMNS = [
    "CD_YEAR",
    "CD_PROV_REFNIS",
    "TX_PROV_DESCR_NL",
    "CD_NACE",
    "TX_NACE_NL",
    "MS_NUM_VAT_START",
    "MS_NUM_VAT_STOP",
    "CD_OBS_STATUS",
]
RSZ_HEADER = [
    "Jaar",
    "Kwartaal",
    "NIS-code",
    "Gewest / provincie",
    "NACE-sectie",
    "Omschrijving NACE-sectie",
    "Aantal vestigingseenheden",
]
VDAB_HEADER = [
    "Jaar",
    "NIS-code",
    "Regio",
    "Werkzoekenden zonder werk 18-64 (jaargemiddelde)",
    "Werkenden 18-64 (jaargemiddelde)",
    "Beroepsbevolking 18-64: werkenden + werkzoekenden zonder werk (jaargemiddelde)",
]
FLEMISH_REGION_REFNIS = 2000
REGION_NAME = "Vlaams Gewest"
STATUS_PROVISIONAL = "P"


# --- deterministic helpers ----------------------------------------------------------------


def noise(*key: object, scale: float) -> float:
    """Deterministic pseudo-noise in [-scale, scale] (no global RNG state)."""
    h = zlib.crc32("|".join(map(str, key)).encode()) / 0xFFFFFFFF
    return scale * (2.0 * h - 1.0)


def round_preserving_sum(weights: list[float], total: int) -> list[int]:
    """Integers proportional to `weights` that add up to `total` exactly (largest remainder)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(x // 1) for x in raw]
    rest = total - sum(out)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[:rest]:
        out[i] += 1
    return out


def anchored_path(years: range, anchors: dict[int, float]) -> dict[int, float]:
    """Geometric interpolation between anchors, flat growth extrapolated at the ends."""
    pts = sorted(anchors.items())
    out = {}
    for y in years:
        if y <= pts[0][0]:
            (y0, v0), (y1, v1) = pts[0], pts[1]
        elif y >= pts[-1][0]:
            (y0, v0), (y1, v1) = pts[-2], pts[-1]
        else:
            (y0, v0), (y1, v1) = next(
                (pts[i], pts[i + 1]) for i in range(len(pts) - 1) if pts[i][0] <= y <= pts[i + 1][0]
            )
        out[y] = v0 * (v1 / v0) ** ((y - y0) / (y1 - y0))
    return out


def zip_bytes(name: str, payload: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        archive.writestr(info, payload, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buffer.getvalue()


def xlsx_bytes(sheet_title: str, title_rows: list[list[object]], rows: list[list[object]]) -> bytes:
    """A one-sheet workbook, byte-identical run to run (fixed document times)."""
    from datetime import datetime

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title
    for row in title_rows:
        ws.append(row)
    for row in rows:
        ws.append(row)
    fixed = datetime(*ZIP_TIME)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "limburg-warehouse snapshot generator"
    buffer = io.BytesIO()
    wb.save(buffer)
    # openpyxl stamps the zip members with the current time: rewrite them with a fixed one.
    src = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = _fix_core_times(data, fixed)
            info = zipfile.ZipInfo(item.filename, date_time=ZIP_TIME)
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def _fix_core_times(data: bytes, fixed) -> bytes:
    import re

    stamp = fixed.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(
        rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + stamp + rb"\3", data
    )


def csv_text(rows: list[list[object]], delimiter: str, header: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def read_facts(name: str) -> list[dict[str, str]]:
    with (FACTS_DIR / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- output bookkeeping -------------------------------------------------------------------


@dataclass
class Output:
    source_id: str
    path: str
    format: str
    url: str
    payload: bytes
    licence: str
    attribution: str
    modelled_series: list[str]
    modelled_reason: str = ""
    retrieved_at: str = RETRIEVED_AT
    note: str = ""

    def manifest_entry(self) -> dict:
        entry = {
            "source_id": self.source_id,
            "path": self.path,
            "format": self.format,
            "url": self.url,
            "retrieved_at": self.retrieved_at,
            "sha256": hashlib.sha256(self.payload).hexdigest(),
            "bytes": len(self.payload),
            "licence": self.licence,
            "attribution": self.attribution,
            "modelled_series": self.modelled_series,
        }
        if self.modelled_reason:
            entry["modelled_reason"] = self.modelled_reason
        if self.note:
            entry["note"] = self.note
        entry["generator"] = "extract/snapshot_generator/other_publishers.py"
        return entry


@dataclass
class Calibration:
    """Printed figure -> generated value, checked before anything is written."""

    rows: list[tuple[str, float, float, float]] = field(default_factory=list)

    def check(self, figure_id: str, printed: float, generated: float, tolerance: float) -> None:
        self.rows.append((figure_id, printed, generated, tolerance))

    @property
    def misses(self) -> list[tuple[str, float, float, float]]:
        return [r for r in self.rows if abs(r[2] - r[1]) > r[3] + 1e-9]


STATBEL_LICENCE = "CC BY 4.0"
EUROSTAT_LICENCE = "Eurostat reuse policy (Commission Decision 2011/833/EU), CC BY 4.0"


# --- Statbel: VAT-liable enterprises (real) -----------------------------------------------


def statbel_vat_enterprises(cal: Calibration) -> list[Output]:
    facts = read_facts("statbel_vat_enterprises_by_province.csv")
    by_year: dict[int, list[dict[str, str]]] = {}
    for row in facts:
        by_year.setdefault(int(row["year"]), []).append(row)
    outputs = []
    for year in sorted(by_year):
        rows = []
        for r in by_year[year]:
            refnis = int(r["refnis_province"])
            nl, fr = PROVINCE_NAMES[refnis]
            cls = r["employer_class"]
            section = r["nace_section"]
            rows.append(
                [
                    year,
                    refnis,
                    nl,
                    fr,
                    section,
                    *NACE_SECTIONS[section],
                    cls,
                    *EMPLOYER_CLASSES[cls],
                    int(r["vat_enterprises"]),
                ]
            )
        text = csv_text(rows, "|", STATBEL_VAT_COLUMNS)
        name = f"TF_VAT_NACE_EMPL_{year}"
        outputs.append(
            Output(
                source_id="statbel_vat_enterprises",
                path=f"statbel/{name}.zip",
                format="statbel-txt-zip",
                url="https://statbel.fgov.be/sites/default/files/files/opendata/btw-plichtige/"
                f"werknemersklasse/{name}.zip",
                payload=zip_bytes(f"{name}.txt", text),
                licence=STATBEL_LICENCE,
                attribution="Source: Statbel",
                modelled_series=[],
                note="Published figures, aggregated from districts (CD_ADM_DSTR_REFNIS) to "
                "provinces (CD_PROV_REFNIS) in Statbel's own layout. 2022 is not in the extract.",
            )
        )

    def total(refnis: set[int], section: str, year: int) -> int:
        return sum(
            int(r["vat_enterprises"])
            for r in facts
            if int(r["year"]) == year and int(r["refnis_province"]) in refnis
            and r["nace_section"] == section
        )  # fmt: skip

    flemish = set(FLEMISH_PROVINCES)
    for section, code in (("ALL", "TOTAL"), ("C", "C")):
        a, b = total({70000}, section, 2013), total({70000}, section, 2023)
        fa, fb = total(flemish, section, 2013), total(flemish, section, 2023)
        cal.check(
            f"T1.vat_enterprises.{code}.2013", _printed(f"T1.vat_enterprises.{code}.2013"), a, 0.5
        )
        cal.check(
            f"T1.vat_enterprises.{code}.2023", _printed(f"T1.vat_enterprises.{code}.2023"), b, 0.5
        )
        cal.check(
            f"T1.vat_enterprises.{code}.change_pct.BE2",
            _printed(f"T1.vat_enterprises.{code}.change_pct.BE2"),
            100 * (fb / fa - 1),
            0.05,
        )
    return outputs


# --- Statbel: VAT starters and stoppers (real, be.STAT) ------------------------------------


def statbel_vat_starters(cal: Calibration) -> list[Output]:
    facts = read_facts("statbel_vat_starters_stoppers_by_province.csv")
    rows = []
    for r in facts:
        refnis = int(r["refnis_province"])
        section = r["nace_section"]
        rows.append(
            [
                int(r["year"]),
                refnis,
                PROVINCE_NAMES[refnis][0],
                section,
                NACE_SECTIONS[section][0],
                int(r["starters"]),
                int(r["stoppers"]),
                STATUS_PROVISIONAL if r["provisional"] == "1" else "",
            ]
        )
    payload = b"\xef\xbb\xbf" + csv_text(rows, ";", BESTAT_COLUMNS)

    def starters(refnis: set[int], year: int) -> int:
        return sum(
            int(r["starters"])
            for r in facts
            if int(r["year"]) == year and int(r["refnis_province"]) in refnis
            and r["nace_section"] == "ALL"
        )  # fmt: skip

    for region, refnis in (("", {70000}), (".BE2", set(FLEMISH_PROVINCES))):
        for a, b in ((2013, 2018), (2018, 2023)):
            fid = f"X.vat_starters_growth.{a}-{b}{region}"
            cagr = 100 * ((starters(refnis, b) / starters(refnis, a)) ** (1 / (b - a)) - 1)
            cal.check(fid, _printed(fid), cagr, 0.05)
    return [
        Output(
            source_id="statbel_vat_starters",
            path="statbel/bestat_vat_starters_stoppers.csv",
            format="be-stat-csv",
            url="https://bestat.statbel.fgov.be/bestat/",
            payload=payload,
            licence=STATBEL_LICENCE,
            attribution="Source: Statbel",
            modelled_series=[],
            note="Published figures (be.STAT export). 2025 is provisional (CD_OBS_STATUS P): "
            "estimated from monthly totals, its sections do not add up to the total.",
        )
    ]


# --- printed figures ----------------------------------------------------------------------

_PRINTED: dict[str, float] = {}


def _printed(figure_id: str) -> float:
    if not _PRINTED:
        from tools.snapshot_generator.paths import DBT_PROJECT_DIR

        path = DBT_PROJECT_DIR / "seeds" / "ref_article_figures.csv"
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                _PRINTED[row["figure_id"]] = float(row["value"])
    return _PRINTED[figure_id]


# --- RSZ: establishments with staff (modelled) ---------------------------------------------

RSZ_YEARS = range(2008, 2025)
# Share of each section in a province's establishments with staff (C is set separately).
RSZ_SECTION_WEIGHTS = {
    "A": 2.2, "B": 0.1, "D": 0.15, "E": 0.5, "F": 11.5, "G": 24.0, "H": 4.2, "I": 10.5,
    "J": 2.6, "K": 2.4, "L": 1.8, "M": 8.5, "N": 4.3, "O": 1.6, "P": 3.2, "Q": 9.0,
    "R": 1.9, "S": 5.5, "T": 0.0, "U": 0.02,
}  # fmt: skip
# Other provinces' share of the Flemish Region less Limburg: TOTAL, C.
RSZ_PROVINCE_SHARES = {
    10000: (0.335, 0.34),
    20001: (0.205, 0.15),
    30000: (0.215, 0.26),
    40000: (0.245, 0.25),
}


def _rsz_paths() -> dict[tuple[str, str], dict[int, int]]:
    """(region, TOTAL|C) -> year -> establishments, with the article's anchors exact."""
    printed = {
        ("BE22", "TOTAL"): (
            _printed("T1.establishments_with_staff.TOTAL.2013"),
            _printed("T1.establishments_with_staff.TOTAL.2023"),
        ),
        ("BE22", "C"): (
            _printed("T1.establishments_with_staff.C.2013"),
            _printed("T1.establishments_with_staff.C.2023"),
        ),
    }
    # The Flemish Region: a plausible 2013 level, the article's 2013-2023 change exactly.
    be2_2013 = {"TOTAL": 160000, "C": 12000}
    for sector in ("TOTAL", "C"):
        pct = _printed(f"T1.establishments_with_staff.{sector}.change_pct.BE2")
        printed[("BE2", sector)] = (be2_2013[sector], be2_2013[sector] * (1 + pct / 100))
    out = {}
    for (region, sector), (v13, v23) in printed.items():
        # 2008-2013: slow growth through the crisis; manufacturing shrinks throughout.
        v08 = v13 / (1.012 if sector == "TOTAL" else 0.93)
        v24 = v23 * (1.004 if sector == "TOTAL" else 0.992)
        path = anchored_path(RSZ_YEARS, {2008: v08, 2013: v13, 2023: v23, 2024: v24})
        series = {}
        for year, value in path.items():
            if year not in (2013, 2023):
                value *= 1 + noise("rsz", region, sector, year, scale=0.002)
                if year in (2020, 2021) and sector == "TOTAL":
                    value *= 0.995  # COVID: fewer establishments with staff
            series[year] = round(value)
        out[(region, sector)] = series
    return out


def rsz_establishments(cal: Calibration) -> list[Output]:
    paths = _rsz_paths()
    rows = []
    cells: dict[tuple[int, int, str], int] = {}
    for year in RSZ_YEARS:
        totals, manuf = {}, {}
        totals[70000], manuf[70000] = paths[("BE22", "TOTAL")][year], paths[("BE22", "C")][year]
        rest_t = paths[("BE2", "TOTAL")][year] - totals[70000]
        rest_c = paths[("BE2", "C")][year] - manuf[70000]
        others = list(RSZ_PROVINCE_SHARES)
        for refnis, t in zip(
            others,
            round_preserving_sum(
                [
                    RSZ_PROVINCE_SHARES[p][0] * (1 + noise("rszp", p, year, scale=0.003))
                    for p in others
                ],
                rest_t,
            ),
            strict=True,
        ):
            totals[refnis] = t
        for refnis, c in zip(
            others,
            round_preserving_sum([RSZ_PROVINCE_SHARES[p][1] for p in others], rest_c),
            strict=True,
        ):
            manuf[refnis] = c
        for refnis in FLEMISH_PROVINCES:
            sections = list(RSZ_SECTION_WEIGHTS)
            weights = [
                RSZ_SECTION_WEIGHTS[s] * (1 + noise("rszs", refnis, s, year, scale=0.02))
                for s in sections
            ]
            split = round_preserving_sum(weights, totals[refnis] - manuf[refnis])
            values = dict(zip(sections, split, strict=True)) | {"C": manuf[refnis]}
            for section in sorted(values):
                cells[(year, refnis, section)] = values[section]
            cells[(year, refnis, "TOTAL")] = totals[refnis]
        for section in [*sorted(RSZ_SECTION_WEIGHTS.keys() | {"C"}), "TOTAL"]:
            cells[(year, FLEMISH_REGION_REFNIS, section)] = sum(
                cells[(year, p, section)] for p in FLEMISH_PROVINCES
            )
    region_names = {FLEMISH_REGION_REFNIS: REGION_NAME} | {
        k: v[1].replace("Provincie ", "Provincie ") for k, v in FLEMISH_PROVINCES.items()
    }
    for (year, refnis, section), value in sorted(
        cells.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] != "TOTAL", kv[0][2])
    ):
        label = "Totaal" if section == "TOTAL" else NACE_SECTIONS[section][0]
        rows.append([year, 4, f"{refnis:05d}", region_names[refnis], section, label, value])
    for sector in ("TOTAL", "C"):
        for year in (2013, 2023):
            fid = f"T1.establishments_with_staff.{sector}.{year}"
            cal.check(fid, _printed(fid), cells[(year, 70000, sector)], 0.5)
        fid = f"T1.establishments_with_staff.{sector}.change_pct.BE2"
        be2 = (
            cells[(2023, FLEMISH_REGION_REFNIS, sector)]
            / cells[(2013, FLEMISH_REGION_REFNIS, sector)]
        )
        cal.check(fid, _printed(fid), 100 * (be2 - 1), 0.05)
    title = [
        ["Gedecentraliseerde statistiek: vestigingseenheden met personeel naar plaats van "
         "tewerkstelling, gewest, provincie en NACE-sectie (NACE-BEL 2008), 4de kwartaal"],
        ["Bron: RSZ/ONSS, gedecentraliseerde statistieken"],
        [],
        RSZ_HEADER,
    ]  # fmt: skip
    return [
        Output(
            source_id="rsz_establishments",
            path="rsz/rsz_vestigingen_nace_q4.xlsx",
            format="rsz-xlsx",
            url="https://www.onss.be/nl/statistieken/publicaties/"
            "verdeling-van-de-arbeidsplaatsen-naar-plaats-van-tewerkstelling",
            payload=xlsx_bytes("Vestigingen Q4", title, rows),
            licence="RSZ/ONSS statistics - reuse with a clear mention of the source; "
            "processed figures as own processing",
            attribution="Source: RSZ/ONSS (own processing)",
            modelled_series=["*"],
            modelled_reason="Modelled, not official: RSZ's decentralised statistics are an Excel "
            "download the build machines cannot reach. Generated deterministically; Limburg's "
            "2013 and 2023 levels (TOTAL and C) and the Flemish 2013-2023 changes are the "
            "article's printed figures; provinces and sections add up to their totals exactly.",
        )
    ]


# --- VDAB: job seekers without work and the labour force 18-64 (modelled) -------------------

VDAB_YEARS = range(2012, 2025)
# The job-seekers rate (%) the model follows. Limburg: the article's printed points (2012, 2013,
# 2015, 2023, 2024) exactly; the Flemish Region: 2013-2023 change -2.0 and 2024 6.6 as printed.
VDAB_RATE = {
    "BE22": [8.4, 9.0, 9.2, 9.3, 8.9, 8.2, 7.3, 6.6, 7.0, 6.9, 6.0, 6.2, 6.3],
    "BE2": [7.9, 8.4, 8.6, 8.6, 8.3, 7.7, 7.0, 6.5, 7.0, 6.9, 6.2, 6.4, 6.6],
}
# Other provinces: rate relative to the Flemish Region (before the sum is matched).
VDAB_RELATIVE = {10000: 1.17, 20001: 0.82, 30000: 0.80, 40000: 0.97}
# Labour force 18-64 (employed + job seekers without work), 2012, and yearly growth.
VDAB_LABOUR_FORCE_2012 = {10000: 858000, 20001: 531000, 30000: 566000, 40000: 735000, 70000: 402000}
VDAB_LABOUR_FORCE_GROWTH = {10000: 0.006, 20001: 0.006, 30000: 0.003, 40000: 0.005, 70000: 0.005}


def vdab_job_seekers(cal: Calibration) -> list[Output]:
    rows = []
    for i, year in enumerate(VDAB_YEARS):
        force = {
            p: round(
                VDAB_LABOUR_FORCE_2012[p]
                * (1 + VDAB_LABOUR_FORCE_GROWTH[p]) ** i
                * (1 + noise("vdab", p, year, scale=0.001))
            )
            for p in FLEMISH_PROVINCES
        }
        flemish_force = sum(force.values())
        flemish_seekers = round(VDAB_RATE["BE2"][i] * flemish_force / 100)
        seekers = {70000: round(VDAB_RATE["BE22"][i] * force[70000] / 100)}
        others = list(VDAB_RELATIVE)
        weights = [
            VDAB_RELATIVE[p] * (1 + noise("vdabr", p, year, scale=0.02)) * force[p] for p in others
        ]
        for p, n in zip(
            others, round_preserving_sum(weights, flemish_seekers - seekers[70000]), strict=True
        ):
            seekers[p] = n
        regions = [(FLEMISH_REGION_REFNIS, REGION_NAME, flemish_seekers, flemish_force)]
        regions += [
            (p, FLEMISH_PROVINCES[p][1].removeprefix("Provincie "), seekers[p], force[p])
            for p in sorted(FLEMISH_PROVINCES)
        ]
        for refnis, name, n, f in regions:
            rows.append([year, f"{refnis:05d}", name, n, f - n, f])
            rate = 100 * n / f
            region = "BE2" if refnis == FLEMISH_REGION_REFNIS else None
            region = region or FLEMISH_PROVINCES[refnis][0]
            if region in VDAB_RATE:
                fid = f"model.job_seekers_rate.{region}.{year}"
                cal.check(fid, VDAB_RATE[region][i], rate, 0.005)
    title = [
        ["Arvastat - Werkzoekendengraad 18-64 jaar: werkzoekenden zonder werk (WZW) en "
         "beroepsbevolking, jaargemiddelden"],
        ["Bron: VDAB Arvastat; beroepsbevolking: Steunpunt Werk op basis van RSZ, RSVZ, VDAB"],
        [],
        VDAB_HEADER,
    ]  # fmt: skip
    # The rates the model follows equal the article's printed points.
    index = {year: i for i, year in enumerate(VDAB_YEARS)}
    for fid, region, year in (
        ("F2.job_seekers_rate.2012", "BE22", 2012),
        ("T1.job_seekers_rate.2013", "BE22", 2013),
        ("F2.job_seekers_rate.2015", "BE22", 2015),
        ("T1.job_seekers_rate.2023", "BE22", 2023),
        ("F2.job_seekers_rate.2024", "BE22", 2024),
        ("F2.job_seekers_rate.2024.BE2", "BE2", 2024),
    ):
        cal.check(fid, _printed(fid), VDAB_RATE[region][index[year]], 0.05)
    fid = "T1.job_seekers_rate.change.BE2"
    change = VDAB_RATE["BE2"][index[2023]] - VDAB_RATE["BE2"][index[2013]]
    cal.check(fid, _printed(fid), change, 0.05)
    return [
        Output(
            source_id="vdab_job_seekers",
            path="vdab/arvastat_werkzoekendengraad_18_64.xlsx",
            format="arvastat-xlsx",
            url="https://arvastat.vdab.be/",
            payload=xlsx_bytes("Werkzoekendengraad", title, rows),
            licence="VDAB Arvastat - reuse with mention of the source",
            attribution="Source: VDAB Arvastat",
            modelled_series=["*"],
            modelled_reason="Modelled, not official: Arvastat exports are made by hand and the "
            "build machines cannot reach VDAB. Generated deterministically so that the rate "
            "(job seekers without work / labour force) reproduces the article's printed points "
            "for Limburg and the Flemish Region; provinces add up to the Flemish Region exactly.",
        )
    ]


# --- Eurostat: JSON-stat 2.0 ---------------------------------------------------------------

GEO_LABELS = {
    "BE": "Belgium",
    "BE2": "Vlaams Gewest",
    "BE21": "Prov. Antwerpen",
    "BE22": "Prov. Limburg (BE)",
    "BE23": "Prov. Oost-Vlaanderen",
    "BE24": "Prov. Vlaams-Brabant",
    "BE25": "Prov. West-Vlaanderen",
}


def jsonstat(
    *,
    dataset: str,
    label: str,
    updated: str,
    dims: list[tuple[str, str, list[str], dict[str, str]]],
    values: dict[tuple[str, ...], float],
    status: dict[tuple[str, ...], str] | None = None,
) -> bytes:
    """A JSON-stat 2.0 dataset as Eurostat's dissemination API serves it: `value` keyed by the
    flat row-major index over the dimension sizes, absent cells left out."""
    ids = [d[0] for d in dims]
    sizes = [len(d[2]) for d in dims]
    position = [{code: i for i, code in enumerate(d[2])} for d in dims]

    def flat(key: tuple[str, ...]) -> int:
        index = 0
        for k, code in enumerate(key):
            index = index * sizes[k] + position[k][code]
        return index

    value = {str(flat(k)): v for k, v in sorted(values.items(), key=lambda kv: flat(kv[0]))}
    status_out = {
        str(flat(k)): s for k, s in sorted((status or {}).items(), key=lambda kv: flat(kv[0]))
    }
    document = {
        "version": "2.0",
        "class": "dataset",
        "label": label,
        "source": "ESTAT",
        "updated": updated,
        "value": value,
        "status": status_out,
        "id": ids,
        "size": sizes,
        "dimension": {
            dim_id: {
                "label": dim_label,
                "category": {
                    "index": {code: i for i, code in enumerate(codes)},
                    "label": {code: labels.get(code, code) for code in codes},
                },
            }
            for dim_id, dim_label, codes, labels in dims
        },
        "extension": {
            "lang": "EN",
            "id": dataset.upper(),
            "agencyId": "ESTAT",
            "version": "1.0",
            "datastructure": {"id": dataset.upper(), "agencyId": "ESTAT", "version": "1.0"},
            "annotation": [],
            "status": {
                "label": {
                    "b": "break in time series",
                    "p": "provisional",
                    "e": "estimated",
                    "u": "low reliability",
                }
            },
        },
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


EMPLOYMENT_YEARS = range(2000, 2026)
# Population 20-64 weights of the provinces in the Flemish Region (for the modelled BE2).
EMPLOYMENT_WEIGHTS = {"BE21": 0.285, "BE22": 0.13, "BE23": 0.235, "BE24": 0.175, "BE25": 0.175}
BE2_EMPLOYMENT_ANCHORS = {2013: None, 2023: None}  # filled from the printed figures


def eurostat_employment_rate(cal: Calibration) -> list[Output]:
    facts = read_facts("eurostat_employment_rate_20_64_nuts2.csv")
    real = {(r["geo"], int(r["year"])): float(r["value"]) for r in facts}
    values = dict(real)
    modelled_cells: list[str] = []
    # BE24 after 2020: its 2020 level moved with the mean change of BE21-BE23.
    last = max(y for g, y in real if g == "BE24")
    for year in EMPLOYMENT_YEARS:
        if year > last:
            drift = sum(real[(g, year)] - real[(g, last)] for g in ("BE21", "BE22", "BE23")) / 3
            values[("BE24", year)] = round(real[("BE24", last)] + drift, 1)
            modelled_cells.append(f"*.BE24.{year}")
    # BE25 tracks Oost-Vlaanderen plus a small margin. BE2 is the weighted provincial mean plus
    # a correction, interpolated linearly between 2013 and 2023 (constant outside), so that the
    # printed Flemish figures hold exactly (2013: 76.8 - 4.9 = 71.9; 2023: 76.8) and the series
    # stays smooth.
    be2_2023 = _printed("F2.employment_rate.2023.BE2")
    anchors = {2013: round(be2_2023 - _printed("T1.employment_rate.change.BE2"), 1), 2023: be2_2023}
    mean = {}
    for year in EMPLOYMENT_YEARS:
        values[("BE25", year)] = round(
            values[("BE23", year)] + 0.9 + noise("be25", year, scale=0.3), 1
        )
        mean[year] = sum(EMPLOYMENT_WEIGHTS[g] * values[(g, year)] for g in EMPLOYMENT_WEIGHTS)
    r13, r23 = (anchors[y] - mean[y] for y in (2013, 2023))
    for year in EMPLOYMENT_YEARS:
        share = min(1.0, max(0.0, (year - 2013) / 10))
        values[("BE2", year)] = round(mean[year] + r13 + share * (r23 - r13), 1)
    modelled_cells = ["*.BE2.*", "*.BE25.*", *modelled_cells]
    for fid, geo, year in (
        ("T1.employment_rate.2013", "BE22", 2013),
        ("F2.employment_rate.2014", "BE22", 2014),
        ("F2.employment_rate.2015", "BE22", 2015),
        ("T1.employment_rate.2023", "BE22", 2023),
        ("F2.employment_rate.2024", "BE22", 2024),
        ("F2.employment_rate.2023.BE2", "BE2", 2023),
    ):
        cal.check(fid, _printed(fid), values[(geo, year)], 0.05)
    fid = "T1.employment_rate.change.BE2"
    cal.check(fid, _printed(fid), values[("BE2", 2023)] - values[("BE2", 2013)], 0.05)
    fid = "T1.employment_rate.change"
    cal.check(fid, _printed(fid), values[("BE22", 2023)] - values[("BE22", 2013)], 0.05)
    geos = ["BE2", "BE21", "BE22", "BE23", "BE24", "BE25"]
    years = [str(y) for y in EMPLOYMENT_YEARS]
    cells = {
        ("A", "PC", "T", "Y20-64", geo, str(year)): value for (geo, year), value in values.items()
    }
    payload = jsonstat(
        dataset="lfst_r_lfe2emprt",
        label="Employment rates by sex, age and NUTS 2 region (%)",
        updated="2026-09-15T23:00:00+0200",
        dims=[
            ("freq", "Time frequency", ["A"], {"A": "Annual"}),
            ("unit", "Unit of measure", ["PC"], {"PC": "Percentage"}),
            ("sex", "Sex", ["T"], {"T": "Total"}),
            ("age", "Age class", ["Y20-64"], {"Y20-64": "From 20 to 64 years"}),
            ("geo", "Geopolitical entity (reporting)", geos, GEO_LABELS),
            ("time", "Time", years, {y: y for y in years}),
        ],
        values=cells,
    )
    return [
        Output(
            source_id="eurostat_employment_rate",
            path="eurostat/lfst_r_lfe2emprt.json",
            format="json-stat-2.0",
            url="https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data/"
            "lfst_r_lfe2emprt?format=JSON&lang=en&sex=T&age=Y20-64&unit=PC&geo=BE2&geo=BE21"
            "&geo=BE22&geo=BE23&geo=BE24&geo=BE25&sinceTimePeriod=2000",
            payload=payload,
            licence=EUROSTAT_LICENCE,
            attribution="Source: Eurostat",
            modelled_series=modelled_cells,
            modelled_reason="BE21-BE23 (2000-2025) and BE24 (2000-2020) are Eurostat's published "
            "values (vintage 2026-09-15), unchanged. Modelled, not official: BE2 and BE25 (not in "
            "the reference extract) and BE24 after 2020; BE2's 2013 and 2023 values are the "
            "article's printed Flemish figures.",
            retrieved_at="2026-09-15T00:00:00Z",
        )
    ]


def _nbb_gdp_per_inhabitant() -> dict[tuple[str, int], float]:
    """B1QCAP from the embedded NBB file: the current vintage's model shares NBB's level."""
    from extract.formats.sdmx_json import parse_sdmx_json

    path = SNAPSHOT_DIR / "nbb" / "BE2_DF_REGACA38_1.0.json"
    parsed = parse_sdmx_json(path.read_bytes(), source_id="nbb_regaca38", filename=path.name)
    nuts = {"000": "BE", "200": "BE2", "210": "BE21", "220": "BE22", "230": "BE23",
            "240": "BE24", "250": "BE25"}  # fmt: skip
    out = {}
    for rec in parsed.records():
        if rec["ITEM"] == "B1QCAP" and rec["BRANCH"] == "TOT" and rec["OBS_VALUE"] is not None:
            out[(nuts[rec["NUTS"]], int(rec["TIME_PERIOD"]))] = rec["OBS_VALUE"]
    return out


def eurostat_gdp_per_inhabitant(cal: Calibration) -> list[Output]:
    dims_common = [
        ("freq", "Time frequency", ["A"], {"A": "Annual"}),
        ("unit", "Unit of measure", ["EUR_HAB"], {"EUR_HAB": "Euro per inhabitant"}),
    ]
    url = (
        "https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data/nama_10r_2gdp"
        "?format=JSON&lang=en&unit=EUR_HAB&geo=BE&geo=BE2&geo=BE21&geo=BE22&geo=BE23&geo=BE24"
        "&geo=BE25&sinceTimePeriod={start}"
    )
    facts = read_facts("eurostat_gdp_per_inhabitant_old_vintage.csv")
    old = {(r["geo"], int(r["year"])): float(r["value"]) for r in facts}
    old_geos = sorted({g for g, _ in old}, key=lambda g: (len(g), g))
    old_years = [str(y) for y in sorted({y for _, y in old})]
    old_payload = jsonstat(
        dataset="nama_10r_2gdp",
        label="Gross domestic product (GDP) at current market prices by NUTS 2 regions",
        updated="2020-03-05T23:00:00+0100",
        dims=[
            *dims_common,
            ("geo", "Geopolitical entity (reporting)", old_geos, GEO_LABELS),
            ("time", "Time", old_years, {y: y for y in old_years}),
        ],
        values={("A", "EUR_HAB", g, str(y)): v for (g, y), v in old.items()},
    )
    nbb = _nbb_gdp_per_inhabitant()
    current = {key: round(value / 100) * 100 for key, value in nbb.items()}
    geos = ["BE", "BE2", "BE21", "BE22", "BE23", "BE24", "BE25"]
    geos = [g for g in geos if any(k[0] == g for k in current)]
    years = [str(y) for y in sorted({y for _, y in current})]
    current_payload = jsonstat(
        dataset="nama_10r_2gdp",
        label="Gross domestic product (GDP) at current market prices by NUTS 2 regions",
        updated="2026-03-10T23:00:00+0100",
        dims=[
            *dims_common,
            ("geo", "Geopolitical entity (reporting)", geos, GEO_LABELS),
            ("time", "Time", years, {y: y for y in years}),
        ],
        values={("A", "EUR_HAB", g, str(y)): v for (g, y), v in current.items()},
    )
    cal.check("model.gdp_per_inhabitant.old_vintage_rows", len(facts), len(old), 0)
    return [
        Output(
            source_id="eurostat_gdp_per_inhabitant",
            path="eurostat/nama_10r_2gdp_vintage_2020.json",
            format="json-stat-2.0",
            url=url.format(start="2000"),
            payload=old_payload,
            licence=EUROSTAT_LICENCE,
            attribution="Source: Eurostat",
            modelled_series=[],
            retrieved_at="2020-03-06T00:00:00Z",
            note="An older, real vintage (BE2 and BE22, 2000-2018), since revised. The reference "
            "extract does not date it: the retrieval date is set to the first release of 2018 "
            "regional GDP (March 2020).",
        ),
        Output(
            source_id="eurostat_gdp_per_inhabitant",
            path="eurostat/nama_10r_2gdp.json",
            format="json-stat-2.0",
            url=url.format(start="2003"),
            payload=current_payload,
            licence=EUROSTAT_LICENCE,
            attribution="Source: Eurostat",
            modelled_series=["*"],
            modelled_reason="Modelled, not official: the current vintage is NBB's modelled "
            "B1QCAP of the embedded NBB file, rounded to EUR 100 as Eurostat publishes it.",
        ),
    ]


GENERATORS: list[Callable[[Calibration], list[Output]]] = [
    statbel_vat_enterprises,
    statbel_vat_starters,
    rsz_establishments,
    vdab_job_seekers,
    eurostat_employment_rate,
    eurostat_gdp_per_inhabitant,
]


def build() -> tuple[list[Output], Calibration]:
    cal = Calibration()
    outputs: list[Output] = []
    for generate in GENERATORS:
        outputs += generate(cal)
    return outputs, cal


def write_manifest(outputs: list[Output], snapshot_dir: Path) -> None:
    path = snapshot_dir / "manifest.json"
    manifest = {"snapshot_id": "limburg-embedded-snapshot", "files": []}
    if path.exists():
        manifest.update(json.loads(path.read_text(encoding="utf-8")))
    ours = {o.source_id for o in outputs}
    files = [f for f in manifest["files"] if f["source_id"] not in ours]
    files += [o.manifest_entry() for o in outputs]
    manifest["files"] = sorted(files, key=lambda f: (f["source_id"], f["path"]))
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshot-dir", type=Path, default=SNAPSHOT_DIR)
    parser.add_argument(
        "--verify",
        action="store_true",
        help="regenerate in memory and fail unless every committed file is byte-identical",
    )
    args = parser.parse_args(argv)
    outputs, cal = build()
    for figure_id, printed, generated, tolerance in cal.rows:
        ok = abs(generated - printed) <= tolerance + 1e-9
        print(
            f"{'ok  ' if ok else 'MISS'} {figure_id:45s} printed {printed:>10g}"
            f"  generated {generated:>12.3f}  (tolerance {tolerance:g})"
        )
    if cal.misses:
        print("refusing to write a snapshot that misses the article", file=sys.stderr)
        return 1
    if args.verify:
        bad = []
        for o in outputs:
            path = args.snapshot_dir / o.path
            if not path.exists() or path.read_bytes() != o.payload:
                bad.append(o.path)
        if bad:
            print(f"differ from the generator's output: {', '.join(bad)}", file=sys.stderr)
            return 1
        print(f"{len(outputs)} files are the generator's output, byte for byte")
        return 0
    for o in outputs:
        out = args.snapshot_dir / o.path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(o.payload)
        print(f"wrote {out} ({len(o.payload):,} bytes)")
    write_manifest(outputs, args.snapshot_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
