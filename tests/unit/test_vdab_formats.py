"""VDAB's two Excel exports as published: Arvastat's Data sheet and a Provincies in Cijfers
export (the real one in ../shared when it is there). Fixtures: tests/fixtures (layout
evidence in its README)."""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest

from extract.errors import SourceFormatError
from extract.formats.vdab_xlsx import parse_vdab_job_seekers
from extract.snapshot import load_manifest
from tests.fixtures.publishers import ARVASTAT_ROWS, arvastat_file, pic_file
from tests.fixtures.shared import shared_format_file
from tools.publisher_layouts.vdab import PIC_RATE, arvastat_bytes, pic_bytes
from warehouse.config import DBT_PROJECT_DIR

PIC_EXPORT = "provincies_in_cijfers_export_werkloosheid_gemeenten.xlsx"


def _records(data: bytes, name: str = "export.xlsx") -> list[dict]:
    return parse_vdab_job_seekers(data, source_id="vdab", filename=name).records()


def _error(data: bytes, name: str = "export.xlsx") -> SourceFormatError:
    with pytest.raises(SourceFormatError) as info:
        parse_vdab_job_seekers(data, source_id="vdab", filename=name)
    assert "'vdab'" in str(info.value) and name in str(info.value)
    return info.value


# --- Arvastat -------------------------------------------------------------------------------


def test_arvastat_reads_both_measures_per_province_and_the_total() -> None:
    _, data = arvastat_file()
    rows = {(r["nis_code"], r["year"]): r for r in _records(data)}
    limburg = rows[("70000", 2024)]
    assert (limburg["job_seekers_without_work"], limburg["labour_force"]) == (26046, 413000)
    total = rows[("02000", 2023)]  # Totaal: VDAB covers the Flemish Region
    assert (total["region_name"], total["geo_level"]) == ("Totaal", "region")
    assert {r["layout"] for r in rows.values()} == {"arvastat"}


def test_arvastat_dash_is_a_suppressed_count_not_zero() -> None:
    rows = dict(ARVASTAT_ROWS, Limburg=([24000, "-", 26046], [410000, 411000, 413000]))
    _, data = arvastat_file(rows)
    (cell,) = [r for r in _records(data) if r["nis_code"] == "70000" and r["year"] == 2023]
    assert cell["job_seekers_without_work"] is None and cell["special_value"] == "-"


def test_arvastat_dash_in_a_total_is_refused() -> None:
    rows = dict(ARVASTAT_ROWS, Totaal=([177972, "-", 208915], [3100000, 3130000, 3175000]))
    _, data = arvastat_file(rows)
    error = _error(data)
    assert "a total shown as '-'" in error.problem and "row 8" in error.location


def test_arvastat_unknown_measure_and_province_are_named() -> None:
    data = arvastat_bytes(
        [2024], {"Limburg": ([1], [2])}, measure_labels=("Werkzoekenden", "Beroepsbevolking")
    )
    assert "unknown measure 'Werkzoekenden'" in _error(data).problem
    data = arvastat_bytes([2024], {"Limburgia": ([1], [2])})
    assert "'Limburgia' is not a Flemish province" in _error(data).problem


def test_arvastat_more_job_seekers_than_labour_force_is_refused() -> None:
    data = arvastat_bytes([2024], {"Limburg": ([500], [400])})
    assert "500 job seekers in a labour force of 400" in _error(data).problem


def _embedded(layout: str) -> list[dict]:
    snapshot = load_manifest()
    entries = [e for e in snapshot.entries("vdab_job_seekers") if layout in e.path]
    (entry,) = entries
    return _records(snapshot.read_bytes(entry), entry.published_name)


def test_the_embedded_arvastat_export_reads() -> None:
    rows = _embedded("arvastat")
    assert {r["year"] for r in rows} == {2012, 2013}  # modelled: before the real figures
    assert {r["nis_code"] for r in rows} == {"02000", "10000", "20001", "30000", "40000", "70000"}


def test_the_embedded_provincies_in_cijfers_export_reads() -> None:
    rows = _embedded("provincies_in_cijfers")
    assert {r["year"] for r in rows} == set(range(2014, 2025))
    assert {r["layout"] for r in rows} == {"pic"}
    by_key = {(r["region_name"], r["year"]): r for r in rows}
    # VDAB's figures as published (tools/snapshot_generator/facts)
    aalst = by_key[("Aalst", 2014)]
    assert (aalst["job_seekers_without_work"], aalst["job_seekers_rate"]) == (3749, 0.096)
    assert by_key[("Buiten Vlaanderen en Brussel", 2014)]["special_value"] == "-"


# --- Provincies in Cijfers ------------------------------------------------------------------


def test_pic_reads_count_and_rate_per_municipality() -> None:
    _, data = pic_file()
    rows = {(r["region_name"], r["year"]): r for r in _records(data)}
    genk = rows[("Genk", 2024)]
    assert (genk["job_seekers_without_work"], genk["job_seekers_rate"]) == (3520, 0.104)
    assert (genk["geo_level"], genk["nis_code"], genk["layout"]) == ("municipality", None, "pic")
    hidden = rows[("Herstappe", 2024)]
    assert hidden["job_seekers_without_work"] is None and hidden["special_value"] == "x"
    assert rows[("Niet te lokaliseren", 2023)]["special_value"] == "-"


def test_pic_a_renamed_indicator_is_named() -> None:
    data = pic_bytes([2024], {"Genk": ([0.1], [10])}, rate_label="werkzoekendengraad [%]")
    error = _error(data)
    assert PIC_RATE in error.problem and "'werkzoekendengraad [%]'" in error.problem


def test_pic_a_rate_in_percent_is_refused() -> None:
    data = pic_bytes([2024], {"Genk": ([10.4], [3520])})
    assert "not a fraction" in _error(data).problem


def test_the_real_provincies_in_cijfers_export_reads() -> None:
    """The real export (../shared): 285 municipalities and four other rows, 2014-2024; summed
    per province through the refnis_municipalities seed, Limburg's 2015 rate is 9.3."""
    data = shared_format_file(PIC_EXPORT).read_bytes()
    rows = _records(data, PIC_EXPORT)
    assert len({r["region_name"] for r in rows}) == 289
    assert {r["year"] for r in rows} == set(range(2014, 2025))
    seed = DBT_PROJECT_DIR / "seeds" / "refnis_municipalities.csv"
    with seed.open(encoding="utf-8") as fh:
        province = {r["name_nl"]: r["province_region_code"] for r in csv.DictReader(fh)}
    names = {r["region_name"] for r in rows}
    assert set(province) <= names and len(names - set(province)) == 4  # the non-municipal rows
    sums = defaultdict(lambda: [0.0, 0.0])
    for r in rows:
        count, rate = r["job_seekers_without_work"], r["job_seekers_rate"]
        if r["region_name"] in province and count is not None and rate:
            sums[(province[r["region_name"]], r["year"])][0] += count
            sums[(province[r["region_name"]], r["year"])][1] += count / rate
    seekers, force = sums[("BE22", 2015)]
    assert seekers == 36905 and round(100 * seekers / force, 1) == 9.3
