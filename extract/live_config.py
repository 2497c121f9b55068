"""What a live run fetches and how: the live config, the URL of each file of a dataset, and the
inbox folder of a manual source.

Where things come from: the catalog's URL templates, with the scheme and host replaced by a
configured base URL per publisher when one is given (the tests point them at 127.0.0.1;
production uses the catalog's). Manual sources (`access: manual`) are read from
`<data dir>/inbox/<source id>/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from extract.catalog import Dataset
from extract.formats.sniffing import MAX_UNPACKED_BYTES
from extract.http import HttpConfig

__all__ = [
    "INBOX",
    "LiveConfig",
    "dataset_parts",
    "dataset_url",
    "dataset_urls",
    "inbox_dir",
    "parse_years",
    "read_live_config_file",
]

INBOX = "inbox"


@dataclass(frozen=True)
class LiveConfig:
    """What a live run fetches and how. Every field has a production default.

    JSON/YAML form (`limwh refresh --live --live-config FILE`):
        {"sources": ["nbb_regaca38"], "base_urls": {"NBB": "http://127.0.0.1:8080/nbb"},
         "parameters": {"statbel_vat_enterprises": {"year": "2024"}},
         "accept_schema": ["eurostat_employment_rate"],
         "request_headers": {"NBB": {"Origin": "https://nsidisseminate-stat.nbb.be"}},
         "http": {"connect_timeout": 1, "read_timeout": 2, "attempts": 3, "backoff_base": 0.01}}

    `request_headers` adds headers to every request of a publisher (or of one source id),
    for a firewall that wants them; it cannot replace Accept, conditional or User-Agent
    headers (the User-Agent is `http.user_agent`).
    """

    sources: tuple[str, ...] | None = None  # None: every catalog dataset
    base_urls: Mapping[str, str] = field(default_factory=dict)  # publisher or source id -> URL
    parameters: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    accept_schema: tuple[str, ...] = ()  # sources whose changed schema an operator accepts
    request_headers: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
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
            "request_headers",
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
            request_headers=_request_headers(raw.get("request_headers")),
            http=HttpConfig.from_mapping(raw.get("http")),
            max_unpacked_bytes=int(raw.get("max_unpacked_bytes") or MAX_UNPACKED_BYTES),
        )

    @classmethod
    def from_file(cls, path: str | Path) -> LiveConfig:
        return cls.from_mapping(read_live_config_file(path))

    def headers_for(self, dataset: Dataset) -> dict[str, str]:
        """Extra request headers: the publisher's, then the source's own on top."""
        return {
            **self.request_headers.get(dataset.publisher, {}),
            **self.request_headers.get(dataset.id, {}),
        }


def read_live_config_file(path: str | Path) -> dict[str, Any]:
    """The mapping a live config file (YAML or JSON) holds, checked; errors name the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        raw = yaml.safe_load(text) if text.strip() else {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"live config {path}: cannot read it: {exc}") from None
    if not isinstance(raw, dict):
        raise ValueError(f"live config {path}: expected a mapping at the top level")
    try:
        LiveConfig.from_mapping(raw)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"live config {path}: {exc}") from None
    return raw


# Headers the HTTP layer sets itself: a config may not override them.
RESERVED_HEADERS = frozenset(
    {"accept", "accept-encoding", "if-none-match", "if-modified-since", "user-agent", "host"}
)


def _request_headers(raw: Any) -> dict[str, dict[str, str]]:
    if not raw:
        return {}
    if not isinstance(raw, Mapping):
        raise ValueError("live config: request_headers must map publishers or sources to headers")
    out: dict[str, dict[str, str]] = {}
    for owner, headers in raw.items():
        if not isinstance(headers, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
        ):
            raise ValueError(f"live config: request_headers.{owner} must map names to strings")
        reserved = sorted(k for k in headers if k.lower() in RESERVED_HEADERS)
        if reserved:
            raise ValueError(
                f"live config: request_headers.{owner} may not set {', '.join(reserved)}"
            )
        out[str(owner)] = dict(headers)
    return out


def dataset_urls(
    dataset: Dataset, config: LiveConfig, now: datetime | None = None, part: str | None = None
) -> list[str]:
    """The URL of one file of the dataset, then the other names the publisher has used for
    it (tried in order on a 404), each on the configured base URL if there is one."""
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
    base = config.base_urls.get(dataset.id) or config.base_urls.get(dataset.publisher)
    return [_on_base(url, base) for url in dataset.urls(**params)]


def dataset_url(
    dataset: Dataset, config: LiveConfig, now: datetime | None = None, part: str | None = None
) -> str:
    return dataset_urls(dataset, config, now, part)[0]


def _on_base(url: str, base: str | None) -> str:
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
) -> list[tuple[str, list[str]]]:
    """The files one fetch of the dataset retrieves, as (part, URLs) pairs: the URL of the
    file, then its alternative names.

    A dataset published one file per year (`{year}` in its URL template) is fetched for every
    year of its `years` parameter (the live config's, else the catalog's): those files are one
    version of the source. A config that names a single `year` fetches that one file. Any
    other dataset is one file, part "".
    """
    if "{year}" not in dataset.url_template:
        return [("", dataset_urls(dataset, config, now))]
    own = config.parameters.get(dataset.id, {})
    if "year" in own:
        years = [str(own["year"])]
    elif "years" in own or "years" in (dataset.parameters or {}):
        years = parse_years(own.get("years") or dataset.parameters["years"])
    else:
        years = [str((now or datetime.now(UTC)).year - 1)]
    return [(year, dataset_urls(dataset, config, now, part=year)) for year in years]


def inbox_dir(data_dir: Path, source_id: str) -> Path:
    return Path(data_dir) / INBOX / source_id
