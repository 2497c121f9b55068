"""The inputs of a build, as one fingerprint: the raw files handed to the loader (source and
sha256 of every entry), the sources that had to fall back on an older version, the code, the
dbt seeds and the lock file.

Two runs with the same fingerprint build the same warehouse, so the second one is a no-op. The
fingerprint is computed from the loader's input entries, whichever way they were obtained
(embedded snapshot, live fetch, manual inbox).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warehouse.config import PROJECT_ROOT
from warehouse.meta.record import BuildInputs

# Everything that decides what a build contains, apart from the raw files and the seeds.
CODE_GLOBS = (
    "extract/**/*.py",
    "extract/catalog.yaml",
    "warehouse/**/*.py",
    "expectations/**/*.py",
    "flows/**/*.py",
    "dbt_project/dbt_project.yml",
    "dbt_project/profiles.yml",
    "dbt_project/models/**/*",
    "dbt_project/macros/**/*",
    "dbt_project/tests/**/*",
    "dbt_project/snapshots/**/*",
    "dbt_project/analyses/**/*",
)
SEED_GLOBS = ("dbt_project/seeds/**/*",)


@dataclass(frozen=True)
class Fingerprint:
    # (source_id, sha256, digest of the entry's loader metadata) of every entry, sorted
    sources: tuple[tuple[str, ...], ...]
    code_sha256: str
    seeds_sha256: str
    lock_sha256: str | None
    # Sources whose fetch failed this run (their last good version was used). A build marks
    # them stale in meta, but they are not in the digest: a run whose only news is a fault
    # builds nothing and leaves the published file byte-identical (the run log and
    # `limwh status --check` report the fault).
    stale_sources: tuple[str, ...] = ()

    @property
    def digest(self) -> str:
        inputs = self.to_json(include_digest=False)
        inputs.pop("stale_sources", None)
        return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()

    def to_json(self, include_digest: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "sources": [list(s) for s in self.sources],
            "code_sha256": self.code_sha256,
            "seeds_sha256": self.seeds_sha256,
            "lock_sha256": self.lock_sha256,
        }
        if self.stale_sources:  # absent when none: the digest of a clean run stays as it was
            out["stale_sources"] = list(self.stale_sources)
        if include_digest:
            out["fingerprint"] = self.digest
        return out

    def build_inputs(self) -> BuildInputs:
        """What `meta.build_inputs` records of this fingerprint."""
        return BuildInputs(
            digest=self.digest,
            code_sha256=self.code_sha256,
            seeds_sha256=self.seeds_sha256,
            lock_sha256=self.lock_sha256,
            sources=self.sources,
        )

    def differences(self, other: dict[str, Any] | None) -> list[str]:
        """What changed against a recorded fingerprint (its to_json()), in words."""
        if not other:
            return ["no fingerprint recorded for the published build"]
        out = []
        mine = _by_source(self.sources)
        theirs = _by_source(other.get("sources") or [])
        for source in sorted(set(mine) | set(theirs)):
            new, old = mine.get(source, []), theirs.get(source, [])
            if new == old:
                continue
            new_sha, old_sha = sorted(e[0] for e in new), sorted(e[0] for e in old)
            if new_sha != old_sha:
                out.append(f"source {source}: {_short(old_sha)} -> {_short(new_sha)}")
            else:
                out.append(f"source {source}: manifest metadata changed")
        stale, was_stale = set(self.stale_sources), set(other.get("stale_sources") or [])
        for source in sorted(stale - was_stale):
            out.append(f"source {source}: stale now (its fetch failed)")
        for source in sorted(was_stale - stale):
            out.append(f"source {source}: fresh again")
        for key in ("code_sha256", "seeds_sha256", "lock_sha256"):
            if other.get(key) != getattr(self, key):
                out.append(f"{key.removesuffix('_sha256')} changed")
        return out


def _by_source(sources) -> dict[str, list[tuple[str, ...]]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for source_id, *rest in sources:
        out.setdefault(source_id, []).append(tuple(rest))
    return {k: sorted(v) for k, v in out.items()}


def _short(shas: list[str]) -> str:
    return ", ".join(s[:12] for s in shas) or "(none)"


def entry_metadata_sha256(entry: Any) -> str:
    """What the loader takes from an entry besides its bytes and changes the build with: the
    format, the modelled-series patterns (obs_status), licence and attribution."""
    meta = {
        key: getattr(entry, key, None)
        for key in ("format", "modelled_series", "licence", "attribution")
    }
    return hashlib.sha256(json.dumps(meta, sort_keys=True, default=list).encode()).hexdigest()


def tree_sha256(globs: Iterable[str], root: Path = PROJECT_ROOT) -> str:
    """sha256 over the relative paths and contents of the files the globs match."""
    files: set[Path] = set()
    for pattern in globs:
        files.update(p for p in root.glob(pattern) if p.is_file() and "__pycache__" not in p.parts)
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def compute(
    entries: Iterable[Any],
    lock_sha256: str | None,
    root: Path = PROJECT_ROOT,
    stale_sources: Iterable[str] = (),
) -> Fingerprint:
    """Fingerprint of a build fed with `entries` (objects with .source_id and .sha256), where
    `stale_sources` fell back on an older version."""
    sources = tuple(
        sorted((str(e.source_id), str(e.sha256), entry_metadata_sha256(e)) for e in entries)
    )
    return Fingerprint(
        sources=sources,
        code_sha256=tree_sha256(CODE_GLOBS, root),
        seeds_sha256=tree_sha256(SEED_GLOBS, root),
        lock_sha256=lock_sha256,
        stale_sources=tuple(sorted(set(stale_sources))),
    )
