"""The load stage as the flow calls it: decide whether anything changed since the published
build, and if so load every raw file into a new build file, with the raw versions it holds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from extract.results import Extracted
from warehouse.config import DataPaths
from warehouse.files import new_build_file
from warehouse.load.fingerprint import Fingerprint, compute
from warehouse.load.raw_tables import LoadedFile, load_snapshot_into
from warehouse.load.vintages import write_vintages
from warehouse.meta.published_record import current_record
from warehouse.meta.read import published_inputs

__all__ = ["LoadPlan", "LoadedBuild", "load_build", "plan_load"]


@dataclass(frozen=True)
class LoadPlan:
    """Whether to build: `noop` when the inputs equal the published build's (and not forced);
    otherwise `reasons` says what changed."""

    fingerprint: Fingerprint
    noop: bool
    reasons: list[str]
    published_run_id: str | None


def plan_load(
    paths: DataPaths,
    extracted: Extracted,
    lock_sha256: str | None,
    *,
    published_run_id: str | None,
    force: bool = False,
) -> LoadPlan:
    fingerprint = compute(extracted.entries, lock_sha256, stale_sources=extracted.stale_sources)
    recorded = None
    record = current_record(paths)  # the published file itself may be held by a BI tool
    if published_run_id is not None and record is not None:
        recorded = published_inputs(record, published_run_id)
    noop = not force and bool(recorded) and recorded.get("fingerprint") == fingerprint.digest
    reasons = ["--force"] if force else fingerprint.differences(recorded)
    return LoadPlan(fingerprint, noop, reasons, published_run_id)


@dataclass(frozen=True)
class LoadedBuild:
    path: Path
    files: list[LoadedFile]

    @property
    def rows(self) -> int:
        return sum(f.rows_loaded for f in self.files)


def load_build(
    paths: DataPaths, run_id: str, extracted: Extracted, echo: Callable[[str], None] = print
) -> LoadedBuild:
    """A new build file for `run_id` with every extracted file in its `raw` schema and the raw
    versions (and, live, each source's fetch outcome) in its `meta`."""
    build_file = new_build_file(paths, run_id)
    loaded = load_snapshot_into(build_file, extracted.snapshot())
    for item in loaded:
        echo(
            f"  raw.{item.raw_table}: {item.rows_loaded:,} rows from {item.source_id}"
            f" (sha256 {item.sha256[:12]}…)"
        )
    write_vintages(build_file, extracted, run_id)
    return LoadedBuild(build_file, loaded)
