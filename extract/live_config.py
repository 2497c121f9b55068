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

__all__ = ["INBOX", "LiveConfig", "dataset_parts", "dataset_url", "inbox_dir", "parse_years"]

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
