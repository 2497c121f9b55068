"""Live extraction against fake publishers on 127.0.0.1, and the fault matrix.

After every fault the raw store holds exactly the files it held before, the source is marked
stale with a message naming it, its URL and the fault, and the loader is handed exactly the
raw versions of the last good run: so the build (and what gets published) cannot change.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from extract import raw_store as rs
from extract.live import extract_live
from extract.live_config import LiveConfig, inbox_dir
from extract.quarantine import quarantined
from extract.snapshot import load_manifest
from tests.fake_publishers import (
    FAST_HTTP,
    HTML_PAGE,
    STATBEL_COLUMNS,
    FakePublishers,
    Reply,
    eurostat_json_stat,
    nbb_renamed_dimension,
    nbb_reply,
    nbb_revised,
    serve_fixtures,
    statbel_zip,
    zip_reply,
)
from tests.fixtures.publishers import STATBEL_FILES, rsz_file, statbel_file, statbel_rows
from tools.publisher_layouts.statbel import vat_zip
from warehouse.build.dbt_project import required_raw_tables
from warehouse.config import DataPaths
from warehouse.files import new_build_file as new_build
from warehouse.load.vintages import write_live_vintages

SOURCES = ("nbb_regaca38", "eurostat_employment_rate", "statbel_vat_enterprises")
# The other sources the build needs (every publisher's raw table): not selected here, so they
# keep their stored versions, or the embedded snapshot's copy.
NOT_SELECTED = (
    "statbel_vat_starters",
    "eurostat_gdp_per_inhabitant",
    "eurostat_employment_by_industry",
    "rsz_establishments",
    "vdab_job_seekers",
)

# The raw tables the dbt project reads: the flow passes the same set.
BUILD_NEEDS = required_raw_tables()


@pytest.fixture(scope="module")
def server() -> Iterator[FakePublishers]:
    publishers = FakePublishers()
    yield publishers
    publishers.close()


def good_scripts(fake: FakePublishers) -> None:
    fake.reset()
    fake.script("nbb_regaca38", nbb_reply())  # NBB: no ETag
    fake.script(
        "eurostat_employment_rate",
        Reply(
            body=eurostat_json_stat(),
            etag='"lfst-2026-04-24"',
            headers={"Last-Modified": "Fri, 24 Apr 2026 21:00:00 GMT"},
        ),
    )
    fake.script("statbel_vat_enterprises", zip_reply(statbel_zip()))


def config(fake: FakePublishers, **extra: object) -> LiveConfig:
    return LiveConfig.from_mapping(
        {
            "sources": list(SOURCES),
            "base_urls": fake.base_urls(),
            "parameters": {"statbel_vat_enterprises": {"year": "2024"}},
            "http": FAST_HTTP,
            **extra,
        }
    )


def run(fake: FakePublishers, data: Path, run_id: str, day: int = 1, **extra: object):
    return extract_live(
        data,
        run_id,
        required_raw_tables=BUILD_NEEDS,
        config=config(fake, **extra),
        now=lambda: datetime(2026, 11, day, 3, 0, tzinfo=UTC),
        echo=lambda _line: None,
    )


def only(extract, source_id: str):
    (result,) = [r for r in extract.results if r.source_id == source_id]
    return result


def raw_listing(data: Path) -> list[str]:
    return [p.name for p in rs.raw_files(data / "raw")]


def live_files(data: Path) -> set[str]:
    return {v.raw_path for v in rs.live_versions(data / "raw")}


def entries_of(extract, source_id: str) -> list:
    return [e for e in extract.entries if e.source_id == source_id]


@pytest.fixture(scope="module")
def baseline(server: FakePublishers, tmp_path_factory: pytest.TempPathFactory):
    """One good run; each test copies its data folder."""
    data = tmp_path_factory.mktemp("baseline") / "data"
    good_scripts(server)
    extract = run(server, data, "run1")
    return data, extract


@pytest.fixture
def data(baseline, tmp_path: Path, server: FakePublishers) -> Path:
    import shutil

    target = tmp_path / "data"
    shutil.copytree(baseline[0], target)
    good_scripts(server)
    return target


def test_first_run_fetches_checks_and_stores_every_source(baseline) -> None:
    data, extract = baseline
    outcomes = {r.source_id: r.outcome for r in extract.results}
    assert outcomes == {
        **dict.fromkeys(SOURCES, "new"),
        **dict.fromkeys(NOT_SELECTED, "not-fetched"),
    }
    assert len(live_files(data)) == 3
    # Every format has a loader now: each fetched source's live version goes to the loader,
    # and each source the build needs but this run did not fetch brings every embedded file.
    assert not extract.not_loadable
    snapshot = load_manifest()
    for source_id in SOURCES:
        (entry,) = entries_of(extract, source_id)
        assert entry.path in live_files(data)
    for source_id in NOT_SELECTED:
        assert sorted(e.sha256 for e in entries_of(extract, source_id)) == sorted(
            e.sha256 for e in snapshot.entries(source_id)
        )
    assert {
        e.retrieved_at.date().isoformat()
        for e in entries_of(extract, "eurostat_gdp_per_inhabitant")
    } == {"2020-03-06", "2026-11-27"}
    (entry,) = entries_of(extract, "nbb_regaca38")
    assert entry.attribution == "Source: NBB.Stat"
    assert entry.modelled_series == ()  # a live file is published data, not modelled
    records = [r for r in rs.read_records(data / "raw") if r.get("kind") == "live"]
    nbb = next(r for r in records if r["source_id"] == "nbb_regaca38")
    assert nbb["http_status"] == 200 and nbb["etag"] is None
    assert "startPeriod=2003" in nbb["query"]
    assert nbb["licence"].startswith("NBB.Stat")
    euro = next(r for r in records if r["source_id"] == "eurostat_employment_rate")
    assert euro["etag"] == '"lfst-2026-04-24"'
    assert euro["fingerprint"]["names"] == ["freq", "unit", "sex", "age", "geo", "time"]
    statbel = next(r for r in records if r["source_id"] == "statbel_vat_enterprises")
    assert statbel["fingerprint"] == {"kind": "columns", "names": STATBEL_COLUMNS}
    assert statbel["raw_path"].endswith(".zip")


def test_unchanged_sources_store_no_new_file(server: FakePublishers, data: Path) -> None:
    before = raw_listing(data)
    extract = run(server, data, "run2", day=2)
    outcomes = {r.source_id: r.outcome for r in extract.results}
    # NBB sends no ETag: the hash shows nothing changed. Eurostat answers the conditional GET.
    assert outcomes["nbb_regaca38"] == "unchanged"
    assert outcomes["eurostat_employment_rate"] == "not-modified"
    assert outcomes["statbel_vat_enterprises"] == "unchanged"
    assert raw_listing(data) == before
    assert not any(r.stored_new_file for r in extract.results)
    euro_hit = server.hits("eurostat_employment_rate")[-1]
    assert euro_hit.headers.get("If-None-Match") == '"lfst-2026-04-24"'
    assert euro_hit.headers.get("If-Modified-Since") == "Fri, 24 Apr 2026 21:00:00 GMT"
    # The vintage stays the date the content was first seen.
    (version,) = rs.live_versions(data / "raw", "nbb_regaca38")
    assert version.vintage == "2026-11-01"


def _zip_with(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)
    return buf.getvalue()


FAULTS = {
    "timeout": ("nbb_regaca38", [Reply(stall=1.2, body=b"{}")], "timeout"),
    "connection reset": ("nbb_regaca38", [Reply(reset=True)], "connection"),
    "html with 200": ("nbb_regaca38", [Reply(body=HTML_PAGE, content_type="text/html")], "html"),
    "html with a json content type": (
        "nbb_regaca38",
        [Reply(body=HTML_PAGE, content_type="application/json")],
        "html",
    ),
    "truncated body": ("nbb_regaca38", [nbb_reply(cut_at=20000)], "truncated"),
    "truncated json, honest length": (
        "nbb_regaca38",
        [nbb_reply(body=nbb_reply().body[:-500])],
        "truncated",
    ),
    "empty body": ("nbb_regaca38", [nbb_reply(body=b"")], "empty"),
    "renamed dimension": ("nbb_regaca38", [nbb_reply(body=nbb_renamed_dimension())], "schema"),
    "500 every time": ("nbb_regaca38", [Reply(500, b"", "text/plain")], "http-status"),
    "renamed column": (
        "statbel_vat_enterprises",
        [zip_reply(statbel_zip([*STATBEL_COLUMNS[:3], "MS_NUM_VAT_ENT", *STATBEL_COLUMNS[4:]]))],
        "schema",
    ),
    "zip with ../ member": (
        "statbel_vat_enterprises",
        [zip_reply(_zip_with({"../../etc/cron.d/evil.txt": b"A|B\n1|2\n"}))],
        "zip",
    ),
    "zip bomb": (
        "statbel_vat_enterprises",
        [zip_reply(_zip_with({"TF_VAT_NACE_EMPL_2024.txt": b"A|B\n" + b"1|2\n" * 400_000}))],
        "zip",
    ),
    "eurostat renamed dimension": (
        "eurostat_employment_rate",
        [Reply(body=eurostat_json_stat().replace(b'"geo"', b'"region"'))],
        "schema",
    ),
    "eurostat html": (
        "eurostat_employment_rate",
        [Reply(body=HTML_PAGE, content_type="text/html; charset=utf-8")],
        "html",
    ),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_fault_leaves_raw_store_and_build_input_unchanged(
    name: str, server: FakePublishers, data: Path, baseline
) -> None:
    source_id, replies, fault = FAULTS[name]
    server.script(source_id, *replies)
    before = raw_listing(data)
    extract = run(server, data, "run-fault", day=3, max_unpacked_bytes=1_000_000)

    result = next(r for r in extract.results if r.source_id == source_id)
    assert result.outcome == "stale", result.describe()
    assert result.fault is not None and result.fault.startswith(f"{fault}:"), result.fault
    assert result.used is not None  # its last good version
    assert raw_listing(data) == before  # the rejected response never reached the raw store
    # The loader gets exactly what the last good run gave it: the build cannot change.
    assert extract.entries == baseline[1].entries
    others = [r for r in extract.results if r.source_id != source_id]
    assert all(not r.is_fault for r in others)
    assert [r.source_id for r in extract.faults] == [source_id]
    line = result.describe()
    assert source_id in line and "stale" in line and fault in line


def test_fault_messages_say_what_changed(server: FakePublishers, data: Path) -> None:
    server.script("nbb_regaca38", nbb_reply(body=nbb_renamed_dimension()))
    server.script(
        "statbel_vat_enterprises",
        zip_reply(statbel_zip([*STATBEL_COLUMNS[:3], "MS_NUM_VAT_ENT", *STATBEL_COLUMNS[4:]])),
    )
    extract = run(server, data, "run-schema", day=3)
    faults = {r.source_id: r.fault for r in extract.faults}
    assert "missing NUTS" in faults["nbb_regaca38"]
    assert "unexpected REF_AREA" in faults["nbb_regaca38"]
    assert "column 'MS_NUM_VAT' renamed to 'MS_NUM_VAT_ENT'" in faults["statbel_vat_enterprises"]
    # Accepting the new schema does not make an unreadable file good: the loader's own parser
    # refuses it at fetch time, so it is quarantined, never stored as the last good version.
    before = rs.last_good(data / "raw", "statbel_vat_enterprises")
    extract = run(server, data, "run-accept", day=4, accept_schema=["statbel_vat_enterprises"])
    result = {r.source_id: r for r in extract.results}["statbel_vat_enterprises"]
    assert result.outcome == "stale"
    assert result.fault.startswith("unloadable: ") and "MS_NUM_VAT" in result.fault
    assert "quarantined as" in result.fault
    assert rs.last_good(data / "raw", "statbel_vat_enterprises") == before
    kept = quarantined(data / "raw", "statbel_vat_enterprises")
    assert [q.fault.split(":")[0] for q in kept] == ["schema", "unloadable"]
    assert kept[0].sha256 == kept[1].sha256 and kept[0].path.is_file()


@pytest.mark.parametrize(
    "replies",
    [
        [Reply(429, b"", "text/plain", {"Retry-After": "0"}), nbb_reply()],
        [Reply(500, b"", "text/plain"), nbb_reply()],
        [Reply(reset=True), nbb_reply()],
        [Reply(stall=1.2, body=b"{}"), nbb_reply()],
    ],
    ids=["429 with Retry-After", "500 then success", "reset then success", "timeout then ok"],
)
def test_transient_fault_recovers_within_the_retries(
    replies: list[Reply], server: FakePublishers, data: Path, baseline
) -> None:
    server.script("nbb_regaca38", *replies)
    before = raw_listing(data)
    extract = run(server, data, "run-transient", day=3)
    result = next(r for r in extract.results if r.source_id == "nbb_regaca38")
    assert result.outcome == "unchanged" and result.attempts == 2
    assert raw_listing(data) == before
    assert extract.entries == baseline[1].entries


def test_revision_is_a_new_vintage(server: FakePublishers, data: Path) -> None:
    body, old, new = nbb_revised(+250.0)
    server.script("nbb_regaca38", nbb_reply(body=body))
    extract = run(server, data, "run-rev", day=20)
    result = next(r for r in extract.results if r.source_id == "nbb_regaca38")
    assert result.outcome == "new" and result.stored_new_file
    versions = rs.live_versions(data / "raw", "nbb_regaca38")
    assert [v.vintage for v in versions] == ["2026-11-01", "2026-11-20"]
    # Every vintage goes to the loader, each dated by when it was first retrieved.
    assert [e.retrieved_at.date().isoformat() for e in entries_of(extract, "nbb_regaca38")] == [
        "2026-11-01",
        "2026-11-20",
    ]
    assert new == old + 250.0

    build = new_build(DataPaths(data), "run-rev")
    write_live_vintages(build, extract, "run-rev")
    con = duckdb.connect(str(build), read_only=True)
    try:
        rows = con.execute(
            "select vintage::varchar, is_current, is_stale from meta.source_vintages "
            "where source_id = 'nbb_regaca38' order by vintage"
        ).fetchall()
    finally:
        con.close()
    assert rows == [("2026-11-01", False, False), ("2026-11-20", True, False)]


def test_stale_source_is_marked_in_meta(server: FakePublishers, data: Path) -> None:
    server.script("nbb_regaca38", Reply(body=HTML_PAGE, content_type="text/html"))
    extract = run(server, data, "run-stale", day=5)
    build = new_build(DataPaths(data), "run-stale")
    write_live_vintages(build, extract, "run-stale")
    con = duckdb.connect(str(build), read_only=True)
    try:
        vintage = con.execute(
            "select is_current, is_stale, fault from meta.source_vintages "
            "where source_id = 'nbb_regaca38'"
        ).fetchall()
        fetch = con.execute(
            "select outcome, fault from meta.source_fetches where source_id = 'nbb_regaca38'"
        ).fetchall()
    finally:
        con.close()
    ((current, stale, fault),) = vintage
    assert current and stale and fault.startswith("html:")
    assert fetch[0][0] == "stale"


def test_first_run_without_any_good_version_falls_back_to_the_snapshot(
    server: FakePublishers, tmp_path: Path
) -> None:
    server.reset()
    server.script("nbb_regaca38", Reply(body=HTML_PAGE, content_type="text/html"))
    extract = extract_live(
        tmp_path / "data",
        "r1",
        required_raw_tables=BUILD_NEEDS,
        config=LiveConfig.from_mapping(
            {"sources": ["nbb_regaca38"], "base_urls": server.base_urls(), "http": FAST_HTTP}
        ),
        echo=lambda _line: None,
    )
    result = only(extract, "nbb_regaca38")
    assert result.outcome == "snapshot" and result.is_fault
    assert [r.source_id for r in extract.faults] == ["nbb_regaca38"]
    (entry,) = entries_of(extract, "nbb_regaca38")
    assert entry.modelled_series == ("*",)  # the embedded copy stays flagged as modelled


def _xlsx(header: list[str]) -> bytes:
    shared = "".join(f"<si><t>{h}</t></si>" for h in header)
    cells = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(len(header)))
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return _zip_with(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": f'<workbook xmlns="{ns}"/>'.encode(),
            "xl/sharedStrings.xml": f'<sst xmlns="{ns}">{shared}</sst>'.encode(),
            "xl/worksheets/sheet1.xml": (
                f'<worksheet xmlns="{ns}"><sheetData><row r="1">{cells}</row>'
                f'<row r="2"><c r="A2"><v>1</v></c></row></sheetData></worksheet>'
            ).encode(),
        }
    )


def test_manual_source_is_read_from_the_inbox(tmp_path: Path) -> None:
    data = tmp_path / "data"
    cfg = LiveConfig.from_mapping({"sources": ["rsz_establishments"]})
    first = extract_live(
        data, "r1", required_raw_tables=BUILD_NEEDS, config=cfg, echo=lambda _line: None
    )
    assert first.results[0].outcome == "no-file" and not first.results[0].is_fault

    inbox = inbox_dir(data, "rsz_establishments")
    inbox.mkdir(parents=True)
    name, body = rsz_file(2023)
    (inbox / name).write_bytes(body)
    second = extract_live(
        data, "r2", required_raw_tables=BUILD_NEEDS, config=cfg, echo=lambda _line: None
    )
    result = only(second, "rsz_establishments")
    assert result.outcome == "new" and result.used is not None
    assert result.used.origin == "inbox" and result.used.raw_path.endswith(".xlsx")
    assert result.used.part == "localunit-val-nl-20234"
    header = result.used.fingerprint["names"]
    assert header[:2] == ["Provincie", "Arrondissement"] and header[-1] == "Totaal"

    # RSZ publishes one workbook per quarter: every file in the inbox is read, each a part.
    name, body = rsz_file(2024)
    (inbox / name).write_bytes(body)
    third = extract_live(
        data, "r3", required_raw_tables=BUILD_NEEDS, config=cfg, echo=lambda _line: None
    )
    assert only(third, "rsz_establishments").outcome == "new"
    parts = sorted(v.part for v in rs.live_versions(data / "raw", "rsz_establishments"))
    assert parts == ["localunit-val-nl-20234", "localunit-val-nl-20244"]
    entries = [e for e in third.entries if e.source_id == "rsz_establishments"]
    assert sorted(e.published_name for e in entries) == [
        "localunit-val-nl-20234.xlsx",
        "localunit-val-nl-20244.xlsx",
    ]

    # An HTML page saved under an .xlsx name (a login page) is refused, quarantined and taken
    # out of the inbox; the good files stay the source's versions.
    (inbox / "localunit-val-nl-20251.xlsx").write_bytes(HTML_PAGE)
    fourth = extract_live(
        data, "r4", required_raw_tables=BUILD_NEEDS, config=cfg, echo=lambda _line: None
    )
    result = only(fourth, "rsz_establishments")
    assert result.outcome == "stale" and result.fault.startswith("html:")
    assert (
        "localunit-val-nl-20251.xlsx" in result.fault and "removed from the inbox" in result.fault
    )
    assert not (inbox / "localunit-val-nl-20251.xlsx").exists()
    assert len(rs.live_versions(data / "raw", "rsz_establishments")) == 2
    (kept,) = quarantined(data / "raw", "rsz_establishments")
    assert kept.path.read_bytes() == HTML_PAGE


def test_live_config_rejects_unknown_keys() -> None:
    with pytest.raises(ValueError, match="unknown key"):
        LiveConfig.from_mapping({"base_url": "x"})
    assert json.loads(json.dumps(FAST_HTTP))  # the test settings are plain JSON


def test_manual_source_never_dropped_uses_the_embedded_copy(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    (snap / "rsz").mkdir(parents=True)
    body = _xlsx(["Provincie", "Vestigingseenheden"])
    (snap / "rsz" / "establishments.xlsx").write_bytes(body)
    entry = {
        "source_id": "rsz_establishments",
        "path": "rsz/establishments.xlsx",
        "format": "rsz-xlsx",
        "url": "https://www.onss.be/nl/statistieken",
        "retrieved_at": "2026-11-27T00:00:00Z",
        "sha256": rs.sha256_hex(body),
        "bytes": len(body),
        "licence": "l",
        "attribution": "Source: RSZ/ONSS (own processing)",
    }
    (snap / "manifest.json").write_text(json.dumps({"snapshot_id": "t", "files": [entry]}))
    extract = extract_live(
        tmp_path / "data",
        "r1",
        required_raw_tables=BUILD_NEEDS,
        config=LiveConfig.from_mapping({"sources": ["rsz_establishments"]}),
        snapshot_dir=snap,
        loadable_formats={"rsz-xlsx"},  # load RSZ only: this snapshot has no other source
        echo=lambda _line: None,
    )
    result = only(extract, "rsz_establishments")
    assert result.outcome == "no-file" and not result.is_fault
    assert [e.sha256 for e in extract.entries] == [entry["sha256"]]
    assert (tmp_path / "data" / "raw" / extract.entries[0].path).read_bytes() == body


def test_withdrawn_revision_makes_the_old_content_current_again(
    server: FakePublishers, data: Path
) -> None:
    body, _, _ = nbb_revised(+250.0)
    server.script("nbb_regaca38", nbb_reply(body=body))
    run(server, data, "run-rev", day=10)
    server.script("nbb_regaca38", nbb_reply())  # the publisher withdraws the revision
    extract = run(server, data, "run-back", day=12)
    result = next(r for r in extract.results if r.source_id == "nbb_regaca38")
    assert result.outcome == "new" and not result.stored_new_file  # bytes already held
    versions = rs.live_versions(data / "raw", "nbb_regaca38")
    assert [v.vintage for v in versions] == ["2026-11-10", "2026-11-12"]
    assert versions[-1].sha256 == result.used.sha256  # the latest vintage is what NBB serves


def test_source_the_build_needs_but_not_selected_keeps_its_versions(
    server: FakePublishers, data: Path, baseline
) -> None:
    extract = extract_live(
        data,
        "r-subset",
        required_raw_tables=BUILD_NEEDS,
        config=LiveConfig.from_mapping(
            {
                "sources": ["eurostat_employment_rate"],
                "base_urls": server.base_urls(),
                "http": FAST_HTTP,
            }
        ),
        echo=lambda _line: None,
    )
    outcomes = {r.source_id: r.outcome for r in extract.results}
    not_fetched = ("nbb_regaca38", "statbel_vat_enterprises", *NOT_SELECTED)
    assert outcomes == {
        "eurostat_employment_rate": "not-modified",
        **dict.fromkeys(not_fetched, "not-fetched"),
    }
    # NBB and Statbel keep their stored live versions, the others the embedded copy: the
    # loader gets exactly what the full run gave it.
    assert extract.entries == baseline[1].entries
    assert not extract.faults


def test_yearly_files_fetched_together_are_one_vintage(
    server: FakePublishers, tmp_path: Path
) -> None:
    """Statbel's one file per year: one fetch retrieves them all, one vintage, all loaded;
    a year published under another name is found among the catalog's alternatives."""
    server.reset()
    serve_fixtures(server)
    files = {str(year): statbel_file(year) for year in STATBEL_FILES}
    data = tmp_path / "data"
    cfg = LiveConfig.from_mapping(
        {"sources": ["statbel_vat_enterprises"], "base_urls": server.base_urls(), "http": FAST_HTTP}
    )

    def fetch(run_id: str, day: int):
        return extract_live(
            data, run_id, required_raw_tables=BUILD_NEEDS, config=cfg,
            now=lambda: datetime(2026, 11, day, 3, tzinfo=UTC), echo=lambda _line: None,
        )  # fmt: skip

    first = fetch("r1", 1)
    result = only(first, "statbel_vat_enterprises")
    assert result.outcome == "new" and not first.faults
    asked = [h.path.rsplit("/", 1)[-1] for h in server.hits("statbel_vat_enterprises")]
    # The catalog's years, 2022 excepted (a known gap); each name tried until one answers.
    assert asked[asked.index("TF_VAT_NACE_EMPL_2015.zip") + 1] == "TF_VAT_NACE_EMPL_SQ_2015.zip"
    assert [a for a in asked if "2019" in a] == [
        "TF_VAT_NACE_EMPL_2019.zip", "TF_VAT_NACE_EMPL_SQ_2019.zip", "VF_VAT_NACE_EMPL_2019.zip"
    ]  # fmt: skip
    assert [a for a in asked if "2023" in a][-1] == "TF_VAT_NACE_EMPL_2023.xlsx"
    versions = rs.live_versions(data / "raw", "statbel_vat_enterprises")
    assert sorted(v.part for v in versions) == sorted(files)
    assert {v.vintage for v in versions} == {"2026-11-01"}  # one vintage, not one per file
    by_part = {v.part: v for v in versions}
    assert by_part["2015"].url.endswith("/TF_VAT_NACE_EMPL_SQ_2015.zip")
    assert by_part["2023"].raw_path.endswith(".xlsx")
    assert {v.sha256 for v in rs.current_versions(data / "raw", "statbel_vat_enterprises")} == {
        rs.sha256_hex(body) for _, body in files.values()
    }
    entries = entries_of(first, "statbel_vat_enterprises")
    assert sorted(e.published_name for e in entries) == sorted(n for n, _ in files.values())

    # Unchanged: nothing new stored, the same files go to the loader.
    before = raw_listing(data)
    again = fetch("r2", 2)
    assert only(again, "statbel_vat_enterprises").outcome == "unchanged"
    assert raw_listing(data) == before
    assert entries_of(again, "statbel_vat_enterprises") == entries

    # One year's file fails its checks: nothing of this fetch is stored, the last good files
    # (all of them) are loaded, the source is stale.
    server.script_path(
        "/TF_VAT_NACE_EMPL_SQ_2015.zip", Reply(body=HTML_PAGE, content_type="text/html")
    )
    stale = fetch("r3", 3)
    result = only(stale, "statbel_vat_enterprises")
    assert result.outcome == "stale" and result.fault.startswith("html:")
    assert "TF_VAT_NACE_EMPL_SQ_2015.zip" in result.url
    assert raw_listing(data) == before  # the content store; the page went to the quarantine
    assert [q.url for q in quarantined(data / "raw")] == [result.url]
    assert entries_of(stale, "statbel_vat_enterprises") == entries

    # One year revised: a new file for that year only, a new vintage; every file is loaded.
    rows = statbel_rows(2024, "complete")
    rows[1][-3] = str(int(rows[1][-3]) + 7)  # Statbel revises one cell of 2024
    revised = vat_zip("TF_VAT_NACE_EMPL_2024.txt", rows)
    serve_fixtures(server)
    server.script_path("/TF_VAT_NACE_EMPL_2024.zip", zip_reply(revised))
    rev = fetch("r4", 20)
    assert only(rev, "statbel_vat_enterprises").outcome == "new"
    versions = rs.live_versions(data / "raw", "statbel_vat_enterprises")
    assert [(v.part, v.vintage) for v in versions if v.part == "2024"] == [
        ("2024", "2026-11-01"),
        ("2024", "2026-11-20"),
    ]
    current = rs.current_versions(data / "raw", "statbel_vat_enterprises")
    assert len(current) == len(files)
    assert rs.sha256_hex(revised) in {v.sha256 for v in current}
    assert len(entries_of(rev, "statbel_vat_enterprises")) == len(files) + 1
