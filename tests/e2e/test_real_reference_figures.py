"""Every real figure of ../shared/reference/ equals its value in the embedded snapshot (parsed
by the extractors, as the publisher's file) and in the published marts, with the publisher's
status. One test per real file; each skips when ../shared is not beside the clone.

Read from ../shared, not from the generator's copy (tools/snapshot_generator/facts), so a copy
that drifted from the real statistics is caught too."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from extract.formats.json_stat import parse_json_stat
from extract.formats.vdab_xlsx import parse_vdab_job_seekers
from extract.snapshot import load_manifest
from tests.e2e.conftest import Refresh
from tests.fixtures.shared import shared_format_file, shared_reference_file
from warehouse.config import DataPaths

FACTS_DIR = Path(__file__).resolve().parents[2] / "tools" / "snapshot_generator" / "facts"
# NUTS 2021 codes of Limburg's arrondissements in the regions seed's NUTS 2016 spelling.
NUTS_2016 = {"BE224": "BE221", "BE225": "BE222"}
REFNIS_TO_NUTS = {10000: "BE21", 20001: "BE24", 30000: "BE25", 40000: "BE23", 70000: "BE22"}


@pytest.fixture(scope="module")
def published(good_run: Refresh, data_dir: Path):
    assert good_run.returncode == 0, good_run.describe()
    con = duckdb.connect(str(DataPaths(data_dir).published), read_only=True)
    yield con
    con.close()


def _rows(name: str) -> list[dict[str, str]]:
    with shared_reference_file(name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _snapshot_cells(path: str) -> dict[tuple[str, ...], tuple[float | None, str | None]]:
    """The cells of an embedded JSON-stat file: every dimension but freq and time, then time."""
    snapshot = load_manifest()
    (entry,) = [e for e in snapshot.entries() if e.path == path]
    parsed = parse_json_stat(snapshot.read_bytes(entry), source_id=entry.source_id, filename=path)
    out = {}
    for r in parsed.records():
        key = tuple(v for k, v in r.items() if k not in ("freq", "obs_value", "obs_status"))
        out[key] = (r["obs_value"], r["obs_status"])
    return out


def _number(text: str) -> float | None:
    """VDAB's special values ("-" no value, "x" hidden) read as no number."""
    return None if text in ("-", "x") else float(text)


def _regions(published: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in published.execute("SELECT region_code FROM marts.dim_region").fetchall()}


def test_the_generators_copies_are_the_real_files() -> None:
    copied = sorted(p.name for p in FACTS_DIR.glob("*.csv") if "2018_vintage_2026" not in p.name)
    assert len(copied) == 7
    for name in copied:
        real = shared_reference_file(name).read_bytes()
        assert (FACTS_DIR / name).read_bytes() == real, f"{name} differs from ../shared/reference"


def test_employment_rates_equal_eurostats_with_its_flags(published) -> None:
    real = _rows("eurostat_employment_rate_20_64_nuts2.csv")
    cells = _snapshot_cells("eurostat/lfst_r_lfe2emprt.json")
    mart = {
        (r[0], r[1]): (r[2], r[3])
        for r in published.execute(
            "SELECT region_code, year, value, obs_status FROM marts.fct_indicator_values "
            "WHERE indicator_id = 'employment_rate_20_64'"
        ).fetchall()
    }
    for r in real:
        geo, year, value, flag = r["geo"], int(r["year"]), float(r["value"]), r["flag"] or None
        assert cells[("PC", "T", "Y20-64", geo, str(year))] == (value, flag), (geo, year)
        status = "estimated" if flag == "e" else "official"
        assert mart[(geo, year)] == (value, status), (geo, year)
    assert len(real) == 130
    assert {g for (g, _), (_, s) in mart.items() if s == "modelled"} == {"BE2"}


def test_regional_gdp_equals_eurostats_and_nbb_rounds_to_it(published) -> None:
    real = _rows("eurostat_nama_10r_3gdp_flanders.csv")
    cells = _snapshot_cells("eurostat/nama_10r_3gdp.json")
    for r in real:
        key = (r["unit"], r["geo"], r["year"])
        assert cells[key] == (float(r["value"]), r["flag"] or None), key
    assert len(cells) == len(real)
    # in the marts: Eurostat's EUR_HAB beside NBB's B1QCAP, which rounds to it (BE, BE2, provinces)
    regions = _regions(published)
    rows = published.execute(
        "SELECT region_code, year, value, obs_status FROM marts.fct_indicator_values_all_sources "
        "WHERE indicator_id = 'gdp_per_inhabitant' AND source_id = 'eurostat_gdp_per_inhabitant' "
        "AND vintage = (SELECT max(vintage) FROM marts.fct_indicator_values_all_sources "
        "               WHERE source_id = 'eurostat_gdp_per_inhabitant')"
    ).fetchall()
    mart = {(g, y): (v, s) for g, y, v, s in rows}
    eur_hab = [r for r in real if r["unit"] == "EUR_HAB"]
    shown = [r for r in eur_hab if NUTS_2016.get(r["geo"], r["geo"]) in regions]
    assert len(shown) == 20 * 10  # BE, BE2, five provinces and Limburg's three arrondissements
    for r in shown:
        status = "provisional" if r["flag"] == "p" else "official"
        got = mart[(NUTS_2016.get(r["geo"], r["geo"]), int(r["year"]))]
        assert got == (float(r["value"]), status), r
    nbb = dict(
        ((g, y), v)
        for g, y, v in published.execute(
            "SELECT region_code, year, value FROM marts.fct_indicator_values "
            "WHERE indicator_id = 'gdp_per_inhabitant' AND source_id = 'nbb_regaca38'"
        ).fetchall()
    )
    for r in eur_hab:
        if (r["geo"], int(r["year"])) in nbb:
            assert abs(nbb[(r["geo"], int(r["year"]))] - float(r["value"])) < 50, r


def test_the_old_gdp_vintage_equals_eurostats(published) -> None:
    real = _rows("eurostat_gdp_per_inhabitant_old_vintage.csv")
    cells = _snapshot_cells("eurostat/nama_10r_2gdp_vintage_2020.json")
    mart = dict(
        ((g, y), v)
        for g, y, v in published.execute(
            "SELECT region_code, year, value FROM marts.fct_indicator_values_all_sources "
            "WHERE indicator_id = 'gdp_per_inhabitant' AND vintage = DATE '2020-03-06'"
        ).fetchall()
    )
    for r in real:
        value = float(r["value"])
        assert cells[("EUR_HAB", r["geo"], r["year"])] == (value, None), r
        assert mart[(r["geo"], int(r["year"]))] == value, r
    assert len(mart) == len(real)


def test_employment_equals_eurostats_in_both_vintages(published) -> None:
    real = _rows("eurostat_nama_10r_3empers_emp_flanders.csv")
    cells = _snapshot_cells("eurostat/nama_10r_3empers_vintage_2020.json")
    regions = _regions(published)
    mart = {
        (g, n, y): (v, s)
        for g, n, y, v, s in published.execute(
            "SELECT region_code, nace_group_code, year, employment, employment_status "
            "FROM marts.fct_employment_by_nace_group WHERE employment_vintage = DATE '2020-09-02'"
        ).fetchall()
    }
    for r in real:
        persons = float(r["value"])
        key = ("THS", "EMP", r["nace_r2"], r["geo"], r["year"])
        assert cells[key] == (persons / 1000, None), key
        if r["geo"] in regions:
            assert mart[(r["geo"], r["nace_r2"], int(r["year"]))] == (persons, "official"), r
    assert len(cells) == len(real) == 6720
    # the later vintage's 2018 cells: the real JSON-stat response, revised against the older
    new = _snapshot_cells("eurostat/nama_10r_3empers_2018.json")
    response = parse_json_stat(
        shared_format_file(
            "eurostat_jsonstat_2_0_response_nama_10r_3empers_2018.json"
        ).read_bytes(),
        source_id="eurostat",
        filename="response.json",
    )
    flemish = {
        (r["unit"], r["wstatus"], r["nace_r2"], r["geo"], r["time_period"]): r["obs_value"]
        for r in response.records()
        if r["geo"].startswith("BE2") and r["obs_value"] is not None
    }
    assert {k: v for k, (v, _) in new.items()} == flemish
    limburg = published.execute(
        "SELECT employment FROM marts.fct_employment_by_nace_group WHERE region_code = 'BE22' "
        "AND nace_group_code = 'TOTAL' AND year = 2018 ORDER BY employment_vintage"
    ).fetchall()
    assert limburg == [(354600.0,), (355100.0,)]  # a real revision, both kept


def test_vdab_municipal_figures_and_the_derived_province_rates(published) -> None:
    real = _rows("vdab_job_seekers_by_municipality.csv")
    snapshot = load_manifest()
    entries = snapshot.entries("vdab_job_seekers")
    (entry,) = [e for e in entries if "provincies_in_cijfers" in e.path]
    parsed = parse_vdab_job_seekers(
        snapshot.read_bytes(entry), source_id="vdab_job_seekers", filename=entry.path
    ).records()
    cells = {
        (r["region_name"], r["year"]): (r["job_seekers_without_work"], r["job_seekers_rate"])
        for r in parsed
    }
    for r in real:
        count = (
            None
            if r["job_seekers_without_work"] in ("-", "x")
            else float(r["job_seekers_without_work"])
        )
        rate = None if r["job_seekers_rate"] in ("-", "x") else float(r["job_seekers_rate"])
        assert cells[(r["municipality"], int(r["year"]))] == (count, rate), r
    assert len(cells) == len(real)
    mart = {
        (g, y): (v, s)
        for g, y, v, s in published.execute(
            "SELECT region_code, year, value, obs_status FROM marts.fct_indicator_values "
            "WHERE indicator_id = 'job_seekers_rate_18_64' AND year >= 2014"
        ).fetchall()
    }
    provinces = _rows("vdab_job_seekers_by_province.csv")
    assert len(provinces) == 66
    for r in provinces:
        value, status = mart[(r["geo"], int(r["year"]))]
        assert (round(value, 2), status) == (float(r["job_seekers_rate_pct_derived"]), "derived")


def test_statbel_starters_equal_the_published_counts(published) -> None:
    real = _rows("statbel_vat_starters_stoppers_by_province.csv")
    mart = {
        (g, s, y): (v, st)
        for g, s, y, v, st in published.execute(
            "SELECT region_code, sector_code, year, value, obs_status "
            "FROM marts.fct_indicator_values "
            "WHERE indicator_id = 'vat_starters' AND sector_code IN ('TOTAL', 'C')"
        ).fetchall()
    }
    checked = 0
    for r in real:
        region = REFNIS_TO_NUTS.get(int(r["refnis_province"]))
        if region is None or r["nace_section"] not in ("ALL", "C"):
            continue
        sector = "TOTAL" if r["nace_section"] == "ALL" else "C"
        status = "provisional" if r["provisional"] == "1" else "official"
        assert mart[(region, sector, int(r["year"]))] == (float(r["starters"]), status), r
        checked += 1
    assert checked == 5 * 2 * 18
