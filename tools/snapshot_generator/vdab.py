"""VDAB's job seekers without work and labour force 18-64, modelled: Arvastat's Excel export
(sheet Data: provinces and the Totaal row by year) of annual averages; the rate reproduces
Table 1 and Figure 2."""

from __future__ import annotations

from tools.publisher_layouts.vdab import arvastat_bytes
from tools.snapshot_generator.codes import FLEMISH_PROVINCES, FLEMISH_REGION_REFNIS
from tools.snapshot_generator.outputs import (
    Calibration,
    Output,
    noise,
    printed,
    round_preserving_sum,
)

GENERATOR = "tools/snapshot_generator/vdab.py"

VDAB_YEARS = range(2012, 2025)

# The job-seekers rate (%) the model follows. Limburg: the article's printed points (2012, 2013,
# 2015, 2023, 2024) exactly; the Flemish Region: 2013-2023 change -2.0 and 2024 6.6 as printed.
VDAB_RATE = {
    "BE22": [8.4, 9.0, 9.2, 9.3, 8.9, 8.2, 7.3, 6.6, 7.0, 6.9, 6.0, 6.2, 6.3],
    "BE2": [7.9, 8.4, 8.6, 8.6, 8.3, 7.7, 7.0, 6.5, 7.0, 6.9, 6.2, 6.4, 6.6],
}

# Other provinces: rate relative to the Flemish Region (before the sum is matched).
VDAB_RELATIVE = {10000: 1.17, 20001: 0.82, 30000: 0.80, 40000: 0.97}

VDAB_LABOUR_FORCE_GROWTH = {10000: 0.006, 20001: 0.006, 30000: 0.003, 40000: 0.005, 70000: 0.005}

# Labour force 18-64 (employed + job seekers without work), 2012, and yearly growth.
VDAB_LABOUR_FORCE_2012 = {10000: 858000, 20001: 531000, 30000: 566000, 40000: 735000, 70000: 402000}


def vdab_job_seekers(cal: Calibration) -> list[Output]:
    by_name: dict[str, tuple[list[int], list[int]]] = {}
    for i, year in enumerate(VDAB_YEARS):
        force = {
            p: round(
                VDAB_LABOUR_FORCE_2012[p]
                * (1 + VDAB_LABOUR_FORCE_GROWTH[p]) ** i
                * (1 + noise("vdab", p, year, scale=0.001))
            )
            for p in FLEMISH_PROVINCES
        }
        flemish_force = sum(force.values())
        flemish_seekers = round(VDAB_RATE["BE2"][i] * flemish_force / 100)
        seekers = {70000: round(VDAB_RATE["BE22"][i] * force[70000] / 100)}
        others = list(VDAB_RELATIVE)
        weights = [
            VDAB_RELATIVE[p] * (1 + noise("vdabr", p, year, scale=0.02)) * force[p] for p in others
        ]
        for p, n in zip(
            others, round_preserving_sum(weights, flemish_seekers - seekers[70000]), strict=True
        ):
            seekers[p] = n
        regions = [(FLEMISH_REGION_REFNIS, "Totaal", flemish_seekers, flemish_force)]
        regions += [
            (p, FLEMISH_PROVINCES[p][1].removeprefix("Provincie "), seekers[p], force[p])
            for p in sorted(FLEMISH_PROVINCES)
        ]
        for refnis, name, n, f in regions:
            by_name.setdefault(name, ([], []))
            by_name[name][0].append(n)
            by_name[name][1].append(f)
            rate = 100 * n / f
            region = "BE2" if refnis == FLEMISH_REGION_REFNIS else None
            region = region or FLEMISH_PROVINCES[refnis][0]
            if region in VDAB_RATE:
                fid = f"model.job_seekers_rate.{region}.{year}"
                cal.check(fid, VDAB_RATE[region][i], rate, 0.005)
    # Arvastat lists the provinces, then the total (the Flemish Region).
    ordered = {k: by_name[k] for k in sorted(by_name, key=lambda k: (k == "Totaal", k))}
    # The rates the model follows equal the article's printed points.
    index = {year: i for i, year in enumerate(VDAB_YEARS)}
    for fid, region, year in (
        ("F2.job_seekers_rate.2012", "BE22", 2012),
        ("T1.job_seekers_rate.2013", "BE22", 2013),
        ("F2.job_seekers_rate.2015", "BE22", 2015),
        ("T1.job_seekers_rate.2023", "BE22", 2023),
        ("F2.job_seekers_rate.2024", "BE22", 2024),
        ("F2.job_seekers_rate.2024.BE2", "BE2", 2024),
    ):
        cal.check(fid, printed(fid), VDAB_RATE[region][index[year]], 0.05)
    fid = "T1.job_seekers_rate.change.BE2"
    change = VDAB_RATE["BE2"][index[2023]] - VDAB_RATE["BE2"][index[2013]]
    cal.check(fid, printed(fid), change, 0.05)
    return [
        Output(
            source_id="vdab_job_seekers",
            path="vdab/arvastat_werkzoekendengraad_18_64.xlsx",
            generator=GENERATOR,
            payload=arvastat_bytes(list(VDAB_YEARS), ordered),
            modelled_series=["*"],
            modelled_reason="Modelled, not official: Arvastat exports are made by hand and the "
            "build machines cannot reach VDAB. Generated deterministically so that the rate "
            "(job seekers without work / labour force) reproduces the article's printed points "
            "for Limburg and the Flemish Region; provinces add up to the Flemish Region exactly.",
        )
    ]
