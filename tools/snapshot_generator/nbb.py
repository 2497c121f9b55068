"""The embedded NBB.Stat snapshot `BE2,DF_REGACA38,1.0`, deterministic and modelled.

No machine that builds this project reaches NBB.Stat, and the regional accounts by A38 branch
and province are not in the reference extracts, so this part of the snapshot is *modelled*:

1. Employees per atom (see structure.py), region (Limburg, Flemish Region) and year are solved
   by least squares: hard targets are the article's printed figures (aimed at the printed value),
   soft targets keep each series close to a prior path that follows the real history (the 2009
   recession, Ford Genk closing at the end of 2014, COVID in 2020).
2. Hours worked follow from employees; value added from a solved productivity path, calibrated
   the same way. GDP per inhabitant and population are built directly from their anchors.
3. The other four provinces share what the Flemish Region has beyond Limburg. Leaves are rounded
   so that every published total (`TOT`, `C`, NUTS `200`) is the exact sum of its published parts.
4. Every regional-accounts figure of the article is checked on the rounded output; the generator
   refuses to write a file that misses one.
"""

from __future__ import annotations

from tools.snapshot_generator.calibration import load_targets, report
from tools.snapshot_generator.nbb_model import build
from tools.snapshot_generator.nbb_sdmx import to_sdmx_json
from tools.snapshot_generator.outputs import Output
from tools.snapshot_generator.paths import DBT_PROJECT_DIR

REFERENCE_CSV = DBT_PROJECT_DIR / "seeds" / "ref_article_figures.csv"
OUTPUT_RELATIVE = "nbb/BE2_DF_REGACA38_1.0.json"


def nbb_regional_accounts(echo=print) -> Output | None:
    """The NBB file, or None (reported) when a printed figure is missed."""
    targets = load_targets(REFERENCE_CSV)
    series, check = build(targets)
    rows = report(check, targets)
    misses = [(t, got) for t, got, ok in rows if not ok]
    for t, got, ok in rows:
        mark = "ok  " if ok else "MISS"
        echo(
            f"{mark} {t.figure_id:55s} printed {t.value:>10g}  generated {got:>12.3f}"
            f"  (tolerance {t.tolerance:g})"
        )
    echo(f"{len(rows) - len(misses)} of {len(rows)} regional-accounts figures reproduced")
    if misses:
        return None
    return Output(
        source_id="nbb_regaca38",
        path=OUTPUT_RELATIVE,
        payload=to_sdmx_json(series),
        modelled_series=["*"],
        generator="tools/snapshot_generator/nbb.py",
        modelled_reason="Modelled, not official: NBB.Stat is not reachable from the build "
        "machines. Generated deterministically and calibrated to every "
        "regional-accounts figure printed in POM Limburg's article.",
    )
