"""Parsers of the Statbel, RSZ, VDAB and Eurostat files: the committed snapshot files parse to
the published figures, and broken inputs (an HTML page, a truncated file, a renamed column)
fail with an error naming the source, the file and the problem."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from extract.errors import SourceFormatError
from extract.formats.arvastat_xlsx import parse_arvastat_job_seekers
from extract.formats.bestat_csv import parse_bestat_vat_starters
from extract.formats.json_stat import parse_json_stat
from extract.formats.rsz_xlsx import parse_rsz_establishments
from extract.formats.statbel_txt_zip import parse_statbel_vat_zip
from extract.paths import SNAPSHOT_DIR
from extract.snapshot import load_manifest
from warehouse.config import PROJECT_ROOT

HTML = b"<!DOCTYPE html><html><head><title>Access denied</title></head><body>no</body></html>"
JSON_STAT_NAME = "eurostat_jsonstat_2_0_response_nama_10r_3empers_2018.json"
# ../shared beside the clone (CI, main); a worktree sits one level deeper.
REAL_JSON_STAT = next(
    (
        root / "shared" / "reference" / "formats" / JSON_STAT_NAME
        for root in (PROJECT_ROOT.parent, PROJECT_ROOT.parent.parent)
        if (root / "shared" / "reference" / "formats" / JSON_STAT_NAME).exists()
    ),
    PROJECT_ROOT.parent / "shared" / "reference" / "formats" / JSON_STAT_NAME,
)


def _snapshot_bytes(path: str) -> bytes:
    snap = load_manifest()
    (entry,) = [e for e in snap.files if e.path == path]
    return snap.read_bytes(entry)


def _zip(name: str, text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Blad1"
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _error(parse, data: bytes, filename: str = "f") -> SourceFormatError:
    with pytest.raises(SourceFormatError) as info:
        parse(data, source_id="src", filename=filename)
    message = str(info.value)
    assert "'src'" in message and f"'{filename}'" in message
    return info.value


# --- Statbel VAT stock ----------------------------------------------------------------------

VAT_HEADER = (
    "CD_YEAR|CD_ADM_DSTR_REFNIS|TX_ADM_DSTR_DESCR_NL|CD_NACE|CD_NIS_STAT_UNT_CLS|MS_NUM_VAT"
)


def test_statbel_vat_zip_reads_the_snapshot_exactly() -> None:
    parsed = parse_statbel_vat_zip(
        _snapshot_bytes("statbel/TF_VAT_NACE_EMPL_2013.zip"),
        source_id="statbel_vat_enterprises",
        filename="TF_VAT_NACE_EMPL_2013.zip",
    )
    rows = parsed.records()
    limburg_all = sum(
        r["ms_num_vat"] for r in rows if r["cd_refnis"] == 70000 and r["cd_nace"] == "ALL"
    )
    limburg_c = sum(
        r["ms_num_vat"] for r in rows if r["cd_refnis"] == 70000 and r["cd_nace"] == "C"
    )
    assert (limburg_all, limburg_c) == (64070, 4345)  # the article's Table 1, to the unit
    assert {r["refnis_level"] for r in rows} == {"province"}
    assert {r["cd_year"] for r in rows} == {2013}


def test_statbel_vat_zip_reads_district_level_files() -> None:
    text = f"{VAT_HEADER}\n2023|23000|Halle-Vilvoorde|C|01|120\n2023|24000|Leuven|C|01|80\n"
    parsed = parse_statbel_vat_zip(
        _zip("TF_VAT_NACE_EMPL_2023.txt", text), source_id="s", filename="x.zip"
    )
    assert [(r["cd_refnis"], r["refnis_level"], r["ms_num_vat"]) for r in parsed.records()] == [
        (23000, "district", 120),
        (24000, "district", 80),
    ]


def test_statbel_vat_zip_takes_the_year_from_the_file_name() -> None:
    header = VAT_HEADER.replace("CD_YEAR|", "")
    parsed = parse_statbel_vat_zip(
        _zip("TF_VAT_NACE_EMPL_2019.txt", f"{header}\n71000|Hasselt|C|00|5\n"),
        source_id="s",
        filename="x.zip",
    )
    assert parsed.records()[0]["cd_year"] == 2019


def test_statbel_vat_zip_rejects_an_html_page() -> None:
    assert "got HTML" in _error(parse_statbel_vat_zip, HTML).problem


def test_statbel_vat_zip_rejects_a_truncated_archive() -> None:
    data = _snapshot_bytes("statbel/TF_VAT_NACE_EMPL_2013.zip")
    assert (
        "truncated or corrupt ZIP" in _error(parse_statbel_vat_zip, data[: len(data) // 2]).problem
    )


def test_statbel_vat_zip_names_a_renamed_column() -> None:
    text = f"{VAT_HEADER.replace('MS_NUM_VAT', 'MS_VAT')}\n2023|71000|Hasselt|C|01|1\n"
    error = _error(parse_statbel_vat_zip, _zip("a.txt", text))
    assert "missing column(s) MS_NUM_VAT" in error.problem
    assert "MS_VAT" in error.problem


def test_statbel_vat_zip_names_a_truncated_last_line() -> None:
    text = f"{VAT_HEADER}\n2023|71000|Hasselt|C|01|1\n2023|71000|Hass"
    error = _error(parse_statbel_vat_zip, _zip("a.txt", text))
    assert error.location == "a.txt line 3"
    assert "truncated" in error.problem


def test_statbel_vat_zip_rejects_a_non_numeric_count() -> None:
    text = f"{VAT_HEADER}\n2023|71000|Hasselt|C|01|twelve\n"
    assert (
        "MS_NUM_VAT 'twelve' is not a whole number"
        in _error(parse_statbel_vat_zip, _zip("a.txt", text)).problem
    )


# --- Statbel VAT starters (be.STAT) ---------------------------------------------------------


def test_bestat_starters_read_the_snapshot_with_the_provisional_year() -> None:
    parsed = parse_bestat_vat_starters(
        _snapshot_bytes("statbel/bestat_vat_starters_stoppers.csv"),
        source_id="statbel_vat_starters",
        filename="bestat_vat_starters_stoppers.csv",
    )
    rows = parsed.records()
    limburg = {
        r["cd_year"]: r["ms_num_vat_start"]
        for r in rows
        if r["cd_refnis"] == 70000 and r["cd_nace"] == "ALL"
    }
    assert limburg[2013] > 0 and min(limburg) == 2008 and max(limburg) == 2025
    cagr = 100 * ((limburg[2018] / limburg[2013]) ** (1 / 5) - 1)
    assert round(cagr, 1) == 9.2  # the article's starters growth 2013-2018
    assert {r["obs_status"] for r in rows if r["cd_year"] == 2025} == {"P"}
    assert {r["obs_status"] for r in rows if r["cd_year"] < 2025} == {None}


def test_bestat_starters_reject_an_html_page() -> None:
    assert "got HTML" in _error(parse_bestat_vat_starters, HTML).problem


def test_bestat_starters_name_a_renamed_column() -> None:
    data = b"CD_YEAR;CD_PROV_REFNIS;CD_NACE;STARTERS;MS_NUM_VAT_STOP\n2020;70000;ALL;10;5\n"
    error = _error(parse_bestat_vat_starters, data)
    assert "missing column(s) MS_NUM_VAT_START" in error.problem


def test_bestat_starters_name_a_truncated_file() -> None:
    data = _snapshot_bytes("statbel/bestat_vat_starters_stoppers.csv")
    cut = data[: data.rindex(b";", 0, len(data) - 20)]
    error = _error(parse_bestat_vat_starters, cut)
    assert "truncated" in error.problem


def test_bestat_starters_reject_an_unknown_status() -> None:
    data = (
        b"CD_YEAR;CD_PROV_REFNIS;CD_NACE;MS_NUM_VAT_START;MS_NUM_VAT_STOP;CD_OBS_STATUS\n"
        b"2020;70000;ALL;10;5;Z\n"
    )
    assert "unknown CD_OBS_STATUS 'Z'" in _error(parse_bestat_vat_starters, data).problem


# --- RSZ ------------------------------------------------------------------------------------

RSZ_HEADER = [
    "Jaar",
    "Kwartaal",
    "NIS-code",
    "Gewest / provincie",
    "NACE-sectie",
    "Omschrijving",
    "Aantal vestigingseenheden",
]


def test_rsz_reads_the_snapshot() -> None:
    parsed = parse_rsz_establishments(
        _snapshot_bytes("rsz/rsz_vestigingen_nace_q4.xlsx"), source_id="rsz", filename="r.xlsx"
    )
    rows = {
        (r["year"], r["nis_code"], r["nace_section"]): r["establishments"] for r in parsed.records()
    }
    assert rows[(2013, "70000", "TOTAL")] == 20700
    assert rows[(2023, "70000", "C")] == 1636
    assert {r["quarter"] for r in parsed.records()} == {4}


def test_rsz_finds_the_header_below_title_rows() -> None:
    data = _xlsx([["Titel"], [], RSZ_HEADER, [2020, 4, "70000", "Limburg", "C", "Industrie", 1700]])
    (row,) = parse_rsz_establishments(data, source_id="s", filename="f").records()
    assert row == {
        "year": 2020,
        "quarter": 4,
        "nis_code": "70000",
        "region_name": "Limburg",
        "nace_section": "C",
        "establishments": 1700,
    }


def test_rsz_rejects_an_html_page() -> None:
    assert "got HTML" in _error(parse_rsz_establishments, HTML).problem


def test_rsz_rejects_a_truncated_workbook() -> None:
    data = _snapshot_bytes("rsz/rsz_vestigingen_nace_q4.xlsx")
    assert "truncated or corrupt ZIP" in _error(parse_rsz_establishments, data[:3000]).problem


def test_rsz_names_a_renamed_column() -> None:
    header = [c if c != "Aantal vestigingseenheden" else "Vestigingen" for c in RSZ_HEADER]
    data = _xlsx([["Titel"], header, [2020, 4, "70000", "Limburg", "C", "Industrie", 1700]])
    error = _error(parse_rsz_establishments, data)
    assert "missing column(s) Aantal vestigingseenheden" in error.problem
    assert error.location == "sheet 'Blad1' row 2"


def test_rsz_rejects_a_csv_file() -> None:
    assert (
        "does not start like a ZIP" in _error(parse_rsz_establishments, b"Jaar;Kwartaal\n").problem
    )


# --- VDAB Arvastat --------------------------------------------------------------------------

VDAB_HEADER = [
    "Jaar",
    "NIS-code",
    "Regio",
    "Werkzoekenden zonder werk 18-64 (jaargemiddelde)",
    "Beroepsbevolking 18-64 (jaargemiddelde)",
]


def test_arvastat_reads_numerator_and_denominator() -> None:
    parsed = parse_arvastat_job_seekers(
        _snapshot_bytes("vdab/arvastat_werkzoekendengraad_18_64.xlsx"),
        source_id="v",
        filename="a.xlsx",
    )
    rows = {(r["year"], r["nis_code"]): r for r in parsed.records()}
    limburg = rows[(2012, "70000")]
    assert round(100 * limburg["job_seekers_without_work"] / limburg["labour_force"], 1) == 8.4
    flanders = rows[(2024, "02000")]
    assert round(100 * flanders["job_seekers_without_work"] / flanders["labour_force"], 1) == 6.6


def test_arvastat_rejects_an_html_page() -> None:
    assert "got HTML" in _error(parse_arvastat_job_seekers, HTML).problem


def test_arvastat_rejects_a_truncated_workbook() -> None:
    data = _snapshot_bytes("vdab/arvastat_werkzoekendengraad_18_64.xlsx")
    assert "truncated or corrupt ZIP" in _error(parse_arvastat_job_seekers, data[:-200]).problem


def test_arvastat_names_a_renamed_column() -> None:
    header = [*VDAB_HEADER[:4], "Werkenden (jaargemiddelde)"]
    error = _error(parse_arvastat_job_seekers, _xlsx([header, [2020, "70000", "Limburg", 10, 100]]))
    assert "missing column(s) Beroepsbevolking" in error.problem


def test_arvastat_rejects_more_job_seekers_than_labour_force() -> None:
    data = _xlsx([VDAB_HEADER, [2020, "70000", "Limburg", 200, 100]])
    assert (
        "not a valid numerator and denominator" in _error(parse_arvastat_job_seekers, data).problem
    )


# --- Eurostat JSON-stat 2.0 -----------------------------------------------------------------


def _jsonstat(**overrides: object) -> dict:
    doc = {
        "version": "2.0",
        "class": "dataset",
        "id": ["unit", "geo", "time"],
        "size": [1, 2, 2],
        "dimension": {
            "unit": {"category": {"index": {"PC": 0}}},
            "geo": {"category": {"index": {"BE21": 0, "BE22": 1}}},
            "time": {"category": {"index": {"2013": 0, "2014": 1}}},
        },
        "value": {"0": 71.0, "1": 71.5, "2": 69.2, "3": 69.1},
        "status": {"3": "b"},
    }
    doc.update(overrides)
    return doc


def test_json_stat_resolves_the_flat_index() -> None:
    parsed = parse_json_stat(json.dumps(_jsonstat()).encode(), source_id="e", filename="e.json")
    assert parsed.records()[2] == {
        "unit": "PC",
        "geo": "BE22",
        "time_period": "2013",
        "obs_value": 69.2,
        "obs_status": None,
    }
    assert parsed.records()[3]["obs_status"] == "b"
    assert parsed.series_keys[3] == "PC.BE22.2014"


def test_json_stat_reads_the_snapshot_with_real_and_modelled_cells() -> None:
    snap = load_manifest()
    (entry,) = snap.entries("eurostat_employment_rate")
    parsed = parse_json_stat(snap.read_bytes(entry), source_id=entry.source_id, filename=entry.path)
    cells = {(r["geo"], r["time_period"]): r["obs_value"] for r in parsed.records()}
    assert cells[("BE22", "2014")] == 69.1 and cells[("BE2", "2023")] == 76.8
    modelled = {
        (r["geo"], r["time_period"])
        for r, key in zip(parsed.records(), parsed.series_keys, strict=True)
        if entry.is_modelled(key)
    }
    assert ("BE22", "2014") not in modelled and ("BE24", "2020") not in modelled
    assert {("BE2", "2023"), ("BE25", "2013"), ("BE24", "2021")} <= modelled


def test_json_stat_rejects_an_html_page() -> None:
    assert "got HTML" in _error(parse_json_stat, HTML).problem


def test_json_stat_names_a_truncated_file() -> None:
    data = json.dumps(_jsonstat()).encode()
    assert "truncated JSON" in _error(parse_json_stat, data[:-30]).problem


def test_json_stat_names_a_renamed_dimension() -> None:
    doc = _jsonstat(id=["unit", "nuts", "time"])
    doc["dimension"]["nuts"] = doc["dimension"].pop("geo")
    error = _error(parse_json_stat, json.dumps(doc).encode())
    assert "missing dimension(s) geo" in error.problem


def test_json_stat_rejects_an_index_out_of_range() -> None:
    doc = _jsonstat(value={"4": 1.0})
    assert "out of range" in _error(parse_json_stat, json.dumps(doc).encode()).problem


def test_json_stat_rejects_mismatched_sizes() -> None:
    doc = _jsonstat(size=[1, 3, 2])
    assert (
        "2 categories, but size says 3" in _error(parse_json_stat, json.dumps(doc).encode()).problem
    )


def test_json_stat_reports_an_api_error() -> None:
    data = json.dumps({"error": [{"status": 400, "label": "bad query"}]}).encode()
    assert "the API answered with an error" in _error(parse_json_stat, data).problem


@pytest.mark.skipif(not REAL_JSON_STAT.exists(), reason="../shared/reference/formats not present")
def test_json_stat_parses_a_real_eurostat_response() -> None:
    data = REAL_JSON_STAT.read_bytes()
    parsed = parse_json_stat(data, source_id="eurostat", filename=REAL_JSON_STAT.name)
    doc = json.loads(data)
    assert [c for c, _ in parsed.columns][:6] == [
        "freq",
        "unit",
        "wstatus",
        "nace_r2",
        "geo",
        "time_period",
    ]
    assert len(parsed) == len(set(doc["value"]) | set(doc["status"]))
    rows = parsed.records()
    first = doc["value"]["2850"]
    index = sorted(set(doc["value"]) | set(doc["status"]), key=int).index("2850")
    assert rows[index]["obs_value"] == first
    confidential = [r for r in rows if r["obs_status"] == "|C"]
    assert confidential and all(
        r["obs_value"] is None for r in confidential if r["obs_value"] is None
    )
    assert {r["time_period"] for r in rows} == {"2018"}
    # 2850 = nace index 1 (A) * 1630 + geo index 1220: the flat index decoded row-major.
    nace_codes = list(doc["dimension"]["nace_r2"]["category"]["index"])
    geo_codes = sorted(doc["dimension"]["geo"]["category"]["index"].items(), key=lambda kv: kv[1])
    assert rows[index]["nace_r2"] == nace_codes[2850 // 1630]
    assert rows[index]["geo"] == geo_codes[2850 % 1630][0]


def test_snapshot_files_exist_for_every_new_format() -> None:
    formats = {e.format for e in load_manifest().files}
    assert {
        "statbel-txt-zip",
        "be-stat-csv",
        "rsz-xlsx",
        "arvastat-xlsx",
        "json-stat-2.0",
    } <= formats
    assert (SNAPSHOT_DIR / "manifest.json").exists()


def test_real_figures_are_not_flagged_modelled() -> None:
    snap = load_manifest()
    for source in ("statbel_vat_enterprises", "statbel_vat_starters"):
        assert all(e.modelled_series == () for e in snap.entries(source)), source
    for source in ("rsz_establishments", "vdab_job_seekers"):
        assert all(e.modelled_series == ("*",) for e in snap.entries(source)), source
    assert Path(SNAPSHOT_DIR / "statbel" / "TF_VAT_NACE_EMPL_2022.zip").exists() is False
