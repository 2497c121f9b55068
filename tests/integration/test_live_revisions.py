"""A revision served by the fake NBB.Stat reaches fct_indicator_revisions.

Two live extracts (1 and 20 November) of DF_REGACA38; on the second, Limburg's employees of
2021 (TOT) are revised. Both raw versions are loaded into one build, dbt builds it, and the
marts show the revision, the latest vintage in fct_indicator_values and both in
fct_indicator_values_all_sources. dbt runs once, in-process.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from extract.live import extract_live
from extract.live_config import LiveConfig
from tests.fake_publishers import FAST_HTTP, FakePublishers, nbb_reply, nbb_revised
from warehouse.build.dbt_project import required_raw_tables
from warehouse.build.dbt_runner import run_dbt_build
from warehouse.config import DataPaths
from warehouse.files import new_build_file as new_build
from warehouse.load.raw_tables import load_snapshot_into
from warehouse.load.vintages import write_live_vintages

DELTA = 250.0

# The raw tables the dbt project reads: the flow passes the same set.
BUILD_NEEDS = required_raw_tables()


@pytest.fixture(scope="module")
def revised_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, float, float]]:
    fake = FakePublishers()
    data = tmp_path_factory.mktemp("revisions") / "data"
    cfg = LiveConfig.from_mapping(
        {"sources": ["nbb_regaca38"], "base_urls": fake.base_urls(), "http": FAST_HTTP}
    )
    try:
        fake.script("nbb_regaca38", nbb_reply())
        extract_live(
            data,
            "r1",
            required_raw_tables=BUILD_NEEDS,
            config=cfg,
            now=lambda: datetime(2026, 11, 1, 3, tzinfo=UTC),
            echo=lambda _line: None,
        )
        body, old, new = nbb_revised(DELTA, item="EMPLOY", nuts="220", branch="TOT", year="2021")
        fake.script("nbb_regaca38", nbb_reply(body=body))
        extract = extract_live(
            data,
            "r2",
            required_raw_tables=BUILD_NEEDS,
            config=cfg,
            now=lambda: datetime(2026, 11, 20, 3, tzinfo=UTC),
            echo=lambda _line: None,
        )
    finally:
        fake.close()
    build = new_build(DataPaths(data), "r2")
    loaded = load_snapshot_into(build, extract.snapshot())
    # Both NBB vintages, beside every embedded file of the sources this run did not fetch.
    assert [f.source_id for f in loaded].count("nbb_regaca38") == 2
    assert len(loaded) == len(extract.entries)
    write_live_vintages(build, extract, "r2")
    run_dbt_build(build, echo=lambda _line: None)
    gc.collect()
    yield build, old, new


def query(build: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(build), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_revision_appears_in_fct_indicator_revisions(revised_build) -> None:
    build, old, new = revised_build
    rows = query(
        build,
        "select vintage::varchar, previous_vintage::varchar, value, previous_value, "
        "revision_abs, first_vintage::varchar, first_published_value, obs_status "
        "from marts.fct_indicator_revisions where indicator_id = 'employees' "
        "and region_code = 'BE22' and sector_code = 'TOTAL' and year = 2021",
    )
    # A live file is the publisher's own data: its status comes from OBS_STATUS, not from the
    # embedded snapshot's modelled flags (the fake serves the snapshot's numbers).
    assert rows == [("2026-11-20", "2026-11-01", new, old, DELTA, "2026-11-01", old, "official")]


def test_only_revised_figures_are_listed(revised_build) -> None:
    build, _, _ = revised_build
    rows = query(
        build,
        "select distinct indicator_id, region_code, year from marts.fct_indicator_revisions "
        "where source_id = 'nbb_regaca38' order by all",
    )
    # The level itself and the ratios that divide by it; nothing else moved.
    assert ("employees", "BE22", 2021) in rows
    assert {r[1] for r in rows} == {"BE22"} and {r[2] for r in rows} == {2021}
    assert {r[0] for r in rows} <= {
        "employees",
        "manufacturing_share_of_employees",
        "employees_hours_worked",
    }


def test_latest_vintage_wins_and_every_vintage_is_kept(revised_build) -> None:
    build, old, new = revised_build
    where = (
        "where indicator_id = 'employees' and region_code = 'BE22' and sector_code = 'TOTAL' "
        "and year = 2021"
    )
    assert query(
        build, f"select value, vintage::varchar from marts.fct_indicator_values {where}"
    ) == [(new, "2026-11-20")]
    assert query(
        build,
        "select vintage::varchar, value from marts.fct_indicator_values_all_sources "
        f"{where} order by vintage",
    ) == [("2026-11-01", old), ("2026-11-20", new)]
    vintages = query(
        build,
        "select vintage::varchar, loaded, is_current from meta.source_vintages "
        "where source_id = 'nbb_regaca38' order by vintage",
    )
    assert vintages == [("2026-11-01", True, False), ("2026-11-20", True, True)]
