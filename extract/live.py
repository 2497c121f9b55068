"""Live extraction: fetch every catalog dataset from its publisher (or the operator's inbox),
check it, keep every accepted version in the raw store, and hand the load stage every version
to load.

Which raw tables the build cannot do without is the caller's knowledge (the dbt project's
sources), passed in as `required_raw_tables`: extract reads no dbt file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from extract import raw_store as rs
from extract.catalog import Catalog, Dataset, load_catalog
from extract.fetch import FetchContext, fetch_source
from extract.formats import loadable_formats as registry_loadable_formats
from extract.http import FetchError, HttpClient
from extract.live_config import LiveConfig
from extract.results import Extracted, SourceResult
from extract.snapshot import ManifestEntry, Snapshot, SnapshotError, load_manifest

__all__ = ["extract_live"]


def extract_live(
    data_dir: str | Path,
    run_id: str,
    *,
    required_raw_tables: Iterable[str],
    config: LiveConfig | None = None,
    catalog: Catalog | None = None,
    snapshot_dir: str | Path | None = None,
    client: HttpClient | None = None,
    now: Callable[[], datetime] | None = None,
    loadable_formats: Iterable[str] | None = None,
    echo: Callable[[str], None] = print,
) -> Extracted:
    """Fetch, check and store every selected source; return what the loader should read.

    The loader gets every stored live version of each source whose format has a loader (so
    the build holds every vintage), the embedded snapshot's copy for a source that never had a
    good live version, and nothing for a source without a loader (reported, not fatal).
    """
    config = config or LiveConfig()
    catalog = catalog or load_catalog()
    data_dir = Path(data_dir)
    raw_store = data_dir / "raw"
    required = set(required_raw_tables)
    loadable = set(
        loadable_formats if loadable_formats is not None else registry_loadable_formats()
    )
    wanted = config.sources if config.sources is not None else tuple(d.id for d in catalog)
    datasets = [catalog.get(s) for s in wanted]
    try:
        snapshot = load_manifest(snapshot_dir)
    except SnapshotError:
        snapshot = None
    own_client = client is None
    client = client or HttpClient(config.http)
    ctx = FetchContext(
        raw_store, data_dir, run_id, config, client, now or (lambda: datetime.now(UTC))
    )
    try:
        results = [fetch_source(d, ctx, snapshot) for d in datasets]
    finally:
        if own_client:
            client.close()
    _add_not_fetched(catalog, datasets, results, required, raw_store, snapshot)
    entries, not_loadable = _entries_to_load(
        datasets, results, required, loadable, raw_store, snapshot, run_id, echo
    )
    # The loader's input in catalog order, whichever sources this run selected: the same raw
    # versions give the same build.
    position = {d.id: i for i, d in enumerate(catalog)}
    entries.sort(key=lambda e: position.get(e.source_id, len(position)))
    return Extracted(
        mode="live",
        snapshot_id=f"live-{run_id}",
        raw_store=raw_store,
        entries=tuple(entries),
        results=tuple(results),
        not_loadable=tuple(not_loadable),
    )


def _add_not_fetched(
    catalog: Catalog,
    datasets: list[Dataset],
    results: list[SourceResult],
    required: set[str],
    raw_store: Path,
    snapshot: Snapshot | None,
) -> None:
    """A dataset the build needs but this run does not fetch (`--source` picked others) keeps
    what the raw store has, or the embedded copy."""
    fetched = {d.id for d in datasets}
    for dataset in catalog:
        if dataset.id in fetched or dataset.raw_table not in required:
            continue
        last = rs.last_good(raw_store, dataset.id)
        fallback = snapshot.entries(dataset.id) if snapshot is not None else []
        datasets.append(dataset)
        results.append(
            SourceResult(
                dataset.id,
                dataset.publisher,
                dataset.access,
                "not-fetched",
                dataset.url_template,
                used=last,
                snapshot_entries=tuple(fallback) if last is None else (),
            )
        )


def _entries_to_load(
    datasets: Sequence[Dataset],
    results: Sequence[SourceResult],
    required: set[str],
    loadable: set[str],
    raw_store: Path,
    snapshot: Snapshot | None,
    run_id: str,
    echo: Callable[[str], None],
) -> tuple[list[ManifestEntry], list[str]]:
    entries: list[ManifestEntry] = []
    not_loadable: list[str] = []
    snapshot_files: list[ManifestEntry] = []
    for dataset, result in zip(datasets, results, strict=True):
        echo(f"  {result.describe()}")
        if dataset.format not in loadable:
            if result.used is not None:
                not_loadable.append(dataset.id)
                echo(f"  {dataset.id}: stored, not loaded (no loader for {dataset.format} yet)")
            continue
        if result.snapshot_entries and snapshot is not None:
            snapshot_files.extend(result.snapshot_entries)
            continue
        if result.used is None:
            if dataset.raw_table in required:
                raise FetchError(
                    dataset.id,
                    result.url,
                    (result.fault or "no-file").split(":")[0],
                    f"no good version of this source exists and the build needs "
                    f"raw.{dataset.raw_table}" + (f" ({result.fault})" if result.fault else ""),
                )
            continue
        entries.extend(v.entry() for v in rs.live_versions(raw_store, dataset.id))
    if snapshot_files and snapshot is not None:
        # The embedded copy enters the raw store like any other file (content-addressed).
        snap = Snapshot(snapshot.snapshot_id, snapshot.root, tuple(snapshot_files))
        stored = rs.store_snapshot(snap, raw_store, run_id)
        entries.extend(stored.files)
    return entries, not_loadable
