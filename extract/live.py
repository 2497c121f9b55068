"""Live extraction: fetch every catalog dataset from its publisher (or the operator's inbox),
check it, and keep every accepted version in the raw store.

Per source, one of these outcomes:
- `new`           a version not seen before, checked and stored;
- `unchanged`     the same bytes as the last good version (NBB sends no ETag: hashes compared);
- `not-modified`  the server answered 304 to a conditional request (ETag / Last-Modified);
- `stale`         the fetch or its checks failed; the last good version is used instead;
- `snapshot`      the fetch failed and there never was a good live version: the embedded
                  snapshot's copy is used (modelled data stays flagged as modelled);
- `missing`       the fetch failed and there is nothing to fall back on;
- `no-file`       a manual source whose inbox is empty: its last good version is used, or the
                  embedded snapshot's copy if it never had one (not a fault: nothing was sent);
- `not-fetched`   a source the build needs that this run did not select (`--source`): its
                  stored versions, or the embedded copy.

`stale`, `snapshot` and `missing` are faults: the flow reports them and exits non-zero.

Where things come from: the catalog's URL templates, with the scheme and host replaced by a
configured base URL per publisher when one is given (the tests point them at 127.0.0.1;
production uses the catalog's). Manual sources (`access: manual`) are read from
`<data dir>/inbox/<source id>/`: the newest file there is checked and stored like a download.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import yaml

from extract.catalog import Catalog, Dataset, load_catalog
from extract.checks import MAX_UNPACKED_BYTES, Fingerprint, check_body, compare_fingerprints
from extract.http import FetchError, HttpClient, HttpConfig
from extract.snapshot import ManifestEntry, Snapshot, SnapshotError, load_manifest, sha256_hex
from warehouse import raw_store as rs
from warehouse.config import DBT_PROJECT_DIR

__all__ = [
    "FAULT_OUTCOMES",
    "LiveConfig",
    "LiveExtract",
    "SourceResult",
    "dataset_url",
    "extract_live",
    "inbox_dir",
    "required_raw_tables",
]

FAULT_OUTCOMES = ("stale", "snapshot", "missing")
INBOX = "inbox"


@dataclass(frozen=True)
class LiveConfig:
    """What a live run fetches and how. Every field has a production default.

    JSON/YAML form (`limwh refresh --live --live-config FILE`):
        {"sources": ["nbb_regaca38"], "base_urls": {"NBB": "http://127.0.0.1:8080/nbb"},
         "parameters": {"statbel_vat_enterprises": {"year": "2024"}},
         "accept_schema": ["eurostat_employment_rate"],
         "http": {"connect_timeout": 1, "read_timeout": 2, "attempts": 3, "backoff_base": 0.01}}
    """

    sources: tuple[str, ...] | None = None  # None: every catalog dataset
    base_urls: Mapping[str, str] = field(default_factory=dict)  # publisher or source id -> URL
    parameters: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    accept_schema: tuple[str, ...] = ()  # sources whose changed schema an operator accepts
    http: HttpConfig = field(default_factory=HttpConfig)
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any] | None) -> LiveConfig:
        raw = dict(raw or {})
        known = {
            "sources",
            "base_urls",
            "parameters",
            "accept_schema",
            "http",
            "max_unpacked_bytes",
        }
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ValueError(f"live config: unknown key(s) {', '.join(unknown)}")
        sources = raw.get("sources")
        return cls(
            sources=tuple(sources) if sources is not None else None,
            base_urls=dict(raw.get("base_urls") or {}),
            parameters={k: dict(v) for k, v in (raw.get("parameters") or {}).items()},
            accept_schema=tuple(raw.get("accept_schema") or ()),
            http=HttpConfig.from_mapping(raw.get("http")),
            max_unpacked_bytes=int(raw.get("max_unpacked_bytes") or MAX_UNPACKED_BYTES),
        )

    @classmethod
    def from_file(cls, path: str | Path) -> LiveConfig:
        text = Path(path).read_text(encoding="utf-8")
        return cls.from_mapping(yaml.safe_load(text) if text.strip() else {})


@dataclass(frozen=True)
class SourceResult:
    source_id: str
    publisher: str
    access: str
    outcome: str
    url: str
    used: rs.RawVersion | None = None  # the version the build gets (None: none)
    fault: str | None = None  # "<kind>: <problem>" when the fetch or its checks failed
    attempts: int = 0
    stored_new_file: bool = False
    # Fallback to the embedded copy: every file the snapshot has of the source (Statbel's one
    # ZIP per year are one vintage; Eurostat GDP's old vintage stays beside the current one).
    snapshot_entries: tuple[ManifestEntry, ...] = ()

    @property
    def is_fault(self) -> bool:
        return self.outcome in FAULT_OUTCOMES

    def describe(self) -> str:
        used = ""
        if self.used is not None:
            used = f"; using raw version {self.used.sha256[:12]}… of {self.used.vintage}"
        elif self.snapshot_entries:
            files = len(self.snapshot_entries)
            used = "; using the embedded snapshot's copy" + (
                f" ({files} files)" if files > 1 else ""
            )
        fault = f" ({self.url}): {self.fault}" if self.fault else ""
        return f"{self.source_id} {self.outcome}{fault}{used}"

    def to_json(self) -> dict:
        return {
            "source_id": self.source_id,
            "outcome": self.outcome,
            "fault": self.fault,
            "url": self.url,
            "used_sha256": self.used.sha256 if self.used else None,
            "stored_new_file": self.stored_new_file,
        }


@dataclass(frozen=True)
class LiveExtract:
    """What the load stage gets from a live extract."""

    raw_store: Path
    results: tuple[SourceResult, ...]
    entries: tuple[ManifestEntry, ...]  # every version to load, paths relative to raw_store
    not_loadable: tuple[str, ...]  # sources stored but without a loader for their format
    snapshot_root: Path | None = None

    @property
    def faults(self) -> list[SourceResult]:
        return [r for r in self.results if r.is_fault]

    def snapshot(self, run_id: str) -> Snapshot:
        """The entries as a Snapshot rooted on the raw store (the loader's input)."""
        return Snapshot(snapshot_id=f"live-{run_id}", root=self.raw_store, files=self.entries)


# --- URLs ---------------------------------------------------------------------------------------


def dataset_url(
    dataset: Dataset, config: LiveConfig, now: datetime | None = None, part: str | None = None
) -> str:
    params = dict(config.parameters.get(dataset.id, {}))
    params.pop("years", None)
    if part:
        params["year"] = part
    if (
        "{year}" in dataset.url_template
        and "year" not in params
        and "year" not in (dataset.parameters or {})
    ):
        # Yearly files (Statbel): the last complete year unless the config names one.
        params["year"] = str((now or datetime.now(UTC)).year - 1)
    url = dataset.url(**params)
    base = config.base_urls.get(dataset.id) or config.base_urls.get(dataset.publisher)
    if not base:
        return url
    parts = urlsplit(url)
    tail = parts.path + (f"?{parts.query}" if parts.query else "")
    return base.rstrip("/") + tail


def parse_years(spec: str) -> list[str]:
    """'2008-2021,2023-2024' -> ['2008', ..., '2021', '2023', '2024']."""
    years: list[str] = []
    for item in str(spec).replace(" ", "").split(","):
        if not item:
            continue
        first, _, last = item.partition("-")
        if not (first.isdigit() and (not last or last.isdigit())):
            raise ValueError(f"years {spec!r}: {item!r} is not a year or a range of years")
        lo, hi = int(first), int(last or first)
        if hi < lo:
            raise ValueError(f"years {spec!r}: {item!r} runs backwards")
        years.extend(str(y) for y in range(lo, hi + 1))
    return list(dict.fromkeys(years))


def dataset_parts(
    dataset: Dataset, config: LiveConfig, now: datetime | None = None
) -> list[tuple[str, str]]:
    """The files one fetch of the dataset retrieves, as (part, URL) pairs.

    A dataset published one file per year (`{year}` in its URL template) is fetched for every
    year of its `years` parameter (the live config's, else the catalog's): those files are one
    version of the source. A config that names a single `year` fetches that one file. Any
    other dataset is one file, part "".
    """
    if "{year}" not in dataset.url_template:
        return [("", dataset_url(dataset, config, now))]
    own = config.parameters.get(dataset.id, {})
    if "year" in own:
        years = [str(own["year"])]
    elif "years" in own or "years" in (dataset.parameters or {}):
        years = parse_years(own.get("years") or dataset.parameters["years"])
    else:
        years = [str((now or datetime.now(UTC)).year - 1)]
    return [(year, dataset_url(dataset, config, now, part=year)) for year in years]


def inbox_dir(data_dir: Path, source_id: str) -> Path:
    return Path(data_dir) / INBOX / source_id


def required_raw_tables(project_dir: Path = DBT_PROJECT_DIR) -> set[str]:
    """Raw tables the dbt project reads (its `raw` sources): a build cannot do without them."""
    tables: set[str] = set()
    for path in (project_dir / "models").rglob("*.yml"):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError:
            continue
        for source in doc.get("sources") or []:
            # Each publisher declares its own dbt source (raw, raw_statbel, raw_eurostat, ...),
            # all over the `raw` schema. A staging model may read an absent table as empty
            # (macro optional_source), but the checks then fail on the missing values: the
            # build needs every one of them.
            if isinstance(source, dict) and (source.get("schema") or source.get("name")) == "raw":
                tables.update(t["name"] for t in source.get("tables") or [] if "name" in t)
    tables.discard("source_files")
    return tables


# --- one source --------------------------------------------------------------------------------


@dataclass
class _Context:
    raw_store: Path
    data_dir: Path
    run_id: str
    config: LiveConfig
    client: HttpClient
    now: Callable[[], datetime]


def _fetch_http(dataset: Dataset, ctx: _Context, last: rs.RawVersion | None) -> SourceResult:
    """Fetch every file of the source; store them only if every one passed its checks."""
    parts = dataset_parts(dataset, ctx.config, ctx.now())
    retrieved_at = ctx.now()  # one time for all the files: they form one vintage
    fetched = []
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
            fetched.append((part, url, response, part_last, None))
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
        fetched.append((part, url, response, part_last, checked.fingerprint))

    new_file = changed = False
    for part, url, response, part_last, fingerprint in fetched:
        common = {
            "run_id": ctx.run_id,
            "source_id": dataset.id,
            "fmt": dataset.format,
            "url": url,
            "query": urlsplit(url).query,
            "origin": "http",
            "retrieved_at": retrieved_at,
            "licence": dataset.licence,
            "attribution": dataset.attribution,
            "part": part,
        }
        if fingerprint is None:  # 304 Not Modified: the version already held
            rs.store_live(
                ctx.raw_store,
                body=None,
                sha256=part_last.sha256,
                size=part_last.bytes,
                http_status=304,
                etag=response.etag or part_last.etag,
                last_modified=response.last_modified or part_last.last_modified,
                fingerprint=part_last.fingerprint,
                **common,
            )
            continue
        sha = sha256_hex(response.body)
        _, stored = rs.store_live(
            ctx.raw_store,
            body=response.body,
            sha256=sha,
            size=len(response.body),
            http_status=response.status,
            etag=response.etag,
            last_modified=response.last_modified,
            fingerprint=fingerprint.to_json(),
            **common,
        )
        new_file = new_file or stored
        changed = changed or part_last is None or part_last.sha256 != sha
    if all(f[4] is None for f in fetched):
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


def _fetch_inbox(dataset: Dataset, ctx: _Context, last: rs.RawVersion | None) -> SourceResult:
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
    return _accept(
        dataset,
        ctx,
        last,
        url=url,
        body=body,
        fingerprint=checked.fingerprint,
        origin="inbox",
        retrieved_at=ctx.now(),
        http_status=None,
        etag=None,
        last_modified=None,
        attempts=1,
        extension=PurePosixPath(newest.name).suffix or None,
    )


def _accept(
    dataset: Dataset,
    ctx: _Context,
    last: rs.RawVersion | None,
    *,
    url: str,
    body: bytes,
    fingerprint: Fingerprint,
    origin: str,
    retrieved_at: datetime,
    http_status: int | None,
    etag: str | None,
    last_modified: str | None,
    attempts: int,
    extension: str | None = None,
) -> SourceResult:
    if dataset.id not in ctx.config.accept_schema:
        previous = Fingerprint.from_json(last.fingerprint) if last and last.fingerprint else None
        compare_fingerprints(dataset, url, previous, fingerprint)
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
        origin=origin,
        retrieved_at=retrieved_at,
        http_status=http_status,
        etag=etag,
        last_modified=last_modified,
        licence=dataset.licence,
        attribution=dataset.attribution,
        fingerprint=fingerprint.to_json(),
        extension=extension,
    )
    outcome = "unchanged" if last is not None and last.sha256 == sha else "new"
    return SourceResult(
        dataset.id,
        dataset.publisher,
        dataset.access,
        outcome,
        url,
        used=rs.last_good(ctx.raw_store, dataset.id),
        attempts=attempts,
        stored_new_file=new_file,
    )


def fetch_source(dataset: Dataset, ctx: _Context, snapshot: Snapshot | None) -> SourceResult:
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


# --- every source ------------------------------------------------------------------------------


def extract_live(
    data_dir: str | Path,
    run_id: str,
    *,
    config: LiveConfig | None = None,
    catalog: Catalog | None = None,
    snapshot_dir: str | Path | None = None,
    client: HttpClient | None = None,
    now: Callable[[], datetime] | None = None,
    loadable_formats: Iterable[str] | None = None,
    echo: Callable[[str], None] = print,
) -> LiveExtract:
    """Fetch, check and store every selected source; return what the loader should read.

    The loader gets every stored live version of each source whose format has a loader (so
    the build holds every vintage), the embedded snapshot's copy for a source that never had a
    good live version, and nothing for a source without a loader (reported, not fatal).
    """
    from warehouse.load import supported_formats

    config = config or LiveConfig()
    catalog = catalog or load_catalog()
    data_dir = Path(data_dir)
    raw_store = data_dir / "raw"
    loadable = set(loadable_formats if loadable_formats is not None else supported_formats())
    wanted = config.sources if config.sources is not None else tuple(d.id for d in catalog)
    datasets = [catalog.get(s) for s in wanted]
    try:
        snapshot = load_manifest(snapshot_dir)
    except SnapshotError:
        snapshot = None
    own_client = client is None
    client = client or HttpClient(config.http)
    ctx = _Context(raw_store, data_dir, run_id, config, client, now or (lambda: datetime.now(UTC)))
    try:
        results = tuple(fetch_source(d, ctx, snapshot) for d in datasets)
    finally:
        if own_client:
            client.close()

    required = required_raw_tables()
    # A dataset the build needs but this run does not fetch (`--source` picked others) keeps
    # what the raw store has, or the embedded copy.
    fetched = {d.id for d in datasets}
    for dataset in catalog:
        if dataset.id in fetched or dataset.raw_table not in required:
            continue
        last = rs.last_good(raw_store, dataset.id)
        fallback = snapshot.entries(dataset.id) if snapshot is not None else []
        datasets.append(dataset)
        results += (
            SourceResult(
                dataset.id,
                dataset.publisher,
                dataset.access,
                "not-fetched",
                dataset.url_template,
                used=last,
                snapshot_entries=tuple(fallback) if last is None else (),
            ),
        )
    entries: list[ManifestEntry] = []
    not_loadable: list[str] = []
    snapshot_files: list[tuple[ManifestEntry, bytes]] = []
    for dataset, result in zip(datasets, results, strict=True):
        echo(f"  {result.describe()}")
        if dataset.format not in loadable:
            if result.used is not None:
                not_loadable.append(dataset.id)
                echo(f"  {dataset.id}: stored, not loaded (no loader for {dataset.format} yet)")
            continue
        if result.snapshot_entries and snapshot is not None:
            snapshot_files.extend((e, snapshot.read_bytes(e)) for e in result.snapshot_entries)
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
    if snapshot_files:
        # The embedded copy enters the raw store like any other file (content-addressed).
        snap = Snapshot(snapshot.snapshot_id, snapshot.root, tuple(e for e, _ in snapshot_files))
        stored = rs.store_snapshot(snap, raw_store, run_id)
        entries.extend(stored.files)
    # The loader's input in catalog order, whichever sources this run selected: the same raw
    # versions give the same build.
    position = {d.id: i for i, d in enumerate(catalog)}
    entries.sort(key=lambda e: position.get(e.source_id, len(position)))
    return LiveExtract(
        raw_store=raw_store,
        results=results,
        entries=tuple(entries),
        not_loadable=tuple(not_loadable),
    )
