"""`python -m tools.snapshot_generator [--verify]`: write the embedded snapshot (every file and
its manifest), or regenerate it in memory and fail unless the committed files are identical
byte for byte. Deterministic; it refuses to write files that miss a figure the article prints.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from tools.snapshot_generator.eurostat import (
    eurostat_employment_by_industry,
    eurostat_employment_rate,
    eurostat_gdp_per_inhabitant,
)
from tools.snapshot_generator.nbb import nbb_regional_accounts
from tools.snapshot_generator.outputs import Calibration, Output, manifest_text, write_outputs
from tools.snapshot_generator.paths import SNAPSHOT_DIR
from tools.snapshot_generator.rsz import rsz_establishments
from tools.snapshot_generator.statbel import statbel_vat_enterprises, statbel_vat_starters
from tools.snapshot_generator.vdab import vdab_job_seekers

# The other publishers' files, each calibrated against the article's printed figures.
GENERATORS: list[Callable[[Calibration], list[Output]]] = [
    statbel_vat_enterprises,
    statbel_vat_starters,
    rsz_establishments,
    vdab_job_seekers,
    eurostat_employment_rate,
    eurostat_gdp_per_inhabitant,
    eurostat_employment_by_industry,
]


def build(echo: Callable[[str], None] = print) -> tuple[list[Output], Calibration] | None:
    """Every file of the snapshot, or None when a printed figure is missed (reported)."""
    nbb = nbb_regional_accounts(echo)
    cal = Calibration()
    outputs: list[Output] = [] if nbb is None else [nbb]
    for generate in GENERATORS:
        outputs += generate(cal)
    for figure_id, printed, generated, tolerance in cal.rows:
        ok = abs(generated - printed) <= tolerance + 1e-9
        echo(
            f"{'ok  ' if ok else 'MISS'} {figure_id:45s} printed {printed:>10g}"
            f"  generated {generated:>12.3f}  (tolerance {tolerance:g})"
        )
    return None if nbb is None or cal.misses else (outputs, cal)


def differing(outputs: list[Output], snapshot_dir: Path) -> list[str]:
    """The committed files (and manifest) that are not the generator's output."""
    bad = [o.path for o in outputs if _read(snapshot_dir / o.path) != o.payload]
    if _read(snapshot_dir / "manifest.json") != manifest_text(outputs).encode():
        bad.append("manifest.json")
    return bad


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.snapshot_generator", description=__doc__)
    parser.add_argument("--snapshot-dir", type=Path, default=SNAPSHOT_DIR)
    parser.add_argument(
        "--verify",
        action="store_true",
        help="regenerate in memory and fail unless every committed file is byte-identical",
    )
    args = parser.parse_args(argv)
    built = build()
    if built is None:
        print("refusing to write a snapshot that misses the article", file=sys.stderr)
        return 1
    outputs, _ = built
    if args.verify:
        bad = differing(outputs, args.snapshot_dir)
        if bad:
            print(f"differ from the generator's output: {', '.join(bad)}", file=sys.stderr)
            return 1
        print(f"{len(outputs)} files and the manifest are the generator's output, byte for byte")
        return 0
    write_outputs(outputs, args.snapshot_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
