"""meta.source_vintages in snapshot mode: the snapshot's file is the one current version."""

from __future__ import annotations

from pathlib import Path

import duckdb

from extract.snapshot import load_manifest
from warehouse.build import new_build
from warehouse.config import DataPaths
from warehouse.vintages import write_snapshot_vintages


def test_snapshot_file_is_listed_as_the_current_vintage(tmp_path: Path) -> None:
    snapshot = load_manifest()
    build = new_build(DataPaths(tmp_path), "r1")
    write_snapshot_vintages(build, snapshot.files, "r1")
    con = duckdb.connect(str(build), read_only=True)
    try:
        rows = con.execute(
            "select source_id, vintage::varchar, sha256, origin, loaded, is_current, is_stale "
            "from meta.source_vintages"
        ).fetchall()
        fetches = con.execute("select run_id, mode, outcome from meta.source_fetches").fetchall()
    finally:
        con.close()
    (entry,) = snapshot.files
    assert rows == [
        (
            "nbb_regaca38",
            entry.retrieved_at.date().isoformat(),
            entry.sha256,
            "snapshot",
            True,
            True,
            False,
        )
    ]
    assert fetches == [("r1", "snapshot", "snapshot")]
