"""Deterministic generator of the embedded NBB.Stat snapshot `BE2,DF_REGACA38,1.0`.

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

Run: `make snapshot` (or `python -m extract.snapshot_generator.nbb_regional_accounts`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import zlib
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

from tools.snapshot_generator.calibration import (
    REGIONS,
    Dataset,
    SumsDataset,
    Target,
    load_targets,
    report,
    sum_matrix,
)
from tools.snapshot_generator.paths import DBT_PROJECT_DIR, SNAPSHOT_DIR
from tools.snapshot_generator.structure import (
    A38_PARENTS,
    ATOM_IDS,
    ATOMS,
    MANUFACTURING_ATOMS,
    NBB_NUTS,
    OTHER_PROVINCES,
    YEARS,
)

REFERENCE_CSV = DBT_PROJECT_DIR / "seeds" / "ref_article_figures.csv"
OUTPUT_RELATIVE = "nbb/BE2_DF_REGACA38_1.0.json"
SOURCE_ID = "nbb_regaca38"
RETRIEVED_AT = "2026-11-27T00:00:00Z"
PROVISIONAL_YEARS = {2022, 2023}  # NBB's latest regional-accounts years are provisional
NY = len(YEARS)
NA = len(ATOM_IDS)


def _noise(*key: object, scale: float) -> float:
    """Deterministic pseudo-noise in [-scale, scale] (no global RNG state)."""
    h = zlib.crc32("|".join(map(str, key)).encode()) / 0xFFFFFFFF
    return scale * (2.0 * h - 1.0)


def _path(v2003: float, v2013: float, v2023: float) -> np.ndarray:
    """Geometric interpolation through three anchors."""
    out = np.empty(NY)
    for i, year in enumerate(YEARS):
        if year <= 2013:
            out[i] = v2003 * (v2013 / v2003) ** ((year - 2003) / 10)
        else:
            out[i] = v2013 * (v2023 / v2013) ** ((year - 2013) / 10)
    return out


# --- priors -------------------------------------------------------------------------------

# Flemish Region, employees 2023 (thousands): plausible levels; the solver fixes the shares.
BE2_EMPLOYEES_2023 = {
    "admin_support": 260,
    "logistics": 155,
    "social_work": 180,
    "trade": 335,
    "education": 205,
    "consulting_engineering": 72,
    "human_health": 170,
    "it_services": 52,
    "hospitality": 80,
    "arts_recreation": 16,
    "advertising_market_research": 8,
    "agriculture": 19,
    "construction": 150,
    "public_administration": 145,
    "other_non_manufacturing": 163,
    "food_industry": 66.7,
    "automotive": 24.1,
    "metal": 48.8,
    "rubber_plastics": 33.7,
    "chemicals": 33.3,
    "wood_paper": 23.1,
    "electrical_optical": 15.8,
    "machinery": 25.1,
    "other_manufacturing_subsectors": 59.4,
}
# Employees 2013 / 2003: services grew, most of manufacturing shrank.
GROWTH_2003_2013 = {
    "admin_support": 1.25,
    "logistics": 1.05,
    "social_work": 1.35,
    "trade": 1.05,
    "education": 1.08,
    "consulting_engineering": 1.25,
    "human_health": 1.20,
    "it_services": 1.30,
    "hospitality": 1.15,
    "arts_recreation": 1.15,
    "advertising_market_research": 1.10,
    "agriculture": 1.05,
    "construction": 1.05,
    "public_administration": 1.02,
    "other_non_manufacturing": 0.98,
    "food_industry": 1.00,
    "automotive": 0.70,
    "metal": 0.88,
    "rubber_plastics": 0.92,
    "chemicals": 0.90,
    "wood_paper": 0.82,
    "electrical_optical": 0.80,
    "machinery": 0.95,
    "other_manufacturing_subsectors": 0.80,
}
# Limburg's automotive industry: Ford Genk and its suppliers; the plant closed at the end of 2014.
BE22_AUTOMOTIVE = [
    15100,
    14800,
    14300,
    13900,
    13500,
    13100,
    11800,
    11500,
    11200,
    10400,
    9679,  # 2003-2013
    8700,
    3700,
    3300,
    3100,
    3000,
    2950,
    2750,
    2800,
    2790,
    2798,  # 2014-2023
]


def _cycle(atom: str, year: int) -> float:
    """Known shocks: the 2009 recession in manufacturing, COVID in 2020-2021."""
    factor = 1.0
    if atom in MANUFACTURING_ATOMS and atom != "automotive":
        factor *= {2009: 0.97, 2010: 0.975, 2011: 0.99}.get(year, 1.0)
    if atom == "hospitality":
        factor *= {2020: 0.90, 2021: 0.94}.get(year, 1.0)
    if atom == "arts_recreation":
        factor *= {2020: 0.93, 2021: 0.96}.get(year, 1.0)
    return factor


def _target_value(targets: list[Target], **match) -> float | None:
    for t in targets:
        if all(getattr(t, k) == v for k, v in match.items()):
            return t.value
    return None


def employee_priors(targets: list[Target]) -> np.ndarray:
    prior = np.empty((2, NA, NY))
    for a, atom in enumerate(ATOM_IDS):
        # Limburg: the article's 2023 level and 2013-2023 change where printed.
        end = _target_value(
            targets,
            indicator="employees",
            measure="level",
            region="BE22",
            sector=atom,
            year_to=2023,
        )
        change = _target_value(
            targets, indicator="employees", measure="change", region="BE22", sector=atom
        )
        pct = _target_value(
            targets, indicator="employees", measure="change_pct", region="BE22", sector=atom
        )
        start = end - change if change is not None else end / (1 + pct / 100)
        prior[0, a] = _path(start / GROWTH_2003_2013[atom], start, end)
        # Flemish Region: a plausible 2023 level and the article's 2013-2023 growth.
        end2 = 1000.0 * BE2_EMPLOYEES_2023[atom]
        pct2 = _target_value(
            targets, indicator="employees", measure="change_pct", region="BE2", sector=atom
        )
        start2 = end2 / (1 + pct2 / 100)
        prior[1, a] = _path(start2 / GROWTH_2003_2013[atom], start2, end2)
    # Ford Genk's jobs vanish from the Flemish total too, not only from Limburg's.
    auto = ATOM_IDS.index("automotive")
    limburg_auto = np.array(BE22_AUTOMOTIVE, dtype=float)
    rest_2013, rest_2023 = (
        prior[1, auto, 10] - limburg_auto[10],
        prior[1, auto, 20] - limburg_auto[20],
    )
    prior[0, auto] = limburg_auto
    prior[1, auto] = limburg_auto + _path(
        rest_2013 / GROWTH_2003_2013["automotive"], rest_2013, rest_2023
    )
    for r, region in enumerate(REGIONS):
        for a, atom in enumerate(ATOM_IDS):
            for y, year in enumerate(YEARS):
                wobble = 1.0 + _noise("E", region, atom, year, scale=0.006)
                if region == "BE22" and atom == "automotive":
                    wobble = 1.0
                prior[r, a, y] *= _cycle(atom, year) * wobble
    return prior


# Productivity (EUR of value added per hour worked), Flemish Region 2013: relative levels.
PRODUCTIVITY_2013 = {
    "admin_support": 40,
    "logistics": 62,
    "social_work": 34,
    "trade": 62,
    "education": 52,
    "consulting_engineering": 72,
    "human_health": 50,
    "it_services": 80,
    "hospitality": 28,
    "arts_recreation": 45,
    "advertising_market_research": 65,
    "agriculture": 28,
    "construction": 52,
    "public_administration": 62,
    "other_non_manufacturing": 170,
    "food_industry": 62,
    "automotive": 75,
    "metal": 62,
    "rubber_plastics": 66,
    "chemicals": 130,
    "wood_paper": 58,
    "electrical_optical": 64,
    "machinery": 62,
    "other_manufacturing_subsectors": 48,
}
# Limburg's productivity relative to the Flemish average of the same atom.
BE22_RELATIVE_PRODUCTIVITY = {
    "admin_support": 0.77,
    "logistics": 0.84,
    "trade": 0.77,
    "consulting_engineering": 1.14,
    "it_services": 0.91,
}
# Share of self-employed hours on top of employees' hours, per atom.
SELF_EMPLOYED = {
    "admin_support": 0.12,
    "logistics": 0.08,
    "social_work": 0.03,
    "trade": 0.30,
    "education": 0.03,
    "consulting_engineering": 0.70,
    "human_health": 0.40,
    "it_services": 0.35,
    "hospitality": 0.55,
    "arts_recreation": 0.60,
    "advertising_market_research": 0.35,
    "agriculture": 1.60,
    "construction": 0.40,
    "public_administration": 0.0,
    "other_non_manufacturing": 0.25,
}
EMPLOYEE_HOURS_2013 = 1.20  # thousand hours per employee per year
MANUFACTURING_HOURS_2013 = 1.42  # more full-time work in manufacturing
SELF_EMPLOYED_HOURS = 0.50  # thousand hours per employee, times the atom's self-employed share


# Nominal growth of value added in 2023 (an inflation year) assumed where the article prints
# productivity for 2022 but value added for 2023; it decides the hours worked in 2022.
VALUE_ADDED_GROWTH_2023 = {"TOTAL": 0.06, "C": 0.03}


def implied_hours_targets(targets: list[Target]) -> list[Target]:
    """Hours worked implied where the article prints both value added and value added per hour:
    exactly for a shared year, loosely for 2013-2022 (via the assumed 2023 growth)."""

    def printed(**match):
        return _target_value(targets, **match)

    def flemish_per_hour(sector: str, year: int) -> float:
        """The Flemish level, from Limburg's level and its printed gap."""
        limburg = printed(
            indicator="gva_per_hour", measure="level", region="BE22", sector=sector, year_to=year
        )
        gap = printed(
            indicator="gva_per_hour",
            measure="gap_to_BE2",
            region="BE22",
            sector=sector,
            year_to=year,
        )
        return limburg / (1 + gap / 100)

    out = []
    for region in REGIONS:
        for sector, growth_2023 in VALUE_ADDED_GROWTH_2023.items():
            gva_2013 = printed(
                indicator="gross_value_added",
                measure="level",
                region=region,
                sector=sector,
                year_to=2013,
            )
            per_hour_2013 = printed(
                indicator="gva_per_hour",
                measure="level",
                region=region,
                sector=sector,
                year_to=2013,
            )
            if gva_2013 is not None and per_hour_2013 is not None:
                hours = 1000.0 * gva_2013 / per_hour_2013
                out.append(
                    Target(
                        f"implied.hours.{region}.{sector}.2013",
                        "hours_worked",
                        "level",
                        region,
                        sector,
                        2013,
                        2013,
                        hours,
                        hours * 1e-4,
                    )
                )
            gva_growth = (
                1
                + printed(
                    indicator="gross_value_added",
                    measure="change_pct",
                    region=region,
                    sector=sector,
                )
                / 100
            )
            per_hour_2022 = printed(
                indicator="gva_per_hour",
                measure="level",
                region=region,
                sector=sector,
                year_to=2022,
            )
            per_hour_2013 = per_hour_2013 or flemish_per_hour(sector, 2013)
            per_hour_2022 = per_hour_2022 or flemish_per_hour(sector, 2022)
            ratio = gva_growth / (1 + growth_2023) * per_hour_2013 / per_hour_2022
            out.append(
                Target(
                    f"implied.hours.{region}.{sector}.2013-2022",
                    "hours_worked",
                    "change_pct",
                    region,
                    sector,
                    2013,
                    2022,
                    100 * (ratio - 1),
                    1.0,
                )
            )
    return out


def hours_per_employee(atom: str, year: int) -> tuple[float, float]:
    """(employees' hours, total hours incl. self-employed) per employee, thousand hours."""
    trend = (1 - 0.003) ** (year - 2013)
    covid = {2020: 0.93, 2021: 0.97}.get(year, 1.0)
    base = MANUFACTURING_HOURS_2013 if atom in MANUFACTURING_ATOMS else EMPLOYEE_HOURS_2013
    employee = base * trend * covid
    total = employee + SELF_EMPLOYED_HOURS * SELF_EMPLOYED.get(atom, 0.05) * trend
    return employee, total


def productivity_priors() -> np.ndarray:
    prior = np.empty((2, NA, NY))
    for a, atom in enumerate(ATOM_IDS):
        base = PRODUCTIVITY_2013[atom]
        growth = 1.40 if atom in MANUFACTURING_ATOMS else 1.30
        prior[1, a] = _path(base / 1.22, base, base * growth)
        prior[0, a] = prior[1, a] * BE22_RELATIVE_PRODUCTIVITY.get(atom, 0.90)
        for r, region in enumerate(REGIONS):
            for y, year in enumerate(YEARS):
                prior[r, a, y] *= 1.0 + _noise("P", region, atom, year, scale=0.008)
    return prior


# --- solver -------------------------------------------------------------------------------

LEVEL_SIGMA = 0.10  # a series may sit 10% off its prior level at little cost
SMOOTH_SIGMA = 0.01  # but its deviation from the prior's shape must be smooth
TARGET_WEIGHT = 20.0  # missing a printed figure by its tolerance costs far more
# Corrections to a prior are piecewise linear between these years, so they stay smooth.
KNOTS = [2003, 2008, 2012, 2013, 2015, 2017, 2020, 2022, 2023]


def _hat_basis() -> np.ndarray:
    basis = np.zeros((len(KNOTS), NY))
    for k in range(len(KNOTS)):
        unit = np.zeros(len(KNOTS))
        unit[k] = 1.0
        basis[k] = np.interp(YEARS, KNOTS, unit)
    return basis


def solve(
    prior: np.ndarray,
    targets: list[Target],
    var: str,
    fixed: Dataset,
    weight: np.ndarray | None = None,
) -> np.ndarray:
    """Calibrate `var` (E or G) to the targets. G is solved as hours times productivity, so
    `prior` is then a productivity path and `weight` the hours it multiplies (divided by 1000)."""
    basis = _hat_basis()
    shape = (*prior.shape[:2], len(KNOTS))
    weight = np.ones_like(prior) if weight is None else weight
    keys: dict = {}
    recorder = SumsDataset(keys, record=True)
    for t in targets:
        recorder.evaluate(t)
    fixed_sums = np.array([fixed.total(*key) if key[0] != var else 0.0 for key in keys])
    matrix = sum_matrix(keys, var)
    free = np.array([key[0] == var for key in keys])

    def values(x: np.ndarray) -> np.ndarray:
        return prior * np.exp(x.reshape(shape) @ basis)

    def target_values(sums: np.ndarray) -> np.ndarray:
        data = SumsDataset(keys, sums)
        return np.array([data.evaluate(t) for t in targets])

    def sums_of(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        v = values(x)
        return fixed_sums + matrix @ (weight * v).ravel(), v

    tolerances = np.array([t.tolerance for t in targets])
    printed = np.array([t.value for t in targets])

    def residuals(x: np.ndarray) -> np.ndarray:
        d = x.reshape(shape)
        sums, _ = sums_of(x)
        return np.concatenate(
            [
                d.ravel() / LEVEL_SIGMA,
                np.diff(d, n=2, axis=2).ravel() / SMOOTH_SIGMA,
                (target_values(sums) - printed) / tolerances * TARGET_WEIGHT,
            ]
        )

    n = int(np.prod(shape))
    identity = np.eye(n).reshape(*shape, n)
    smooth_jac = np.diff(identity, n=2, axis=2).reshape(-1, n) / SMOOTH_SIGMA

    def jacobian(x: np.ndarray) -> np.ndarray:
        sums, v = sums_of(x)
        base = target_values(sums)
        d_sums = np.zeros((len(targets), len(keys)))
        for j in np.flatnonzero(free):  # targets are smooth in a handful of sums each
            step = 1e-7 * max(abs(sums[j]), 1.0)
            bumped = sums.copy()
            bumped[j] += step
            d_sums[:, j] = (target_values(bumped) - base) / step
        d_values = (d_sums @ matrix) * (weight * v).ravel()
        d_x = d_values.reshape(len(targets), *prior.shape) @ basis.T
        return np.vstack(
            [
                np.eye(n) / LEVEL_SIGMA,
                smooth_jac,
                d_x.reshape(len(targets), n) / tolerances[:, None] * TARGET_WEIGHT,
            ]
        )

    result = least_squares(
        residuals,
        np.zeros(n),
        jac=jacobian,
        method="lm",
        xtol=1e-14,
        ftol=1e-14,
        gtol=1e-14,
        max_nfev=2000,
    )
    print(f"solver ({var}): {result.message} ({result.nfev} evaluations)", file=sys.stderr)
    return values(result.x)


# --- rounding and regional split ------------------------------------------------------------


def round_preserving_sum(values: np.ndarray, total: float, decimals: int) -> np.ndarray:
    """Round `values` to `decimals` so that they add up to `total` rounded the same way."""
    scale = 10**decimals
    scaled = values * scale
    floor = np.floor(scaled)
    short = int(np.rint(np.rint(total * scale) - floor.sum()))
    order = np.argsort(-(scaled - floor), kind="stable")
    floor[order[:short]] += 1
    return floor / scale


PROVINCE_WEIGHTS = {"210": 0.34, "230": 0.26, "240": 0.19, "250": 0.21}


def province_weights(atom: str, leaf: str, kind: str) -> np.ndarray:
    raw = np.array(
        [
            PROVINCE_WEIGHTS[p] * (1 + _noise(kind, atom, leaf, p, scale=0.25))
            for p in OTHER_PROVINCES
        ]
    )
    return raw / raw.sum()


def leaf_split(atom: str, region: str, kind: str) -> dict[str, float]:
    weights = {
        leaf: w * (1 + _noise(kind, region, atom, leaf, scale=0.2))
        for leaf, w in ATOMS[atom].items()
    }
    total = sum(weights.values())
    return {leaf: w / total for leaf, w in weights.items()}


# --- assembling the dataset ----------------------------------------------------------------


def build(targets: list[Target]):
    """Return ({(nuts, item, branch): [value per year]}, dataset_for_checks)."""
    e_prior = employee_priors(targets)
    e_targets = [
        t
        for t in targets
        if t.indicator
        in {"employees", "manufacturing_share_of_employees", "share_of_manufacturing_employees"}
    ]
    employees = solve(e_prior, e_targets, "E", Dataset())
    e_int = np.rint(employees)
    # Limburg's other_manufacturing cluster (7 atoms) must keep its rounded sum exactly.
    for r in range(2):
        for y in range(NY):
            idx = [
                ATOM_IDS.index(a)
                for a in MANUFACTURING_ATOMS
                if a not in ("food_industry", "automotive")
            ]
            e_int[r, idx, y] = round_preserving_sum(
                employees[r, idx, y], employees[r, idx, y].sum(), 0
            )

    # Where the article prints both value added and value added per hour for the same year,
    # it pins the hours worked too: calibrate hours to those first.
    hours_prior = np.empty_like(e_int)
    for a, atom in enumerate(ATOM_IDS):
        for y, year in enumerate(YEARS):
            hours_prior[:, a, y] = e_int[:, a, y] * hours_per_employee(atom, year)[1]
    hours_targets = implied_hours_targets(targets)
    hours_total = solve(hours_prior, hours_targets, "H", Dataset(E=e_int))

    p_targets = [
        t
        for t in targets
        if t.indicator in {"gross_value_added", "gva_per_hour", "manufacturing_share_of_gva"}
    ]
    productivity = solve(
        productivity_priors(),
        p_targets,
        "G",
        Dataset(E=e_int, H=hours_total),
        weight=hours_total / 1000.0,
    )
    gva = hours_total * productivity / 1000.0

    gdp_per_inhabitant, population = gdp_and_population(targets)

    series: dict[tuple[str, str, str], np.ndarray] = {}

    def put(nuts: str, kind: str, leaf: str, y: int, value: float) -> None:
        series.setdefault((nuts, kind, leaf), np.zeros(NY))[y] = value

    region_nuts = {"BE22": "220", "BE2": "200"}
    for a, atom in enumerate(ATOM_IDS):
        # Employees and value added of Limburg and of the Flemish Region, leaf by leaf.
        for kind, values, decimals in (("EMPLOY", e_int, 0), ("B1G000", gva, 1)):
            for r, region in enumerate(REGIONS):
                split = leaf_split(atom, region, kind)
                for y in range(NY):
                    parts = np.array(list(split.values())) * values[r, a, y]
                    rounded = round_preserving_sum(parts, values[r, a, y], decimals)
                    for leaf, v in zip(split, rounded, strict=True):
                        put(region_nuts[region], kind, leaf, y, v)
        # The other provinces share the rest of the Flemish Region.
        for leaf in ATOMS[atom]:
            for kind, decimals in (("EMPLOY", 0), ("B1G000", 1)):
                weights = province_weights(atom, leaf, kind)
                for y in range(NY):
                    rest = series[("200", kind, leaf)][y] - series[("220", kind, leaf)][y]
                    if rest <= 0:
                        raise ValueError(f"{kind} {leaf} {YEARS[y]}: Limburg exceeds Flanders")
                    parts = round_preserving_sum(weights * rest, rest, decimals)
                    for p, v in zip(OTHER_PROVINCES, parts, strict=True):
                        put(p, kind, leaf, y, v)
            # Hours follow employees, at Limburg's solved hours per employee in Limburg and at
            # the rest of Flanders' in the other provinces.
            for y, year in enumerate(YEARS):
                emp_h, tot_h = hours_per_employee(atom, year)
                limburg = hours_total[0, a, y] / e_int[0, a, y]
                rest = (hours_total[1, a, y] - hours_total[0, a, y]) / (
                    e_int[1, a, y] - e_int[0, a, y]
                )
                for nuts in ["210", "220", *OTHER_PROVINCES[1:]]:
                    per_employee = limburg if nuts == "220" else rest
                    persons = series[(nuts, "EMPLOY", leaf)][y]
                    put(nuts, "HRWTOT", leaf, y, round(persons * per_employee, 1))
                    put(nuts, "HRWEMP", leaf, y, round(persons * per_employee * emp_h / tot_h, 1))

    leaves = [leaf for atom in ATOM_IDS for leaf in ATOMS[atom]]
    c_leaves = [leaf for atom in MANUFACTURING_ATOMS for leaf in ATOMS[atom]]
    for kind in ("EMPLOY", "HRWEMP", "HRWTOT", "B1G000"):
        decimals = 0 if kind == "EMPLOY" else 1
        # The Flemish Region is published as its own series: equal to the sum of the provinces.
        for leaf in leaves:
            series[("200", kind, leaf)] = np.round(
                sum(series[(p, kind, leaf)] for p in ["210", "220", *OTHER_PROVINCES[1:]]),
                decimals,
            )
        for nuts in ["200", "210", "220", "230", "240", "250"]:
            for parent, children in A38_PARENTS.items():
                series[(nuts, kind, parent)] = np.round(
                    sum(series[(nuts, kind, c)] for c in children), decimals
                )
            series[(nuts, kind, "C")] = np.round(
                sum(series[(nuts, kind, leaf)] for leaf in c_leaves), decimals
            )
            series[(nuts, kind, "TOT")] = np.round(
                sum(series[(nuts, kind, leaf)] for leaf in leaves), decimals
            )
        # Belgium adds Brussels and Wallonia, which this snapshot does not carry separately.
        for leaf in leaves:
            factor = 1.72 + _noise("BE", kind, leaf, scale=0.15)
            series[("000", kind, leaf)] = np.round(series[("200", kind, leaf)] * factor, decimals)
        for parent, children in A38_PARENTS.items():
            series[("000", kind, parent)] = np.round(
                sum(series[("000", kind, c)] for c in children), decimals
            )
        series[("000", kind, "C")] = np.round(
            sum(series[("000", kind, leaf)] for leaf in c_leaves), decimals
        )
        series[("000", kind, "TOT")] = np.round(
            sum(series[("000", kind, leaf)] for leaf in leaves), decimals
        )
    for nuts in NBB_NUTS:
        series[(nuts, "B1QCAP", "TOT")] = gdp_per_inhabitant[nuts]
        series[(nuts, "POPULA", "TOT")] = population[nuts]

    check = Dataset(
        E=_atoms_from_series(series, "EMPLOY"),
        G=_atoms_from_series(series, "B1G000"),
        H=_atoms_from_series(series, "HRWTOT"),
        Q=np.array([gdp_per_inhabitant["220"], gdp_per_inhabitant["200"]]),
    )
    return series, check


def _atoms_from_series(series, kind: str) -> np.ndarray:
    out = np.zeros((2, NA, NY))
    for r, nuts in enumerate(["220", "200"]):
        for a, atom in enumerate(ATOM_IDS):
            out[r, a] = sum(series[(nuts, kind, leaf)] for leaf in ATOMS[atom])
    return out


# Average population (persons), 2013, and annual growth, per NBB NUTS code.
POPULATION_2013 = {
    "210": 1_802_300,
    "220": 853_200,
    "230": 1_466_700,
    "240": 1_104_200,
    "250": 1_177_600,
}
POPULATION_GROWTH = {"210": 0.0070, "220": 0.0040, "230": 0.0055, "240": 0.0060, "250": 0.0035}
OUTSIDE_FLANDERS_2013 = 4_761_000  # Brussels and Wallonia, for Belgium's total
GDP_RELATIVE = {"210": 1.12, "230": 0.93, "240": 1.02, "250": 0.97}


def gdp_and_population(targets: list[Target]):
    population = {}
    for nuts, base in POPULATION_2013.items():
        population[nuts] = np.round(
            np.array([base * (1 + POPULATION_GROWTH[nuts]) ** (y - 2013) for y in YEARS])
        )
    population["200"] = sum(population[n] for n in POPULATION_2013)
    population["000"] = population["200"] + np.round(
        np.array([OUTSIDE_FLANDERS_2013 * 1.006 ** (y - 2013) for y in YEARS])
    )

    def value(**match):
        return _target_value(targets, indicator="gdp_per_inhabitant", **match)

    be22_2013 = value(measure="level", region="BE22", year_to=2013)
    be22_2023 = value(measure="level", region="BE22", year_to=2023)
    be2_2023 = value(measure="level", region="BE2", year_to=2023)
    be2_2013 = be22_2013 / (1 + value(measure="gap_to_BE2", year_to=2013) / 100)
    # 'the years before the closure': about 1.0% a year for Limburg, a bit more for Flanders
    limburg = _path(be22_2013 / 1.01**10, be22_2013, be22_2023)
    flanders = _path(be2_2013 / 1.017**10, be2_2013, be2_2023)
    for y, year in enumerate(YEARS):
        dip = {2009: 0.975, 2020: 0.95}.get(year, 1.0)
        if year not in (2013, 2023):
            limburg[y] *= dip * (1 + _noise("Q", "220", year, scale=0.004))
            flanders[y] *= dip * (1 + _noise("Q", "200", year, scale=0.004))
    gdp = {"220": np.round(limburg), "200": np.round(flanders)}
    # The other provinces share the rest of the Flemish GDP (per-inhabitant figure times people).
    rest = gdp["200"] * population["200"] - gdp["220"] * population["220"]
    weights = np.array(
        [[GDP_RELATIVE[n] * population[n][y] for n in OTHER_PROVINCES] for y in range(NY)]
    )
    for i, nuts in enumerate(OTHER_PROVINCES):
        share = weights[:, i] / weights.sum(axis=1)
        gdp[nuts] = np.round(rest * share / population[nuts])
    gdp["000"] = np.round(gdp["200"] * 0.905)
    return gdp, population


# --- SDMX-JSON 2.0 output ------------------------------------------------------------------

ITEMS = {
    "EMPLOY": ("Number of employees", "NP"),
    "HRWEMP": ("Number of hours worked : Employees", "AB"),
    "HRWTOT": ("Number of hours worked : Total employment", "AB"),
    "B1G000": ("Gross value added at basic prices (B.1g)", "CU"),
    "B1QCAP": ("Gross domestic product per resident", "EU"),
    "POPULA": ("Average population in units", "NP"),
}
NUTS_LABELS = {
    "000": "Belgium",
    "200": "Flemish region",
    "210": "Antwerp (province)",
    "220": "Limburg",
    "230": "East Flanders",
    "240": "Flemish Brabant",
    "250": "West Flanders",
}
UNIT_LABELS = {
    "AB": "Thousand hours",
    "CU": "Current prices in millions of euro",
    "EU": "Euros",
    "NP": "Number of persons",
}
BRANCH_LABELS = {
    "TOT": "Total",
    "C": "Manufacturing (C)",
    "AA": "Agriculture, forestry and fishing (AA)",
    "BB": "Mining and quarrying (BB)",
    "CA": "Manufacture of food products, beverages and tobacco products (CA)",
    "CB": "Manufacture of textiles, wearing apparel and leather products (CB)",
    "CC": "Manufacture of wood and paper products, and printing (CC)",
    "CD": "Manufacture of coke and refined petroleum products (CD)",
    "CE": "Manufacture of chemicals and chemical products (CE)",
    "CF": "Manufacture of basic pharmaceutical products and pharmaceutical preparations (CF)",
    "CG": "Manufacture of rubber and plastics products, and other non-metallic mineral products "
    "(CG)",
    "CH": "Manufacture of basic metals and fabricated metal products, except machinery and "
    "equipment (CH)",
    "CI": "Manufacture of computer, electronic and optical products (CI)",
    "CJ": "Manufacture of electrical equipment (CJ)",
    "CK": "Manufacture of machinery and equipment n.e.c. (CK)",
    "CL": "Manufacture of transport equipment (CL)",
    "CM": "Manufacture of furniture; other manufacturing; repair and installation of machinery "
    "and equipment (CM)",
    "DD": "Electricity, gas, steam and air-conditioning supply (DD)",
    "EE": "Water supply; sewerage, waste management and remediation activities (EE)",
    "FF": "Construction (FF)",
    "GG": "Wholesale and retail trade, repair of motor vehicles and motorcycles (GG)",
    "HH": "Transportation and storage (HH)",
    "II": "Accommodation and food service activities (II)",
    "JA": "Publishing, audiovisual and broadcasting activities (JA)",
    "JB": "Telecommunications (JB)",
    "JC": "Computer programming, consultancy and related activities; information service "
    "activities (JC)",
    "KK": "Financial and insurance activities (KK)",
    "LL": "Real estate activities (LL)",
    "MA": "Legal and accounting activities; activities of head offices; management consultancy "
    "activities; architecture and engineering activities; technical testing and analysis "
    "(MA)",
    "MB": "Scientific research and development (MB)",
    "MC": "Advertising and market research; other professional, scientific and technical "
    "activities; veterinary activities (MC)",
    "NN": "Administrative and support service activities (NN)",
    "OO": "Public administration and defence; compulsory social security (OO)",
    "PP": "Education (PP)",
    "QA": "Human health activities (QA)",
    "QB": "Social work activities (QB)",
    "RR": "Arts, entertainment and recreation (RR)",
    "SS": "Other service activities (SS)",
    "TT": "Activities of households as employers of domestic personnel and undifferentiated "
    "goods and services production of households for own use (TT)",
    "UU": "Extraterritorial activities and bodies (UU)",
    "29": "Manufacture of motor vehicles, trailers and semi-trailers (29)",
    "30": "Manufacture of other transport equipment (30)",
    "73": "Advertising and market research (73)",
    "74_75": "Other professional, scientific and technical activities; veterinary activities "
    "(74-75)",
}


def _codes(values: list[str], labels: dict[str, str]) -> list[dict]:
    return [
        {"id": v, "order": i, "name": labels[v], "names": {"en": labels[v]}}
        for i, v in enumerate(values)
    ]


def to_sdmx_json(series: dict[tuple[str, str, str], np.ndarray]) -> bytes:
    items = list(ITEMS)
    nuts = list(NBB_NUTS)
    branches = list(BRANCH_LABELS)
    units = sorted({unit for _, unit in ITEMS.values()})
    dims = [
        ("FREQ", "Frequency", _codes(["A"], {"A": "Annual"})),
        ("ITEM", "Item", _codes(items, {k: v[0] for k, v in ITEMS.items()})),
        ("NUTS", "NUTS", _codes(nuts, NUTS_LABELS)),
        ("BRANCH", "Branch of activity", _codes(branches, BRANCH_LABELS)),
        ("UNIT", "Unit", _codes(units, UNIT_LABELS)),
        ("SECTOR", "Institutional sector", _codes(["S1"], {"S1": "Total economy"})),
    ]
    status_codes = ["A", "P"]
    out_series = {}
    for (nuts_code, item, branch), values in sorted(
        series.items(),
        key=lambda kv: (items.index(kv[0][1]), nuts.index(kv[0][0]), branches.index(kv[0][2])),
    ):
        unit = ITEMS[item][1]
        key = ":".join(
            str(i)
            for i in (
                0,
                items.index(item),
                nuts.index(nuts_code),
                branches.index(branch),
                units.index(unit),
                0,
            )
        )
        decimals = 0 if item in ("EMPLOY", "POPULA", "B1QCAP") else 1
        observations = {}
        for y, year in enumerate(YEARS):
            value = round(float(values[y]), decimals)
            value = int(value) if decimals == 0 else value
            observations[str(y)] = [
                value,
                status_codes.index("P" if year in PROVISIONAL_YEARS else "A"),
            ]
        out_series[key] = {"attributes": [], "annotations": [], "observations": observations}

    message = {
        "meta": {
            "schema": "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/data-message/"
            "tools/schemas/2.0.0/sdmx-json-data-schema.json",
            "id": "IREF-SNAPSHOT-DF_REGACA38",
            "prepared": RETRIEVED_AT,
            "test": False,
            "contentLanguages": ["en"],
            "sender": {
                "id": "disseminate_-_DotStat_v8",
                "name": "unknown",
                "names": {"en": "unknown"},
            },
        },
        "data": {
            "dataSets": [
                {
                    "structure": 0,
                    "action": "Information",
                    "links": [
                        {
                            "urn": "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure="
                            "BE2:DSD_REGACA38(1.0)",
                            "rel": "DataStructure",
                        }
                    ],
                    "annotations": [],
                    "series": out_series,
                }
            ],
            "structures": [
                {
                    "name": "Variables by industry A38 – NUTS 2",
                    "names": {"en": "Variables by industry A38 – NUTS 2"},
                    "dimensions": {
                        "dataSet": [],
                        "series": [
                            {
                                "id": dim_id,
                                "name": name,
                                "names": {"en": name},
                                "keyPosition": i,
                                "roles": [dim_id],
                                "values": values,
                            }
                            for i, (dim_id, name, values) in enumerate(dims)
                        ],
                        "observation": [
                            {
                                "id": "TIME_PERIOD",
                                "name": "Time period",
                                "names": {"en": "Time period"},
                                "keyPosition": len(dims),
                                "roles": ["TIME_PERIOD"],
                                "values": [
                                    {
                                        "start": f"{y}-01-01T00:00:00",
                                        "end": f"{y}-12-31T00:00:00",
                                        "id": str(y),
                                        "name": str(y),
                                        "names": {"en": str(y)},
                                    }
                                    for y in YEARS
                                ],
                            }
                        ],
                    },
                    "attributes": {
                        "dataSet": [],
                        "dimensionGroup": [],
                        "series": [],
                        "observation": [
                            {
                                "id": "OBS_STATUS",
                                "name": "Observation status",
                                "names": {"en": "Observation status"},
                                "roles": ["OBS_STATUS"],
                                "relationship": {"observation": {}},
                                "values": [
                                    {
                                        "id": "A",
                                        "order": 0,
                                        "name": "Normal",
                                        "names": {"en": "Normal"},
                                    },
                                    {
                                        "id": "P",
                                        "order": 1,
                                        "name": "Provisional",
                                        "names": {"en": "Provisional"},
                                    },
                                ],
                            }
                        ],
                    },
                    "annotations": [],
                    "dataSets": [0],
                }
            ],
        },
        "errors": [],
    }
    return (json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def manifest_entry(payload: bytes) -> dict:
    return {
        "source_id": SOURCE_ID,
        "path": OUTPUT_RELATIVE,
        "format": "sdmx-json-2.0",
        "url": "https://nsidisseminate-stat.nbb.be/rest/data/BE2,DF_REGACA38,1.0/"
        "A.EMPLOY+HRWEMP+HRWTOT+B1G000+B1QCAP+POPULA.000+200+210+220+230+240+250..."
        "?startPeriod=2003&endPeriod=2023&dimensionAtObservation=TIME_PERIOD",
        "retrieved_at": RETRIEVED_AT,
        "sha256": hashlib.sha256(payload).hexdigest(),
        "bytes": len(payload),
        "licence": "NBB.Stat terms of use - free reuse provided the source is mentioned",
        "attribution": "Source: NBB.Stat",
        "modelled_series": ["*"],
        "modelled_reason": "Modelled, not official: NBB.Stat is not reachable from the build "
        "machines. Generated deterministically and calibrated to every "
        "regional-accounts figure printed in POM Limburg's article.",
        "generator": "extract/snapshot_generator/nbb_regional_accounts.py",
    }


def write_manifest(entry: dict, snapshot_dir: Path) -> None:
    path = snapshot_dir / "manifest.json"
    manifest = {"snapshot_id": "limburg-embedded-snapshot", "files": []}
    if path.exists():
        manifest.update(json.loads(path.read_text()))
    manifest["files"] = [f for f in manifest["files"] if f["source_id"] != entry["source_id"]]
    manifest["files"].append(entry)
    manifest["files"].sort(key=lambda f: f["source_id"])
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshot-dir", type=Path, default=SNAPSHOT_DIR)
    parser.add_argument(
        "--check-only", action="store_true", help="calibrate and report, write nothing"
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="regenerate in memory and fail unless the committed file is byte-identical",
    )
    args = parser.parse_args(argv)

    targets = load_targets(REFERENCE_CSV)
    series, check = build(targets)
    rows = report(check, targets)
    misses = [(t, got) for t, got, ok in rows if not ok]
    for t, got, ok in rows:
        mark = "ok  " if ok else "MISS"
        print(
            f"{mark} {t.figure_id:55s} printed {t.value:>10g}  generated {got:>12.3f}"
            f"  (tolerance {t.tolerance:g})"
        )
    print(f"{len(rows) - len(misses)} of {len(rows)} regional-accounts figures reproduced")
    if misses:
        print("refusing to write a snapshot that misses the article", file=sys.stderr)
        return 1
    if args.check_only:
        return 0
    payload = to_sdmx_json(series)
    if args.verify:
        committed = (args.snapshot_dir / OUTPUT_RELATIVE).read_bytes()
        if committed != payload:
            print(
                f"{OUTPUT_RELATIVE} differs from the generator's output: run `make snapshot`",
                file=sys.stderr,
            )
            return 1
        print(f"{OUTPUT_RELATIVE} is the generator's output, byte for byte")
        return 0
    out = args.snapshot_dir / OUTPUT_RELATIVE
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(payload)
    write_manifest(manifest_entry(payload), args.snapshot_dir)
    print(f"wrote {out} ({len(payload):,} bytes, {len(series)} series)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
