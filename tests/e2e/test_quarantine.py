"""Nothing unloadable is stored as good: a file that passes the fetch-time checks but not the
loader's own parser is quarantined with its fault, the run falls back, the published file is
unchanged, and the next run is not poisoned.

Runs in order on one data folder, against fake publishers serving the real-layout fixtures:
1. a good live run publishes;
2. Statbel's 2015 file (minimal layout, published as TF_VAT_NACE_EMPL_SQ_2015.zip) comes with a
   renamed column, an RSZ workbook with its header moved from row 7 to row 9 and an Arvastat
   export with "-" in its total are dropped into the inboxes: each is quarantined, the run exits
   4 naming the source, the file and the problem, the published file is byte-identical;
3. Statbel's 2024 file (complete layout) comes with a renamed column: the same;
4. the publishers serve good files again: the run exits 0, no fault, nothing was poisoned.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from extract import raw_store as rs
from extract.live_config import inbox_dir
from extract.quarantine import quarantined
from tests.e2e.conftest import Refresh, limwh
from tests.fake_publishers import FakePublishers, serve_fixtures, statbel_reply, write_live_config
from tests.fixtures.publishers import ARVASTAT_ROWS, arvastat_file, rsz_file, statbel_rows
from tools.publisher_layouts.statbel import vat_zip
from warehouse.files import file_sha256

pytestmark = pytest.mark.e2e

SOURCES = [
    "nbb_regaca38",
    "statbel_vat_enterprises",
    "statbel_vat_starters",
    "eurostat_employment_rate",
    "eurostat_gdp_per_inhabitant",
    "rsz_establishments",
    "vdab_job_seekers",
]


def _renamed(year: int, layout: str, old: str, new: str) -> bytes:
    rows = statbel_rows(year, layout)
    rows[0] = [new if c == old else c for c in rows[0]]
    name = "TF_VAT_NACE_EMPL_SQ_2015" if year == 2015 else f"TF_VAT_NACE_EMPL_{year}"
    return vat_zip(f"{name}.txt", rows)


def versions(data: Path) -> dict[str, set[tuple[str, str]]]:
    return {s: {(v.part, v.sha256) for v in rs.live_versions(data / "raw", s)} for s in SOURCES}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, e2e_env: dict[str, str]) -> Iterator[dict]:
    root = tmp_path_factory.mktemp("quarantine")
    data = root / "data"
    fake = FakePublishers()
    config = write_live_config(root / "live.json", fake, sources=SOURCES)

    def refresh() -> Refresh:
        return limwh(
            "refresh", "--live", "--live-config", str(config), "--data-dir", str(data),
            env=e2e_env,
        )  # fmt: skip

    out: dict = {"data": data}
    try:
        serve_fixtures(fake)
        out["good"] = refresh()
        published = data / "warehouse.duckdb"
        out["sha_good"] = file_sha256(published) if published.exists() else None
        out["versions_good"] = versions(data)

        fake.script_path(
            "/TF_VAT_NACE_EMPL_SQ_2015.zip",
            statbel_reply("x.zip", _renamed(2015, "minimal", "MS_NUM_VAT", "MS_NUM_VAT_ENT")),
        )
        rsz_inbox = inbox_dir(data, "rsz_establishments")
        rsz_inbox.mkdir(parents=True, exist_ok=True)
        name, body = rsz_file(2024, header_row=9)
        (rsz_inbox / name).write_bytes(body)
        vdab_inbox = inbox_dir(data, "vdab_job_seekers")
        vdab_inbox.mkdir(parents=True, exist_ok=True)
        totals = ([177972, "-", 208915], [3100000, 3130000, 3175000])
        name, body = arvastat_file(dict(ARVASTAT_ROWS, Totaal=totals))
        (vdab_inbox / name).write_bytes(body)
        out["poisoned"] = refresh()
        out["sha_poisoned"] = file_sha256(published)
        out["inboxes_after"] = sorted(p.name for p in [*rsz_inbox.iterdir(), *vdab_inbox.iterdir()])

        serve_fixtures(fake)
        fake.script_path(
            "/TF_VAT_NACE_EMPL_2024.zip",
            statbel_reply("x.zip", _renamed(2024, "complete", "CD_ADM_DSTR_REFNIS", "CD_DSTR")),
        )
        out["complete_renamed"] = refresh()
        out["sha_complete_renamed"] = file_sha256(published)

        serve_fixtures(fake)
        out["next"] = refresh()
        out["sha_next"] = file_sha256(published)
        out["versions_next"] = versions(data)
        out["quarantined"] = quarantined(data / "raw")
        yield out
    finally:
        fake.close()


def test_the_good_run_publishes(runs: dict) -> None:
    assert runs["good"].returncode == 0, runs["good"].describe()
    assert runs["sha_good"]


def _fault_line(refresh: Refresh, source_id: str) -> str:
    lines = [line for line in refresh.stderr.splitlines() if source_id in line]
    assert lines, refresh.describe()
    return " ".join(lines)


def test_a_statbel_minimal_file_with_a_renamed_column_is_quarantined(runs: dict) -> None:
    poisoned = runs["poisoned"]
    assert poisoned.returncode == 4, poisoned.describe()
    line = _fault_line(poisoned, "statbel_vat_enterprises")
    assert "TF_VAT_NACE_EMPL_SQ_2015.zip" in line and "MS_NUM_VAT" in line
    assert "quarantined as" in line


def test_an_rsz_workbook_with_a_moved_header_row_is_quarantined(runs: dict) -> None:
    line = _fault_line(runs["poisoned"], "rsz_establishments")
    assert "localunit-val-nl-20244.xlsx" in line and "row 7 is not the header" in line
    assert "removed from the inbox" in line


def test_an_arvastat_export_with_a_dash_in_a_total_is_quarantined(runs: dict) -> None:
    line = _fault_line(runs["poisoned"], "vdab_job_seekers")
    assert "arvastat_wzw_18_64.xlsx" in line and "a total shown as '-'" in line
    assert runs["inboxes_after"] == []  # both bad files left the inboxes


def test_a_statbel_complete_file_with_a_renamed_column_is_quarantined(runs: dict) -> None:
    refresh = runs["complete_renamed"]
    assert refresh.returncode == 4, refresh.describe()
    line = _fault_line(refresh, "statbel_vat_enterprises")
    assert "TF_VAT_NACE_EMPL_2024.zip" in line and "CD_ADM_DSTR_REFNIS" in line


def test_quarantined_files_are_kept_aside_with_their_fault(runs: dict) -> None:
    kept = {(q.source_id, q.fault.split(":")[0]) for q in runs["quarantined"]}
    assert kept == {
        ("statbel_vat_enterprises", "schema"),
        ("rsz_establishments", "unloadable"),
        ("vdab_job_seekers", "unloadable"),
    }
    assert all(q.path.is_file() for q in runs["quarantined"])


def test_the_published_file_is_unchanged_and_the_next_run_is_not_poisoned(runs: dict) -> None:
    assert runs["sha_poisoned"] == runs["sha_good"]
    assert runs["sha_complete_renamed"] == runs["sha_good"]
    following = runs["next"]
    assert following.returncode == 0, following.describe()
    assert "STALE SOURCE" not in following.stdout + following.stderr
    assert runs["sha_next"] == runs["sha_good"]
    # No refused file became a version of its source.
    assert runs["versions_next"] == runs["versions_good"]
