"""Eurostat's JSON-stat parser (a real Eurostat response from ../shared when it is there), and
what the embedded snapshot holds per format. The Statbel, RSZ and VDAB layouts have their own
modules (test_statbel_formats, test_rsz_format, test_vdab_formats)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.errors import SourceFormatError
from extract.formats.json_stat import parse_json_stat
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


def _error(parse, data: bytes, filename: str = "f") -> SourceFormatError:
    with pytest.raises(SourceFormatError) as info:
        parse(data, source_id="src", filename=filename)
    message = str(info.value)
    assert "'src'" in message and f"'{filename}'" in message
    return info.value


# --- Eurostat JSON-stat ---------------------------------------------------------------------


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
    flags = {(r["geo"], r["time_period"]): r["obs_status"] for r in parsed.records()}
    assert cells[("BE22", "2014")] == 69.1 and cells[("BE2", "2023")] == 76.8
    modelled = {
        (r["geo"], r["time_period"])
        for r, key in zip(parsed.records(), parsed.series_keys, strict=True)
        if entry.is_modelled(key)
    }
    # every province is Eurostat's; only the Flemish Region (NUTS 1, not in the file) is modelled
    assert {geo for geo, _ in modelled} == {"BE2"}
    # Eurostat's own flag travels with the published value: estimated, not modelled
    assert flags[("BE24", "2021")] == "e" and ("BE24", "2021") not in modelled
    assert flags[("BE24", "2020")] is None


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
        "be-stat",
        "rsz-xlsx",
        "vdab-xlsx",
        "json-stat-2.0",
    } <= formats
    assert (SNAPSHOT_DIR / "manifest.json").exists()


def test_real_figures_are_not_flagged_modelled() -> None:
    snap = load_manifest()
    for source in (
        "statbel_vat_enterprises",
        "statbel_vat_starters",
        "eurostat_gdp_per_inhabitant",
        "eurostat_employment_by_industry",
    ):
        assert all(e.modelled_series == () for e in snap.entries(source)), source
    assert all(e.modelled_series == ("*",) for e in snap.entries("rsz_establishments"))
    # VDAB: the real municipal export (2014-2024) and a modelled Arvastat export before it
    vdab = {e.path: e.modelled_series for e in snap.entries("vdab_job_seekers")}
    assert vdab == {
        "vdab/provincies_in_cijfers_werkloosheid_gemeenten.xlsx": (),
        "vdab/arvastat_werkzoekendengraad_18_64.xlsx": ("*",),
    }
    assert Path(SNAPSHOT_DIR / "statbel" / "TF_VAT_NACE_EMPL_2022.zip").exists() is False
