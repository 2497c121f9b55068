"""Fetch one source from its publisher (or the operator's inbox), check it, and keep every
accepted version in the raw store. A rejected response is never stored."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from extract import raw_store as rs
from extract.catalog import Dataset
from extract.checks import check_body, compare_fingerprints
from extract.formats.sniffing import Fingerprint
from extract.http import FetchError, HttpClient, HttpResponse
from extract.live_config import LiveConfig, dataset_parts, inbox_dir
from extract.results import SourceResult
from extract.snapshot import Snapshot, sha256_hex

__all__ = ["FetchContext", "fetch_source"]


@dataclass
class FetchContext:
    raw_store: Path
    data_dir: Path
    run_id: str
    config: LiveConfig
    client: HttpClient
    now: Callable[[], datetime]


@dataclass(frozen=True)
class _Fetched:
    """One file of a fetch that passed its checks; fingerprint None for a 304 Not Modified."""

    part: str
    url: str
    response: HttpResponse
    part_last: rs.RawVersion | None
    fingerprint: Fingerprint | None


def fetch_source(dataset: Dataset, ctx: FetchContext, snapshot: Snapshot | None) -> SourceResult:
    last = rs.last_good(ctx.raw_store, dataset.id)
    try:
        if dataset.access == "manual":
            result = _fetch_inbox(dataset, ctx, last)
            fallback = snapshot.entries(dataset.id) if snapshot is not None else []
            if result.used is None and fallback:
                # Nothing dropped yet and never a file: the embedded copy, as in snapshot mode.
                result = dataclasses.replace(result, snapshot_entries=tuple(fallback))
            return result
        return _fetch_http(dataset, ctx, last)
    except FetchError as exc:
        fault = f"{exc.fault}: {exc.problem}"
        url = exc.url
    if last is not None:
        return SourceResult(
            dataset.id, dataset.publisher, dataset.access, "stale", url, used=last, fault=fault
        )
    fallback = snapshot.entries(dataset.id) if snapshot is not None else []
    if fallback:
        return SourceResult(
            dataset.id,
            dataset.publisher,
            dataset.access,
            "snapshot",
            url,
            fault=fault,
            snapshot_entries=tuple(fallback),
        )
    return SourceResult(dataset.id, dataset.publisher, dataset.access, "missing", url, fault=fault)


def _fetch_http(dataset: Dataset, ctx: FetchContext, last: rs.RawVersion | None) -> SourceResult:
    """Fetch every file of the source; store them only if every one passed its checks."""
    parts = dataset_parts(dataset, ctx.config, ctx.now())
    retrieved_at = ctx.now()  # one time for all the files: they form one vintage
    fetched, attempts = _fetch_parts(dataset, ctx, last, parts)
    new_file = changed = False
    for f in fetched:
        stored, differs = _store_part(dataset, ctx, f, retrieved_at)
        new_file = new_file or stored
        changed = changed or differs
    if all(f.fingerprint is None for f in fetched):
        outcome = "not-modified"
    else:
        outcome = "new" if changed else "unchanged"
    return SourceResult(
        dataset.id,
        dataset.publisher,
        dataset.access,
        outcome,
        parts[0][1] if len(parts) == 1 else f"{parts[0][1]} (+{len(parts) - 1} more)",
        used=rs.last_good(ctx.raw_store, dataset.id),
        attempts=attempts,
        stored_new_file=new_file,
    )


def _fetch_parts(
    dataset: Dataset,
    ctx: FetchContext,
    last: rs.RawVersion | None,
    parts: list[tuple[str, str]],
) -> tuple[list[_Fetched], int]:
    fetched: list[_Fetched] = []
    attempts = 0
    for part, url in parts:
        part_last = rs.last_good(ctx.raw_store, dataset.id, part) if part else last
        response = ctx.client.get(
            dataset.id,
            url,
            accept=dataset.media_type,
            etag=part_last.etag if part_last else None,
            last_modified=part_last.last_modified if part_last else None,
        )
        attempts += response.attempts
        if response.not_modified:
            if part_last is None:
                raise FetchError(
                    dataset.id, url, "http-status", "HTTP 304 without an earlier version"
                )
            fetched.append(_Fetched(part, url, response, part_last, None))
            continue
        checked = check_body(
            dataset,
            url,
            response.body,
            content_type=response.content_type,
            max_unpacked=ctx.config.max_unpacked_bytes,
        )
        if dataset.id not in ctx.config.accept_schema:
            previous = part_last or last
            known = (
                Fingerprint.from_json(previous.fingerprint)
                if previous and previous.fingerprint
                else None
            )
            compare_fingerprints(dataset, url, known, checked.fingerprint)
        fetched.append(_Fetched(part, url, response, part_last, checked.fingerprint))
    return fetched, attempts


def _store_part(
    dataset: Dataset, ctx: FetchContext, f: _Fetched, retrieved_at: datetime
) -> tuple[bool, bool]:
    """Record one accepted file; returns (stored a new file, differs from the last version)."""
    common = {
        "run_id": ctx.run_id,
        "source_id": dataset.id,
        "fmt": dataset.format,
        "url": f.url,
        "query": urlsplit(f.url).query,
        "origin": "http",
        "retrieved_at": retrieved_at,
        "licence": dataset.licence,
        "attribution": dataset.attribution,
        "part": f.part,
    }
    if f.fingerprint is None:  # 304 Not Modified: the version already held
        assert f.part_last is not None
        rs.store_live(
            ctx.raw_store,
            body=None,
            sha256=f.part_last.sha256,
            size=f.part_last.bytes,
            http_status=304,
            etag=f.response.etag or f.part_last.etag,
            last_modified=f.response.last_modified or f.part_last.last_modified,
            fingerprint=f.part_last.fingerprint,
            **common,
        )
        return False, False
    sha = sha256_hex(f.response.body)
    _, stored = rs.store_live(
        ctx.raw_store,
        body=f.response.body,
        sha256=sha,
        size=len(f.response.body),
        http_status=f.response.status,
        etag=f.response.etag,
        last_modified=f.response.last_modified,
        fingerprint=f.fingerprint.to_json(),
        **common,
    )
    return stored, f.part_last is None or f.part_last.sha256 != sha


def _fetch_inbox(dataset: Dataset, ctx: FetchContext, last: rs.RawVersion | None) -> SourceResult:
    folder = inbox_dir(ctx.data_dir, dataset.id)
    files = []
    if folder.is_dir():
        files = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
    if not files:
        return SourceResult(
            dataset.id, dataset.publisher, dataset.access, "no-file", f"inbox:{folder}", used=last
        )
    newest = max(files, key=lambda p: (p.stat().st_mtime, p.name))
    url = f"inbox:{newest}"
    body = newest.read_bytes()
    checked = check_body(
        dataset, url, body, filename=newest.name, max_unpacked=ctx.config.max_unpacked_bytes
    )
    if dataset.id not in ctx.config.accept_schema:
        previous = Fingerprint.from_json(last.fingerprint) if last and last.fingerprint else None
        compare_fingerprints(dataset, url, previous, checked.fingerprint)
    sha = sha256_hex(body)
    _, new_file = rs.store_live(
        ctx.raw_store,
        run_id=ctx.run_id,
        source_id=dataset.id,
        fmt=dataset.format,
        body=body,
        sha256=sha,
        size=len(body),
        url=url,
        query=urlsplit(url).query,
        origin="inbox",
        retrieved_at=ctx.now(),
        http_status=None,
        etag=None,
        last_modified=None,
        licence=dataset.licence,
        attribution=dataset.attribution,
        fingerprint=checked.fingerprint.to_json(),
        extension=PurePosixPath(newest.name).suffix or None,
    )
    outcome = "unchanged" if last is not None and last.sha256 == sha else "new"
    return SourceResult(
        dataset.id,
        dataset.publisher,
        dataset.access,
        outcome,
        url,
        used=rs.last_good(ctx.raw_store, dataset.id),
        attempts=1,
        stored_new_file=new_file,
    )
