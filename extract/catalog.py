"""The dataset catalog (extract/catalog.yaml): load, validate, and return typed entries."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from extract.formats import FORMATS as _REGISTRY
from extract.paths import CATALOG_PATH, PROJECT_ROOT

PUBLISHERS = ("NBB", "Statbel", "Eurostat", "VDAB", "RSZ")
FORMATS = tuple(_REGISTRY)  # every format id the registry knows (extract/formats/)
ACCESS = ("api", "file", "manual")
CADENCES = ("annual", "semi-annual", "quarterly", "monthly", "irregular")
# Days between releases, and after how many days without a new file a source is stale (the
# publishers' release dates drift by some weeks). dbt's source freshness and `limwh status`
# both use these.
CADENCE_DAYS = {"monthly": 31, "quarterly": 92, "semi-annual": 183, "annual": 365, "irregular": 730}
STALE_AFTER_DAYS = {
    "monthly": 31 + 14,
    "quarterly": 92 + 30,
    "semi-annual": 183 + 45,
    "annual": 365 + 60,
    "irregular": 2 * 365,
}
INDICATORS = (
    "employees",
    "hours_worked",
    "gross_value_added",
    "gva_per_hour",
    "gdp_per_inhabitant",
    "employment",
    "self_employed",
    "vat_enterprises",
    "vat_starters",
    "establishments_with_staff",
    "job_seekers_rate_18_64",
    "employment_rate_20_64",
    "manufacturing_share_of_employees",
    "manufacturing_share_of_gva",
    "share_of_manufacturing_employees",
)

REQUIRED_FIELDS = (
    "id",
    "publisher",
    "dataset_id",
    "title",
    "url_template",
    "format",
    "licence",
    "attribution",
    "release_cadence",
    "access",
    "raw_table",
    "snapshot",
    "indicators",
    "notes",
)
OPTIONAL_FIELDS = (
    "dimensions",
    "parameters",
    "media_type",
    "landing_page",
    "url_alternatives",
    "inbox",
)
# A manual source's inbox: `newest` reads the newest file (each export holds the whole
# series); `each` reads every file, one per period (RSZ publishes one workbook per quarter).
INBOX_MODES = ("newest", "each")

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")

__all__ = [
    "ACCESS",
    "CADENCES",
    "CADENCE_DAYS",
    "FORMATS",
    "INBOX_MODES",
    "INDICATORS",
    "PUBLISHERS",
    "STALE_AFTER_DAYS",
    "Catalog",
    "CatalogError",
    "Dataset",
    "SnapshotSource",
    "load_catalog",
]


class CatalogError(ValueError):
    """The catalog file is malformed; the message names the dataset and the field."""


@dataclass(frozen=True)
class Dataset:
    id: str
    publisher: str
    dataset_id: str
    title: str
    url_template: str
    format: str
    licence: str
    attribution: str
    release_cadence: str
    access: str
    raw_table: str
    snapshot: str | None
    indicators: tuple[str, ...]
    notes: str
    dimensions: tuple[str, ...] | None = None
    parameters: Mapping[str, str] = field(default_factory=dict)
    media_type: str | None = None
    landing_page: str | None = None
    # Other names the publisher has used for the same file, tried in order when the URL
    # answers 404 (Statbel's yearly files: TF_..._SQ_{year}.zip, VF_..., an .xlsx).
    url_alternatives: tuple[str, ...] = ()
    inbox: str = "newest"

    @property
    def freshness_days(self) -> tuple[int, int]:
        """(warn after, stale after) days without a newer file, from the release cadence."""
        return CADENCE_DAYS[self.release_cadence], STALE_AFTER_DAYS[self.release_cadence]

    def url(self, **params: str) -> str:
        """The URL with its placeholders filled from `parameters`, overridden by `params`."""
        return self.urls(**params)[0]

    def urls(self, **params: str) -> list[str]:
        """The URL, then its alternatives, with the placeholders filled in."""
        values = {**self.parameters, **params}
        filled = []
        for template in (self.url_template, *self.url_alternatives):
            missing = [name for name in _placeholders(template) if name not in values]
            if missing:
                raise CatalogError(
                    f"dataset {self.id!r}: url_template needs {', '.join(missing)}; pass them"
                )
            filled.append(template.format(**values))
        return filled


@dataclass(frozen=True)
class SnapshotSource:
    manifest: str  # relative to the project root

    @property
    def manifest_path(self) -> Path:
        return PROJECT_ROOT / PurePosixPath(self.manifest)


@dataclass(frozen=True)
class Catalog:
    path: Path
    version: int
    snapshot: SnapshotSource
    datasets: tuple[Dataset, ...]

    def __iter__(self) -> Iterator[Dataset]:
        return iter(self.datasets)

    def __len__(self) -> int:
        return len(self.datasets)

    def __contains__(self, dataset_id: object) -> bool:
        return any(d.id == dataset_id for d in self.datasets)

    def get(self, dataset_id: str) -> Dataset:
        for dataset in self.datasets:
            if dataset.id == dataset_id:
                return dataset
        known = ", ".join(d.id for d in self.datasets)
        raise CatalogError(f"no dataset {dataset_id!r} in {self.path} (known: {known})")

    def by_publisher(self, publisher: str) -> list[Dataset]:
        return [d for d in self.datasets if d.publisher == publisher]

    def publishers(self) -> list[str]:
        return list(dict.fromkeys(d.publisher for d in self.datasets))


def _placeholders(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


class _Check:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> CatalogError:
        return CatalogError(f"{self.path}: {where}: {problem}")

    def text(self, raw: Mapping[str, Any], name: str, where: str) -> str:
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"field {name!r} must be a non-empty string, got {value!r}")
        return value.strip()

    def choice(
        self, raw: Mapping[str, Any], name: str, where: str, allowed: tuple[str, ...]
    ) -> str:
        value = self.text(raw, name, where)
        if value not in allowed:
            raise self.fail(where, f"field {name!r} is {value!r}; allowed: {', '.join(allowed)}")
        return value

    def text_list(self, raw: Mapping[str, Any], name: str, where: str) -> tuple[str, ...]:
        value = raw.get(name)
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            raise self.fail(where, f"field {name!r} must be a non-empty list of strings")
        if len(set(value)) != len(value):
            raise self.fail(where, f"field {name!r} lists a value twice")
        return tuple(value)

    def relative_path(self, value: Any, name: str, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"field {name!r} must be a relative path or null")
        path = PurePosixPath(value)
        if path.is_absolute() or ".." in path.parts or "\\" in value:
            raise self.fail(where, f"field {name!r} ({value!r}) must be a relative POSIX path")
        return value


def _dataset(raw: Any, index: int, check: _Check) -> Dataset:
    if not isinstance(raw, dict):
        raise check.fail(f"datasets[{index}]", "each dataset must be a mapping")
    name = raw.get("id")
    where = f"dataset {name!r}" if isinstance(name, str) and name else f"datasets[{index}]"
    unknown = sorted(set(raw) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS))
    if unknown:
        raise check.fail(where, f"unknown field(s) {', '.join(unknown)}")
    missing = [f for f in REQUIRED_FIELDS if f not in raw]
    if missing:
        raise check.fail(where, f"missing field(s) {', '.join(missing)}")

    dataset_id = check.text(raw, "id", where)
    if not _IDENTIFIER.match(dataset_id):
        raise check.fail(where, "field 'id' must be lower-case letters, digits and _")
    raw_table = check.text(raw, "raw_table", where)
    if not _IDENTIFIER.match(raw_table):
        raise check.fail(where, f"field 'raw_table' ({raw_table!r}) must be a plain identifier")
    url_template = check.text(raw, "url_template", where)
    if not url_template.startswith("https://"):
        raise check.fail(where, f"field 'url_template' must be an https URL, got {url_template!r}")
    try:
        placeholders = _placeholders(url_template)
    except ValueError as exc:
        raise check.fail(where, f"field 'url_template' is not a valid template: {exc}") from None

    indicators = check.text_list(raw, "indicators", where)
    unknown_ind = [i for i in indicators if i not in INDICATORS]
    if unknown_ind:
        raise check.fail(
            where, f"field 'indicators' names unknown indicator(s) {', '.join(unknown_ind)}"
        )
    snapshot = raw["snapshot"]
    if snapshot is not None:
        snapshot = check.relative_path(snapshot, "snapshot", where)
    dimensions = None
    if raw.get("dimensions") is not None:
        dimensions = check.text_list(raw, "dimensions", where)
    alternatives: tuple[str, ...] = ()
    if raw.get("url_alternatives") is not None:
        alternatives = check.text_list(raw, "url_alternatives", where)
        for alt in alternatives:
            if not alt.startswith("https://") or set(_placeholders(alt)) - set(placeholders):
                raise check.fail(
                    where,
                    f"url_alternatives entry {alt!r} must be an https URL with no placeholder "
                    "that url_template lacks",
                )
    parameters = _parameters(raw, where, check, placeholders, dimensions)
    inbox = "newest"
    if raw.get("inbox") is not None:
        inbox = check.choice(raw, "inbox", where, INBOX_MODES)
        if raw.get("access") != "manual":
            raise check.fail(where, "field 'inbox' applies to manual sources only")
    optional_text = {}
    for name in ("media_type", "landing_page"):
        optional_text[name] = check.text(raw, name, where) if raw.get(name) is not None else None

    return Dataset(
        id=dataset_id,
        publisher=check.choice(raw, "publisher", where, PUBLISHERS),
        dataset_id=check.text(raw, "dataset_id", where),
        title=check.text(raw, "title", where),
        url_template=url_template,
        format=check.choice(raw, "format", where, FORMATS),
        licence=check.text(raw, "licence", where),
        attribution=check.text(raw, "attribution", where),
        release_cadence=check.choice(raw, "release_cadence", where, CADENCES),
        access=check.choice(raw, "access", where, ACCESS),
        raw_table=raw_table,
        snapshot=snapshot,
        indicators=indicators,
        notes=check.text(raw, "notes", where),
        dimensions=dimensions,
        parameters=parameters,
        media_type=optional_text["media_type"],
        landing_page=optional_text["landing_page"],
        url_alternatives=alternatives,
        inbox=inbox,
    )


def _parameters(
    raw: Mapping[str, Any],
    where: str,
    check: _Check,
    placeholders: list[str],
    dimensions: tuple[str, ...] | None,
) -> dict[str, str]:
    parameters = raw.get("parameters") or {}
    if not isinstance(parameters, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in parameters.items()
    ):
        raise check.fail(where, "field 'parameters' must map names to strings (quote numbers)")
    # `years` lists the files of a dataset published one file per `{year}` (Statbel's ZIPs).
    allowed = set(placeholders) | ({"years"} if "year" in placeholders else set())
    extra = sorted(set(parameters) - allowed)
    if extra:
        raise check.fail(
            where, f"field 'parameters' has {', '.join(extra)}, not used by url_template"
        )
    if dimensions and "key" in parameters:
        # An SDMX key has one dot-separated part per dimension (empty = all codes).
        parts = len(parameters["key"].split("."))
        if parts != len(dimensions):
            raise check.fail(
                where,
                f"field 'parameters' key has {parts} parts, but 'dimensions' lists "
                f"{len(dimensions)} ({'.'.join(dimensions)})",
            )
    return dict(parameters)


def parse_catalog(raw: Any, path: Path) -> Catalog:
    """Validate an already-parsed catalog document (`path` only names it in errors)."""
    check = _Check(path)
    if not isinstance(raw, dict):
        raise check.fail("(top level)", "the catalog must be a mapping")
    unknown = sorted(set(raw) - {"version", "snapshot", "datasets"})
    if unknown:
        raise check.fail("(top level)", f"unknown key(s) {', '.join(unknown)}")
    version = raw.get("version")
    if version != 1:
        raise check.fail("version", f"expected version 1, got {version!r}")

    snap = raw.get("snapshot")
    if not isinstance(snap, dict):
        raise check.fail("snapshot", "missing the 'snapshot' section (the embedded default)")
    unknown = sorted(set(snap) - {"manifest", "description"})
    if unknown:
        raise check.fail("snapshot", f"unknown key(s) {', '.join(unknown)}")
    manifest = check.relative_path(snap.get("manifest"), "manifest", "snapshot")

    raw_datasets = raw.get("datasets")
    if not isinstance(raw_datasets, list) or not raw_datasets:
        raise check.fail("datasets", "must be a non-empty list")
    datasets = tuple(_dataset(item, i, check) for i, item in enumerate(raw_datasets))
    for attr in ("id", "raw_table"):
        values = [getattr(d, attr) for d in datasets]
        dup = sorted({v for v in values if values.count(v) > 1})
        if dup:
            raise check.fail(f"dataset {dup[0]!r}", f"field {attr!r} {dup[0]!r} is not unique")
    return Catalog(path=path, version=version, snapshot=SnapshotSource(manifest), datasets=datasets)


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load and validate the catalog (default: extract/catalog.yaml)."""
    path = Path(path) if path is not None else CATALOG_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(f"catalog not found: {path}") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: not valid YAML: {exc}") from None
    return parse_catalog(raw, path)
