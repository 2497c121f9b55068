"""What every generated snapshot file shares: deterministic helpers, the ZIP and CSV containers
(workbooks come from tools/publisher_layouts), the calibration record, and the manifest entry,
whose origin (format, URL, licence, attribution) comes from extract/catalog.yaml."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from extract.catalog import Catalog, load_catalog
from tools.publisher_layouts import containers
from tools.snapshot_generator.paths import DBT_PROJECT_DIR, FACTS_DIR

RETRIEVED_AT = "2026-11-27T00:00:00Z"
SNAPSHOT_ID = "limburg-embedded-snapshot"


@cache
def catalog() -> Catalog:
    return load_catalog()


# --- deterministic helpers ----------------------------------------------------------------


def noise(*key: object, scale: float) -> float:
    """Deterministic pseudo-noise in [-scale, scale] (no global RNG state)."""
    h = zlib.crc32("|".join(map(str, key)).encode()) / 0xFFFFFFFF
    return scale * (2.0 * h - 1.0)


def round_preserving_sum(weights: list[float], total: int) -> list[int]:
    """Integers proportional to `weights` that add up to `total` exactly (largest remainder)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(x // 1) for x in raw]
    rest = total - sum(out)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[:rest]:
        out[i] += 1
    return out


def anchored_path(years: range, anchors: dict[int, float]) -> dict[int, float]:
    """Geometric interpolation between anchors, flat growth extrapolated at the ends."""
    pts = sorted(anchors.items())
    out = {}
    for y in years:
        if y <= pts[0][0]:
            (y0, v0), (y1, v1) = pts[0], pts[1]
        elif y >= pts[-1][0]:
            (y0, v0), (y1, v1) = pts[-2], pts[-1]
        else:
            (y0, v0), (y1, v1) = next(
                (pts[i], pts[i + 1]) for i in range(len(pts) - 1) if pts[i][0] <= y <= pts[i + 1][0]
            )
        out[y] = v0 * (v1 / v0) ** ((y - y0) / (y1 - y0))
    return out


# --- file containers ----------------------------------------------------------------------


def zip_bytes(name: str, payload: bytes) -> bytes:
    """A one-member ZIP with fixed times (the layout writers' container)."""
    return containers.zip_bytes({name: payload})


def csv_text(rows: list[list[object]], delimiter: str, header: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def read_facts(name: str) -> list[dict[str, str]]:
    with (FACTS_DIR / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- the article's printed figures --------------------------------------------------------

_PRINTED: dict[str, float] = {}


def printed(figure_id: str) -> float:
    if not _PRINTED:
        path = DBT_PROJECT_DIR / "seeds" / "ref_article_figures.csv"
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                _PRINTED[row["figure_id"]] = float(row["value"])
    return _PRINTED[figure_id]


# --- output bookkeeping -------------------------------------------------------------------


@dataclass
class Output:
    """One generated file of a catalog dataset; `url_parameters` fill the catalog's URL."""

    source_id: str
    path: str
    payload: bytes
    modelled_series: list[str]
    generator: str
    url_parameters: dict[str, str] = field(default_factory=dict)
    modelled_reason: str = ""
    retrieved_at: str = RETRIEVED_AT
    note: str = ""
    url: str = ""  # where the file came from, when not the catalog's current URL

    def manifest_entry(self) -> dict:
        dataset = catalog().get(self.source_id)
        entry = {
            "source_id": self.source_id,
            "path": self.path,
            "format": dataset.format,
            "url": self.url or dataset.url(**self.url_parameters),
            "retrieved_at": self.retrieved_at,
            "sha256": hashlib.sha256(self.payload).hexdigest(),
            "bytes": len(self.payload),
            "licence": dataset.licence,
            "attribution": dataset.attribution,
            "modelled_series": self.modelled_series,
        }
        if self.modelled_reason:
            entry["modelled_reason"] = self.modelled_reason
        if self.note:
            entry["note"] = self.note
        entry["generator"] = self.generator
        return entry


@dataclass
class Calibration:
    """Printed figure -> generated value, checked before anything is written."""

    rows: list[tuple[str, float, float, float]] = field(default_factory=list)

    def check(self, figure_id: str, printed: float, generated: float, tolerance: float) -> None:
        self.rows.append((figure_id, printed, generated, tolerance))

    @property
    def misses(self) -> list[tuple[str, float, float, float]]:
        return [r for r in self.rows if abs(r[2] - r[1]) > r[3] + 1e-9]


def manifest_text(outputs: list[Output]) -> str:
    """The snapshot's manifest.json: every generated file, sorted by source and path."""
    files = sorted((o.manifest_entry() for o in outputs), key=lambda f: (f["source_id"], f["path"]))
    manifest = {"snapshot_id": SNAPSHOT_ID, "files": files}
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


def write_outputs(outputs: list[Output], snapshot_dir: Path, echo=print) -> None:
    for o in outputs:
        out = snapshot_dir / o.path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(o.payload)
        echo(f"wrote {out} ({len(o.payload):,} bytes)")
    (snapshot_dir / "manifest.json").write_text(manifest_text(outputs), encoding="utf-8")
