"""Fetch one source from its publisher (or the operator's inbox), check it, and keep every
accepted version in the raw store.

A file is accepted only when it passes the format's body check, the schema fingerprint
comparison and the loader's own parser. A rejected file is never a source's good version: its
bytes are quarantined with the fault (`extract.quarantine`), an inbox file is moved out of the
inbox, and the source falls back to its last good version.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from extract import raw_store as rs
from extract.catalog import Dataset
from extract.checks import check_body, check_loadable, compare_fingerprints
from extract.formats.sniffing import Fingerprint
from extract.http import FetchError, HttpClient, HttpResponse
from extract.live_config import LiveConfig, dataset_parts, inbox_dir
from extract.quarantine import quarantine
from extract.results import SourceResult
from extract.snapshot import Snapshot, published_name, sha256_hex

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
                # Never a good file: the embedded copy, as in snapshot mode.
                result = dataclasses.replace(
                    result,
                    outcome="snapshot" if result.fault else result.outcome,
                    snapshot_entries=tuple(fallback),
                )
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
        fetched[0].url if len(fetched) == 1 else f"{fetched[0].url} (+{len(fetched) - 1} more)",
        used=rs.last_good(ctx.raw_store, dataset.id),
        attempts=attempts,
        stored_new_file=new_file,
    )


def _fetch_parts(
    dataset: Dataset,
    ctx: FetchContext,
    last: rs.RawVersion | None,
    parts: list[tuple[str, list[str]]],
) -> tuple[list[_Fetched], int]:
    fetched: list[_Fetched] = []
    attempts = 0
    for part, urls in parts:
        part_last = rs.last_good(ctx.raw_store, dataset.id, part) if part else last
        url, response, tries = _get_first_found(dataset, ctx, urls, part_last)
        attempts += tries
        if response.not_modified:
            if part_last is None:
                raise FetchError(
                    dataset.id, url, "http-status", "HTTP 304 without an earlier version"
                )
            fetched.append(_Fetched(part, url, response, part_last, None))
            continue
        found = _accept(
            dataset,
            ctx,
            url,
            response.body,
            previous=part_last or last,
            content_type=response.content_type,
            origin="http",
        )
        fetched.append(_Fetched(part, url, response, part_last, found))
    return fetched, attempts


def _get_first_found(
    dataset: Dataset, ctx: FetchContext, urls: list[str], part_last: rs.RawVersion | None
) -> tuple[str, HttpResponse, int]:
    """GET the file's URL; on a 404, its alternative names in order (Statbel renames some
    years' files). Returns (the URL that answered, the response, attempts)."""
    tries = 0
    missing: list[str] = []
    for url in urls:
        # A conditional request only makes sense at the URL that served the last version.
        same = part_last is not None and part_last.url == url
        try:
            response = ctx.client.get(
                dataset.id,
                url,
                accept=dataset.media_type,
                etag=part_last.etag if same and part_last else None,
                last_modified=part_last.last_modified if same and part_last else None,
                extra_headers=ctx.config.headers_for(dataset),
            )
        except FetchError as exc:
            tries += 1
            if exc.http_status == 404 and url != urls[-1]:
                missing.append(url)
                continue
            if missing:
                exc = FetchError(
                    dataset.id,
                    url,
                    exc.fault,
                    f"{exc.problem} (after HTTP 404 at {', '.join(missing)})",
                    exc.http_status,
                )
            raise exc from None
        return url, response, tries + response.attempts
    raise AssertionError("no URL to fetch")  # dataset_parts always gives one


def _accept(
    dataset: Dataset,
    ctx: FetchContext,
    url: str,
    body: bytes,
    *,
    previous: rs.RawVersion | None,
    origin: str,
    content_type: str | None = None,
    name: str | None = None,
) -> Fingerprint:
    """Every check a file must pass before it may be stored; a refused file is quarantined
    and the FetchError says where it was kept."""
    name = name or published_name(url)
    try:
        checked = check_body(
            dataset,
            url,
            body,
            content_type=content_type,
            filename=name,
            max_unpacked=ctx.config.max_unpacked_bytes,
        )
        if dataset.id not in ctx.config.accept_schema:
            known = (
                Fingerprint.from_json(previous.fingerprint)
                if previous and previous.fingerprint
                else None
            )
            compare_fingerprints(dataset, url, known, checked.fingerprint)
        check_loadable(dataset, url, body, name)
    except FetchError as exc:
        if not body.strip():
            raise
        kept = quarantine(
            ctx.raw_store,
            run_id=ctx.run_id,
            source_id=dataset.id,
            body=body,
            url=url,
            origin=origin,
            fault=f"{exc.fault}: {exc.problem}",
            at=ctx.now(),
            name=name,
        )
        raise FetchError(
            dataset.id, url, exc.fault, f"{exc.problem} [quarantined as {kept.path}]"
        ) from None
    return checked.fingerprint


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
        # A file's own suffix (Statbel's 2023 workbook is .xlsx), else the format's.
        "extension": PurePosixPath(published_name(f.url)).suffix or None,
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
        final_url=f.response.url,
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
    """A manual source: the newest file of its inbox folder, or every file (`inbox: each`,
    one file per period, each a part of the source named by its file name)."""
    folder = inbox_dir(ctx.data_dir, dataset.id)
    if folder.is_symlink() or folder.parent.is_symlink():
        raise FetchError(
            dataset.id, f"inbox:{folder}", "inbox", "the inbox folder is a symbolic link: not read"
        )
    files = []
    if folder.is_dir():
        files = [p for p in folder.iterdir() if not p.name.startswith(".")]
    if not files:
        return SourceResult(
            dataset.id, dataset.publisher, dataset.access, "no-file", f"inbox:{folder}", used=last
        )
    if dataset.inbox == "each":
        chosen = sorted(files, key=lambda p: p.name)
    else:
        chosen = [max(files, key=lambda p: (p.lstat().st_mtime, p.name))]
    retrieved_at = ctx.now()
    new_file = changed = False
    faults: list[str] = []
    for path in chosen:
        part = path.stem if dataset.inbox == "each" else ""
        try:
            stored, differs = _store_inbox_file(dataset, ctx, path, part, last, retrieved_at)
        except FetchError as exc:
            faults.append(f"{exc.fault}: {path.name}: {exc.problem}")
            continue
        new_file = new_file or stored
        changed = changed or differs
    url = f"inbox:{chosen[0]}" if len(chosen) == 1 else f"inbox:{folder} ({len(chosen)} files)"
    used = rs.last_good(ctx.raw_store, dataset.id)
    if faults:
        outcome = "stale" if used is not None else "missing"
        return SourceResult(
            dataset.id,
            dataset.publisher,
            dataset.access,
            outcome,
            url,
            used=used,
            fault="; ".join(faults),
            attempts=len(chosen),
            stored_new_file=new_file,
        )
    return SourceResult(
        dataset.id,
        dataset.publisher,
        dataset.access,
        "new" if changed else "unchanged",
        url,
        used=used,
        attempts=len(chosen),
        stored_new_file=new_file,
    )


def _store_inbox_file(
    dataset: Dataset,
    ctx: FetchContext,
    path: Path,
    part: str,
    last: rs.RawVersion | None,
    retrieved_at: datetime,
) -> tuple[bool, bool]:
    """Check one dropped file and store it; a refused file leaves the inbox for the
    quarantine. Returns (stored a new file, differs from the part's last version)."""
    url = f"inbox:{path}"
    body = _read_inbox_file(dataset, ctx, path, url)
    part_last = rs.last_good(ctx.raw_store, dataset.id, part) if part else last
    try:
        found = _accept(
            dataset, ctx, url, body, previous=part_last or last, origin="inbox", name=path.name
        )
    except FetchError as exc:
        if body.strip():
            path.unlink(missing_ok=True)  # its bytes are in the quarantine now
        raise FetchError(
            dataset.id,
            url,
            exc.fault,
            f"{exc.problem}; removed from the inbox: fix the file (or accept its new schema "
            "with --accept-schema) and drop it again",
        ) from None
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
        query="",
        origin="inbox",
        retrieved_at=retrieved_at,
        http_status=None,
        etag=None,
        last_modified=None,
        licence=dataset.licence,
        attribution=dataset.attribution,
        fingerprint=found.to_json(),
        extension=PurePosixPath(path.name).suffix or None,
        part=part,
    )
    return new_file, part_last is None or part_last.sha256 != sha


# An operator's file name longer than this is refused (the file system allows 255 bytes; the
# warehouse stores by hash and keeps the name in the manifest only).
MAX_INBOX_NAME = 200


def _read_inbox_file(dataset: Dataset, ctx: FetchContext, path: Path, url: str) -> bytes:
    """The bytes of a dropped file: a regular file (never a link, a folder or a device), a name
    of sensible length, within the size cap, read only after those checks."""
    shown = path.name if len(path.name) <= 80 else path.name[:77] + "..."
    try:
        info = path.lstat()
    except OSError as exc:
        raise FetchError(dataset.id, url, "inbox", f"{shown}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
        raise FetchError(dataset.id, url, "inbox", f"{shown} is {kind}: not read")
    if len(path.name.encode()) > MAX_INBOX_NAME:
        raise FetchError(
            dataset.id,
            url,
            "inbox",
            f"{shown}: a name of {len(path.name.encode())} bytes (at most {MAX_INBOX_NAME}): "
            "rename the file",
        )
    cap = ctx.config.http.max_bytes
    if info.st_size > cap:
        raise FetchError(
            dataset.id, url, "inbox", f"{shown}: {info.st_size:,} bytes, over the cap of {cap:,}"
        )
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as fh:
            body = fh.read(cap + 1)
    except OSError as exc:
        raise FetchError(dataset.id, url, "inbox", f"{shown}: {exc.strerror}") from None
    if len(body) > cap:
        raise FetchError(dataset.id, url, "inbox", f"{shown}: grew over the cap of {cap:,}")
    return body
