"""`limwh refresh --live` end to end, against fake publishers on 127.0.0.1.

Same code as production; only the base URLs (and shorter timeouts) come from a config file.
The fakes serve real layouts: NBB.Stat's SDMX-JSON and Eurostat's JSON-stat (the embedded
snapshot's files), Statbel's yearly TF_VAT_NACE_EMPL files in both layouts and under their
real names, and be.STAT's starters view (tests/fixtures). The manual sources (RSZ, VDAB) have
an empty inbox: the embedded copy.
Runs in order on one data folder:
1. a good live run fetches, checks, stores and loads every source, and publishes;
2. a second run against the unchanged publishers stores no new raw file;
3. NBB's firewall answers HTTP 200 with an HTML page: the page is quarantined, the run uses
   the last good version, builds nothing (no input changed), exits 4 naming the source and the
   fault, and `limwh status --check` reports it; the published file is byte-identical;
4. a revised figure that breaks the checks (Limburg's 2021 employees no longer add up to the
   Flemish Region): exit 1, the published file byte-identical, the new raw version kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from extract import raw_store as rs
from extract.catalog import load_catalog
from extract.snapshot import load_manifest
from tests.e2e.conftest import Refresh, limwh
from tests.fake_publishers import (
    HTML_PAGE,
    FakePublishers,
    Reply,
    nbb_reply,
    nbb_revised,
    serve_fixtures,
    write_live_config,
)
from tests.fixtures.publishers import FIXTURE_CELL, STATBEL_FILES, statbel_province_totals
from warehouse.files import file_sha256

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def fake() -> Iterator[FakePublishers]:
    publishers = FakePublishers()
    yield publishers
    publishers.close()


@pytest.fixture(scope="module")
def live_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("live")


# Every catalog dataset but NBB's DF_REGACA10, which has no embedded file for a fake to serve
# (and no model reads it yet).
SOURCES = [d.id for d in load_catalog() if d.id != "nbb_regaca10"]
FETCHED = ("nbb_regaca38", "eurostat_employment_rate", "eurostat_gdp_per_inhabitant",
           "eurostat_employment_by_industry", "statbel_vat_enterprises",
           "statbel_vat_starters")  # fmt: skip
MANUAL = ("rsz_establishments", "vdab_job_seekers")


def refresh_live(live_dir: Path, fake: FakePublishers, env: dict[str, str]) -> Refresh:
    config = write_live_config(live_dir / "live.json", fake, sources=SOURCES)
    return limwh(
        "refresh", "--live", "--live-config", str(config), "--data-dir", str(live_dir / "data"),
        env=env,
    )  # fmt: skip


def figures(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "select * exclude (vintage, period) from marts.fct_indicator_values order by all"
        ).fetchall()
    finally:
        con.close()


def meta(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def runs(live_dir: Path, fake: FakePublishers, e2e_env: dict[str, str]) -> dict:
    data = live_dir / "data"
    published = data / "warehouse.duckdb"
    out: dict = {}

    serve_fixtures(fake)
    out["good"] = refresh_live(live_dir, fake, e2e_env)
    out["raw_after_good"] = [p.name for p in rs.raw_files(data / "raw")]
    out["sha_good"] = file_sha256(published) if published.exists() else None
    out["live_after_good"] = {s: len(rs.live_versions(data / "raw", s)) for s in FETCHED}
    out["figures_good"] = figures(published) if published.exists() else None

    out["again"] = refresh_live(live_dir, fake, e2e_env)
    out["raw_after_again"] = [p.name for p in rs.raw_files(data / "raw")]

    fake.script("nbb_regaca38", Reply(body=HTML_PAGE, content_type="text/html"))
    out["html"] = refresh_live(live_dir, fake, e2e_env)
    out["raw_after_html"] = [p.name for p in rs.raw_files(data / "raw")]
    out["figures_html"] = figures(published)
    out["status_after_html"] = limwh("status", "--check", "--data-dir", str(data), env=e2e_env)
    out["sha_before_revision"] = file_sha256(published)

    body, _, _ = nbb_revised(+5000.0, item="EMPLOY", nuts="220", branch="TOT", year="2021")
    fake.script("nbb_regaca38", nbb_reply(body=body))
    out["revised"] = refresh_live(live_dir, fake, e2e_env)
    out["sha_after_revision"] = file_sha256(published)
    out["raw_after_revision"] = [p.name for p in rs.raw_files(data / "raw")]
    out["nbb_after_revision"] = len(rs.live_versions(data / "raw", "nbb_regaca38"))
    out["published"] = published
    return out


def test_good_live_run_publishes(runs: dict) -> None:
    good = runs["good"]
    assert good.returncode == 0, good.describe()
    for source_id in FETCHED:
        assert f"{source_id} new" in good.stdout
    for source_id in MANUAL:  # nothing dropped into the inbox: the embedded copy, no fault
        assert f"{source_id} no-file" in good.stdout
    # One live version per source; Statbel's is one file per year, retrieved together.
    assert runs["live_after_good"] == {
        "nbb_regaca38": 1,
        "eurostat_employment_rate": 1,
        "eurostat_gdp_per_inhabitant": 1,
        "eurostat_employment_by_industry": 1,
        "statbel_vat_enterprises": len(STATBEL_FILES),
        "statbel_vat_starters": 1,
    }
    assert runs["figures_good"]
    sources = {row[7] for row in runs["figures_good"]}  # fct_indicator_values.source_id
    assert {"nbb_regaca38", "statbel_vat_enterprises", "eurostat_employment_rate"} <= sources


def test_the_marts_hold_the_real_layout_files_values(runs: dict) -> None:
    """Statbel's yearly files, read in both layouts, sum to the published province figures;
    2024 has the fixture's own extra cell, which no other input has."""
    values = {
        (r[0], r[1], r[2], r[3]): r[4] for r in runs["figures_good"] if r[0] == "vat_enterprises"
    }
    published = statbel_province_totals(2013)
    assert values[("vat_enterprises", "BE22", "TOTAL", 2013)] == published[(70000, "ALL")]
    assert values[("vat_enterprises", "BE22", "C", 2013)] == published[(70000, "C")]
    extra = FIXTURE_CELL.vat
    assert values[("vat_enterprises", "BE22", "TOTAL", 2024)] == (
        statbel_province_totals(2024)[(70000, "ALL")] + extra
    )
    layouts = meta(
        runs["published"],
        "select layout, count(distinct file_sha256) from raw.statbel_vat_enterprises "
        "group by 1 order by 1",
    )
    assert layouts == [("complete", 2), ("minimal", 14)]


def test_unchanged_publisher_stores_no_new_raw_file(runs: dict) -> None:
    again = runs["again"]
    assert again.returncode == 0, again.describe()
    for source_id in FETCHED:
        assert f"{source_id} unchanged" in again.stdout
    assert runs["raw_after_again"] == runs["raw_after_good"]


def test_html_page_with_200_uses_last_good_version_and_exits_4(runs: dict) -> None:
    html = runs["html"]
    assert html.returncode == 4, html.describe()
    assert "nbb_regaca38" in html.stderr and "html" in html.stderr
    assert "Request Rejected" in html.stderr  # the page's title, to recognise the firewall
    assert "quarantined as" in html.stderr  # kept aside, never a version of the source
    assert runs["raw_after_html"] == runs["raw_after_good"]  # the page was never stored
    assert runs["figures_html"] == runs["figures_good"]  # nothing but checked data published
    assert runs["sha_before_revision"] == runs["sha_good"]  # byte-identical: nothing rebuilt


def test_a_source_fault_is_reported_by_status_check(runs: dict) -> None:
    status = runs["status_after_html"]
    assert status.returncode != 0, status.describe()
    assert "fell back on an older version" in status.stdout + status.stderr
    assert "nbb_regaca38" in status.stdout + status.stderr


def test_revision_failing_the_checks_is_not_published(runs: dict) -> None:
    revised = runs["revised"]
    assert revised.returncode == 1, revised.describe()
    assert "expectations" in revised.stderr
    assert runs["sha_after_revision"] == runs["sha_before_revision"]  # byte-identical
    # The publisher's new version is kept (it passed the fetch checks): it is history.
    assert runs["nbb_after_revision"] == 2
    new = set(runs["raw_after_revision"]) - set(runs["raw_after_good"])
    assert len(new) == 1 and set(runs["raw_after_good"]) <= set(runs["raw_after_revision"])


def test_attribution_travels_with_the_live_data(runs: dict) -> None:
    rows = meta(
        runs["published"],
        "select distinct source_id, attribution, licence, url like 'http://127.0.0.1:%' "
        "from raw.source_files order by all",
    )
    ((source_id, attribution, licence, from_fake),) = [r for r in rows if r[0] == "nbb_regaca38"]
    assert (source_id, attribution, from_fake) == ("nbb_regaca38", "Source: NBB.Stat", True)
    assert licence.startswith("NBB.Stat")
    # Every publisher's attribution and licence travel too; fetched files name the fake's URL.
    catalog = load_catalog()
    assert {r[0] for r in rows} == {*FETCHED, *MANUAL}
    snapshot = load_manifest()
    for source_id, attribution, licence, from_fake in rows:
        assert attribution == catalog.get(source_id).attribution
        assert from_fake == (source_id in FETCHED)
        # A fetched file carries the catalog's licence, an embedded copy its manifest's.
        expected = (
            catalog.get(source_id).licence if from_fake else snapshot.entries(source_id)[0].licence
        )
        assert licence == expected
