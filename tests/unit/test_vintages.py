"""meta.source_vintages in snapshot mode: every snapshot file is a loaded version; the files of
each source's newest vintage are its current version."""

from __future__ import annotations

from pathlib import Path

import duckdb

from extract.snapshot import load_manifest
from warehouse.config import DataPaths
from warehouse.files import new_build_file as new_build
from warehouse.load.vintages import write_snapshot_vintages


def test_snapshot_files_are_listed_with_their_vintages(tmp_path: Path) -> None:
    snapshot = load_manifest()
    build = new_build(DataPaths(tmp_path), "r1")
    write_snapshot_vintages(build, snapshot.files, "r1")
    con = duckdb.connect(str(build), read_only=True)
    try:
        rows = con.execute(
            "select source_id, vintage::varchar, sha256, origin, loaded, is_current, is_stale "
            "from meta.source_vintages"
        ).fetchall()
        fetches = con.execute(
            "select run_id, source_id, mode, outcome from meta.source_fetches"
        ).fetchall()
    finally:
        con.close()
    # One row per file, each loaded, none stale.
    assert sorted(r[2] for r in rows) == sorted(e.sha256 for e in snapshot.files)
    assert all(r[3] == "snapshot" and r[4] and not r[6] for r in rows)
    by_source: dict[str, list[tuple]] = {}
    for row in rows:
        by_source.setdefault(row[0], []).append(row)
    # Statbel's one ZIP per year were retrieved together: one vintage, every file current.
    statbel = by_source["statbel_vat_enterprises"]
    assert len(statbel) == len(snapshot.entries("statbel_vat_enterprises")) > 1
    assert {(r[1], r[5]) for r in statbel} == {("2026-11-27", True)}
    # Eurostat GDP keeps its real 2020 release beside the current one: loaded, not current.
    gdp = sorted((r[1], r[5]) for r in by_source["eurostat_gdp_per_inhabitant"])
    assert gdp == [("2020-03-06", False), ("2026-11-27", True)]
    nbb = by_source["nbb_regaca38"]
    (entry,) = snapshot.entries("nbb_regaca38")
    assert [(r[1], r[2], r[5]) for r in nbb] == [
        (entry.retrieved_at.date().isoformat(), entry.sha256, True)
    ]
    # One fetch per source, not per file.
    assert sorted(f[1] for f in fetches) == sorted(snapshot.source_ids())
    assert {(f[0], f[2], f[3]) for f in fetches} == {("r1", "snapshot", "snapshot")}
