"""RSZ's establishments with staff, modelled: one decentralised-statistics workbook per year
(the fourth quarter), in RSZ's cross-tab layout; Limburg's 2013/2023 levels and the Flemish
changes of Table 1 at their printed values; provinces and sections add up to their totals
exactly."""

from __future__ import annotations

from tools.publisher_layouts.rsz import RszRow, RszWorkbook, rsz_workbook_bytes
from tools.snapshot_generator.codes import (
    FLEMISH_PROVINCES,
    FLEMISH_REGION_REFNIS,
    REGION_NAME,
)
from tools.snapshot_generator.outputs import (
    Calibration,
    Output,
    anchored_path,
    noise,
    printed,
    round_preserving_sum,
)

GENERATOR = "tools/snapshot_generator/rsz.py"

RSZ_YEARS = range(2008, 2025)

# Share of each section in a province's establishments with staff (C is set separately).
RSZ_SECTION_WEIGHTS = {
    "A": 2.2, "B": 0.1, "D": 0.15, "E": 0.5, "F": 11.5, "G": 24.0, "H": 4.2, "I": 10.5,
    "J": 2.6, "K": 2.4, "L": 1.8, "M": 8.5, "N": 4.3, "O": 1.6, "P": 3.2, "Q": 9.0,
    "R": 1.9, "S": 5.5, "T": 0.0, "U": 0.02,
}  # fmt: skip

# Other provinces' share of the Flemish Region less Limburg: TOTAL, C.
RSZ_PROVINCE_SHARES = {
    10000: (0.335, 0.34),
    20001: (0.205, 0.15),
    30000: (0.215, 0.26),
    40000: (0.245, 0.25),
}


def _rsz_paths() -> dict[tuple[str, str], dict[int, int]]:
    """(region, TOTAL|C) -> year -> establishments, with the article's anchors exact."""
    anchors = {
        ("BE22", "TOTAL"): (
            printed("T1.establishments_with_staff.TOTAL.2013"),
            printed("T1.establishments_with_staff.TOTAL.2023"),
        ),
        ("BE22", "C"): (
            printed("T1.establishments_with_staff.C.2013"),
            printed("T1.establishments_with_staff.C.2023"),
        ),
    }
    # The Flemish Region: a plausible 2013 level, the article's 2013-2023 change exactly.
    be2_2013 = {"TOTAL": 160000, "C": 12000}
    for sector in ("TOTAL", "C"):
        pct = printed(f"T1.establishments_with_staff.{sector}.change_pct.BE2")
        anchors[("BE2", sector)] = (be2_2013[sector], be2_2013[sector] * (1 + pct / 100))
    out = {}
    for (region, sector), (v13, v23) in anchors.items():
        # 2008-2013: slow growth through the crisis; manufacturing shrinks throughout.
        v08 = v13 / (1.012 if sector == "TOTAL" else 0.93)
        v24 = v23 * (1.004 if sector == "TOTAL" else 0.992)
        path = anchored_path(RSZ_YEARS, {2008: v08, 2013: v13, 2023: v23, 2024: v24})
        series = {}
        for year, value in path.items():
            if year not in (2013, 2023):
                value *= 1 + noise("rsz", region, sector, year, scale=0.002)
                if year in (2020, 2021) and sector == "TOTAL":
                    value *= 0.995  # COVID: fewer establishments with staff
            series[year] = round(value)
        out[(region, sector)] = series
    return out


def _rsz_cells() -> dict[tuple[int, int, str], int]:
    """(year, REFNIS, section or TOTAL) -> establishments: Limburg and the Flemish Region on
    their paths, the other provinces sharing the rest, sections adding up to TOTAL."""
    paths = _rsz_paths()
    cells: dict[tuple[int, int, str], int] = {}
    for year in RSZ_YEARS:
        totals, manuf = {}, {}
        totals[70000], manuf[70000] = paths[("BE22", "TOTAL")][year], paths[("BE22", "C")][year]
        rest_t = paths[("BE2", "TOTAL")][year] - totals[70000]
        rest_c = paths[("BE2", "C")][year] - manuf[70000]
        others = list(RSZ_PROVINCE_SHARES)
        for refnis, t in zip(
            others,
            round_preserving_sum(
                [
                    RSZ_PROVINCE_SHARES[p][0] * (1 + noise("rszp", p, year, scale=0.003))
                    for p in others
                ],
                rest_t,
            ),
            strict=True,
        ):
            totals[refnis] = t
        for refnis, c in zip(
            others,
            round_preserving_sum([RSZ_PROVINCE_SHARES[p][1] for p in others], rest_c),
            strict=True,
        ):
            manuf[refnis] = c
        for refnis in FLEMISH_PROVINCES:
            sections = list(RSZ_SECTION_WEIGHTS)
            weights = [
                RSZ_SECTION_WEIGHTS[s] * (1 + noise("rszs", refnis, s, year, scale=0.02))
                for s in sections
            ]
            split = round_preserving_sum(weights, totals[refnis] - manuf[refnis])
            values = dict(zip(sections, split, strict=True)) | {"C": manuf[refnis]}
            for section in sorted(values):
                cells[(year, refnis, section)] = values[section]
            cells[(year, refnis, "TOTAL")] = totals[refnis]
        for section in [*sorted(RSZ_SECTION_WEIGHTS.keys() | {"C"}), "TOTAL"]:
            cells[(year, FLEMISH_REGION_REFNIS, section)] = sum(
                cells[(year, p, section)] for p in FLEMISH_PROVINCES
            )
    return cells


MODELLED_REASON = (
    "Modelled, not official: RSZ's decentralised statistics are an Excel download the build "
    "machines cannot reach. Generated deterministically; Limburg's 2013 and 2023 levels (TOTAL "
    "and C) and the Flemish 2013-2023 changes are the article's printed figures; provinces and "
    "sections add up to their totals exactly."
)


def rsz_establishments(cal: Calibration) -> list[Output]:
    cells = _rsz_cells()
    for sector in ("TOTAL", "C"):
        for year in (2013, 2023):
            fid = f"T1.establishments_with_staff.{sector}.{year}"
            cal.check(fid, printed(fid), cells[(year, 70000, sector)], 0.5)
        fid = f"T1.establishments_with_staff.{sector}.change_pct.BE2"
        be2 = (
            cells[(2023, FLEMISH_REGION_REFNIS, sector)]
            / cells[(2013, FLEMISH_REGION_REFNIS, sector)]
        )
        cal.check(fid, printed(fid), 100 * (be2 - 1), 0.05)
    names = {FLEMISH_REGION_REFNIS: REGION_NAME} | {
        k: v[1].removeprefix("Provincie ") for k, v in FLEMISH_PROVINCES.items()
    }
    outputs = []
    for year in RSZ_YEARS:
        rows = []
        for refnis in [*sorted(FLEMISH_PROVINCES), FLEMISH_REGION_REFNIS]:
            counts = {
                section: value
                for (y, r, section), value in cells.items()
                if y == year and r == refnis and section != "TOTAL"
            }
            rows.append(RszRow(names[refnis], counts, cells[(year, refnis, "TOTAL")]))
        book = RszWorkbook(year, 4, rows)
        outputs.append(
            Output(
                source_id="rsz_establishments",
                path=f"rsz/{book.file_name()}",
                generator=GENERATOR,
                payload=rsz_workbook_bytes(book),
                modelled_series=["*"],
                modelled_reason=MODELLED_REASON,
            )
        )
    return outputs
