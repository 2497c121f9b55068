"""One extract run, the stage before load: from the embedded snapshot (the offline default) or
from the live publishers. Either way every raw file is checked and stored in the raw store,
and the load stage gets an `Extracted`: the files to load, rooted on the raw store."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from extract import raw_store as rs
from extract.live import extract_live
from extract.live_config import LiveConfig
from extract.results import Extracted
from extract.snapshot import load_manifest

__all__ = ["extract_snapshot", "extract_sources"]


def extract_snapshot(snapshot_dir: str | Path | None, raw_store: Path, run_id: str) -> Extracted:
    """Check the snapshot against its manifest and store its files in the raw store."""
    snapshot = load_manifest(snapshot_dir)
    stored = rs.store_snapshot(snapshot, Path(raw_store), run_id)
    return Extracted(
        mode="snapshot",
        snapshot_id=stored.snapshot_id,
        raw_store=Path(raw_store),
        entries=stored.files,
    )


def extract_sources(
    data_dir: Path,
    run_id: str,
    *,
    live: bool,
    snapshot_dir: str | Path | None,
    required_raw_tables: Iterable[str],
    live_config: Mapping[str, Any] | None = None,
    echo: Callable[[str], None] = print,
) -> Extracted:
    """The extract stage: live from the publishers, or from the embedded snapshot."""
    raw_store = Path(data_dir) / "raw"
    if live:
        return extract_live(
            data_dir,
            run_id,
            required_raw_tables=required_raw_tables,
            config=LiveConfig.from_mapping(live_config),
            snapshot_dir=snapshot_dir,
            echo=echo,
        )
    extracted = extract_snapshot(snapshot_dir, raw_store, run_id)
    echo(
        f"  stored {len(extracted.entries)} file(s) of snapshot {extracted.snapshot_id} "
        f"in {raw_store}"
    )
    return extracted
