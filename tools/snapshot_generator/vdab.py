"""VDAB's job seekers without work, as two Excel exports of annual averages:
- 2014-2024, real: the Provincies in Cijfers export by municipality (the count and the rate as
  published, a fraction rounded to 0.001), from tools/snapshot_generator/facts;
- 2012-2013, modelled (no real figures in the reference extract): Arvastat's export (sheet
  Data: provinces and the Totaal row, with the labour force), so that the rate reproduces the
  article's printed 2012-2013 points and its 2013-2023 changes against the real 2023."""

from __future__ import annotations

from tools.publisher_layouts.vdab import arvastat_bytes, pic_bytes
from tools.snapshot_generator.codes import FLEMISH_PROVINCES, FLEMISH_REGION_REFNIS
from tools.snapshot_generator.outputs import (
    Calibration,
    Output,
    noise,
    printed,
    read_facts,
    round_preserving_sum,
)

GENERATOR = "tools/snapshot_generator/vdab.py"

VDAB_YEARS = range(2012, 2014)  # modelled; the real municipal figures start in 2014
REAL_YEARS = range(2014, 2025)

# Other provinces: rate relative to the Flemish Region (before the sum is matched).
VDAB_RELATIVE = {10000: 1.17, 20001: 0.82, 30000: 0.80, 40000: 0.97}

VDAB_LABOUR_FORCE_GROWTH = {10000: 0.006, 20001: 0.006, 30000: 0.003, 40000: 0.005, 70000: 0.005}

# Labour force 18-64 (employed + job seekers without work), 2012, and yearly growth.
VDAB_LABOUR_FORCE_2012 = {10000: 858000, 20001: 531000, 30000: 566000, 40000: 735000, 70000: 402000}


def derived_rates(facts: list[dict[str, str]]) -> dict[tuple[str, int], float]:
    """Province and Flemish rates (%) as the warehouse derives them from the municipal figures:
    100 * sum(WZW) / sum(WZW / rate), over the rows with both values."""
    sums: dict[tuple[str, int], list[float]] = {}
    for r in facts:
        try:
            count, rate = float(r["job_seekers_without_work"]), float(r["job_seekers_rate"])
        except ValueError:  # "-" or "x"
            continue
        if not r["province"].startswith("BE2") or rate <= 0:
            continue
        for region in (r["province"], "BE2"):
            acc = sums.setdefault((region, int(r["year"])), [0.0, 0.0])
            acc[0] += count
            acc[1] += count / rate
    return {key: 100 * n / force for key, (n, force) in sums.items()}


def _modelled_rates(real: dict[tuple[str, int], float]) -> dict[str, list[float]]:
    """2012 and 2013: Limburg's printed points; the Flemish Region's 2013 from its printed
    2013-2023 change against the real 2023, 2012 half a point lower (as Limburg's 0.6)."""
    be2_2013 = round(real[("BE2", 2023)] - printed("T1.job_seekers_rate.change.BE2"), 2)
    return {
        "BE22": [printed("F2.job_seekers_rate.2012"), printed("T1.job_seekers_rate.2013")],
        "BE2": [be2_2013 - 0.5, be2_2013],
    }


def vdab_job_seekers(cal: Calibration) -> list[Output]:
    facts = read_facts("vdab_job_seekers_by_municipality.csv")
    real = derived_rates(facts)
    rates = _modelled_rates(real)
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
        flemish_seekers = round(rates["BE2"][i] * flemish_force / 100)
        seekers = {70000: round(rates["BE22"][i] * force[70000] / 100)}
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
            if region in rates:
                fid = f"model.job_seekers_rate.{region}.{year}"
                cal.check(fid, rates[region][i], rate, 0.005)
    # Arvastat lists the provinces, then the total (the Flemish Region).
    ordered = {k: by_name[k] for k in sorted(by_name, key=lambda k: (k == "Totaal", k))}
    # The article's printed points: 2012-2013 modelled, the rest derived from real figures.
    shown = {
        (region, year): rates[region][i] for region in rates for i, year in enumerate(VDAB_YEARS)
    }
    shown |= real
    for fid, region, year in (
        ("F2.job_seekers_rate.2012", "BE22", 2012),
        ("T1.job_seekers_rate.2013", "BE22", 2013),
        ("F2.job_seekers_rate.2015", "BE22", 2015),
        ("T1.job_seekers_rate.2023", "BE22", 2023),
        ("F2.job_seekers_rate.2024", "BE22", 2024),
        ("F2.job_seekers_rate.2024.BE2", "BE2", 2024),
    ):
        cal.check(fid, printed(fid), shown[(region, year)], 0.05)
    for fid, region in (
        ("T1.job_seekers_rate.change", "BE22"),
        ("T1.job_seekers_rate.change.BE2", "BE2"),
    ):
        cal.check(fid, printed(fid), shown[(region, 2023)] - shown[(region, 2013)], 0.05)
    municipal = _pic_rows(facts)
    return [
        Output(
            source_id="vdab_job_seekers",
            path="vdab/arvastat_werkzoekendengraad_18_64.xlsx",
            generator=GENERATOR,
            payload=arvastat_bytes(list(VDAB_YEARS), ordered),
            modelled_series=["*"],
            modelled_reason="Modelled, not official: 2012 and 2013, before the real municipal "
            "figures start. Generated deterministically so that the rate (job seekers without "
            "work / labour force) reproduces the article's printed 2012 and 2013 points for "
            "Limburg and its 2013-2023 changes against the real 2023; provinces add up to the "
            "Flemish Region exactly.",
        ),
        Output(
            source_id="vdab_job_seekers",
            path="vdab/provincies_in_cijfers_werkloosheid_gemeenten.xlsx",
            generator=GENERATOR,
            payload=pic_bytes(list(REAL_YEARS), municipal, with_other_indicator=False),
            modelled_series=[],
            note="VDAB's published figures, 2014-2024, unchanged: job seekers without work and "
            "the job-seekers rate (a fraction rounded to 0.001) per municipality (2025 "
            "boundaries), as exported from Provincies in Cijfers. The province and Flemish "
            "rates are derived in the warehouse from these rounded rates (status derived).",
        ),
    ]


def _pic_rows(facts: list[dict[str, str]]) -> dict[str, tuple[list[object], list[object]]]:
    """Municipality -> (rate per year, count per year), as published: numbers, or "-"/"x"."""

    def cell(text: str) -> object:
        try:
            return int(text) if text.isdigit() else float(text)
        except ValueError:
            return text

    by_name: dict[str, dict[int, tuple[object, object]]] = {}
    for r in facts:
        by_name.setdefault(r["municipality"], {})[int(r["year"])] = (
            cell(r["job_seekers_rate"]),
            cell(r["job_seekers_without_work"]),
        )
    return {
        name: (
            [by_year.get(y, ("-", "-"))[0] for y in REAL_YEARS],
            [by_year.get(y, ("-", "-"))[1] for y in REAL_YEARS],
        )
        for name, by_year in by_name.items()
    }
