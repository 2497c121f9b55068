"""The modelled NBB series: employees, hours worked and value added solved by least squares
against the article's figures around their priors, split into NBB's leaves and provinces,
rounded so that every published total is the exact sum of its published parts."""

from __future__ import annotations

import sys

import numpy as np
from scipy.optimize import least_squares

from tools.snapshot_generator import real_employment
from tools.snapshot_generator.calibration import REGIONS, Dataset, SumsDataset, Target, sum_matrix
from tools.snapshot_generator.nbb_priors import (
    NA,
    NY,
    employee_priors,
    hours_per_employee,
    implied_hours_targets,
    noise,
    productivity_priors,
    target_value,
)
from tools.snapshot_generator.outputs import read_facts
from tools.snapshot_generator.structure import (
    A38_PARENTS,
    ATOM_IDS,
    ATOMS,
    MANUFACTURING_ATOMS,
    NBB_NUTS,
    OTHER_PROVINCES,
    YEARS,
)

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


def province_weights(atom: str, leaf: str, kind: str) -> np.ndarray:
    """[year, province] shares of the other four provinces in the rest of the Flemish Region:
    each province's real employment (EMP) in the leaf's NACE group, so that every province
    keeps its own level and trend of each branch (held after the last real year), with a
    small fixed leaf-level spread."""
    group = real_employment.LEAF_GROUP[leaf]
    raw = np.array(
        [
            real_employment.path(NBB_NUTS[p], group) * (1 + noise(kind, atom, leaf, p, scale=0.04))
            for p in OTHER_PROVINCES
        ]
    ).T
    return raw / raw.sum(axis=1, keepdims=True)


def leaf_split(atom: str, region: str, kind: str) -> dict[str, np.ndarray]:
    """Each leaf's share of its atom, per year. Where an atom's leaves lie in several NACE
    groups, each leaf's weight moves with the region's real employment (EMP) in its group,
    against the Flemish Region's in 2013, so the region keeps its own mix and its trends."""
    i13 = YEARS.index(2013)
    weights = {}
    for leaf, w in ATOMS[atom].items():
        base = w * (1 + noise(kind, region, atom, leaf, scale=0.2))
        group = real_employment.LEAF_GROUP[leaf]
        emp = real_employment.path(region, group)
        weights[leaf] = base * emp / real_employment.path("BE2", group)[i13]
    total = sum(weights.values())
    return {leaf: w / total for leaf, w in weights.items()}


# --- assembling the dataset ----------------------------------------------------------------


def build(targets: list[Target]):
    """Return ({(nuts, item, branch): [value per year]}, dataset_for_checks)."""
    e_int, hours_total, gva = solve_atoms(targets)
    gdp_per_inhabitant, population = gdp_and_population(targets)
    series = regional_leaves(e_int, hours_total, gva)
    add_published_totals(series)
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


def solve_atoms(targets: list[Target]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Employees (whole persons), hours worked and value added per [region, atom, year]."""
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
    return e_int, hours_total, hours_total * productivity / 1000.0


def regional_leaves(
    e_int: np.ndarray, hours_total: np.ndarray, gva: np.ndarray
) -> dict[tuple[str, str, str], np.ndarray]:
    """Every NBB leaf of every Flemish province: Limburg's and the Flemish Region's atoms split
    into leaves, the other provinces sharing the rest, hours following employees."""
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
                    parts = np.array([share[y] for share in split.values()]) * values[r, a, y]
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
                    parts = round_preserving_sum(weights[y] * rest, rest, decimals)
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
    return series


def add_published_totals(series: dict[tuple[str, str, str], np.ndarray]) -> None:
    """The series NBB publishes beside the leaves: the Flemish Region, the A38 parents, C and
    TOT of every region, and Belgium. Each is the exact sum of its published parts."""
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
            _add_parents(series, nuts, kind, decimals, leaves, c_leaves)
        # Belgium adds Brussels and Wallonia, which this snapshot does not carry separately.
        for leaf in leaves:
            factor = 1.72 + noise("BE", kind, leaf, scale=0.15)
            series[("000", kind, leaf)] = np.round(series[("200", kind, leaf)] * factor, decimals)
        _add_parents(series, "000", kind, decimals, leaves, c_leaves)


def _add_parents(series, nuts: str, kind: str, decimals: int, leaves, c_leaves) -> None:
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


def _atoms_from_series(series, kind: str) -> np.ndarray:
    out = np.zeros((2, NA, NY))
    for r, nuts in enumerate(["220", "200"]):
        for a, atom in enumerate(ATOM_IDS):
            out[r, a] = sum(series[(nuts, kind, leaf)] for leaf in ATOMS[atom])
    return out


# B1QCAP lies this close to Eurostat's EUR_HAB, which is B1QCAP rounded to EUR 100.
EUR_HAB_HALF_STEP = 49


def gdp_and_population(targets: list[Target]):
    """GDP per inhabitant and population, bound by Eurostat's real nama_10r_3gdp (the NBB's own
    figures, in an older vintage): B1QCAP rounds to EUR_HAB in every year of 2003-2022 and
    population is MIO_EUR / EUR_HAB. The article's printed values pin 2013 (BE22, and BE2
    through the printed gap) and 2023 (BE22, BE2), the year after the real series ends; the
    other regions' 2023 move with the Flemish Region's growth."""
    real = {
        (r["geo"], r["unit"], int(r["year"])): float(r["value"])
        for r in read_facts("eurostat_nama_10r_3gdp_flanders.csv")
    }

    def value(**match):
        return target_value(targets, indicator="gdp_per_inhabitant", **match)

    be22_2013 = value(measure="level", region="BE22", year_to=2013)
    gap_2013 = value(measure="gap_to_BE2", year_to=2013)
    pinned = {
        ("220", 2013): be22_2013,
        # the printed gap holds to its rounding with BE2 kept as near to EUR_HAB as it allows
        ("200", 2013): _nearest_within_gap(be22_2013, gap_2013, real[("BE2", "EUR_HAB", 2013)]),
        ("220", 2023): value(measure="level", region="BE22", year_to=2023),
        ("200", 2023): value(measure="level", region="BE2", year_to=2023),
    }
    last = max(y for (_, _, y) in real)
    gdp = {nuts: np.zeros(NY) for nuts in NBB_NUTS}
    population = {nuts: np.zeros(NY) for nuts in NBB_NUTS}
    for nuts, geo in NBB_NUTS.items():
        for y, year in enumerate(YEARS):
            if year > last:
                continue
            rounded = real[(geo, "EUR_HAB", year)]
            offset = round(noise("Q", nuts, year, scale=30))
            gdp[nuts][y] = pinned.get((nuts, year), rounded + offset)
            population[nuts][y] = round(real[(geo, "MIO_EUR", year)] * 1e6 / rounded)
    # After Eurostat's last year: printed, or the Flemish Region's growth; population at its
    # last growth rate.
    for y, year in enumerate(YEARS):
        if year <= last:
            continue
        flemish = pinned[("200", year)] / gdp["200"][y - 1]
        for nuts in NBB_NUTS:
            gdp[nuts][y] = pinned.get((nuts, year), round(gdp[nuts][y - 1] * flemish))
            pop = population[nuts]
            pop[y] = round(pop[y - 1] * pop[y - 1] / pop[y - 2])
    return gdp, population


def _nearest_within_gap(level: float, gap_pct: float, rounded: float, tolerance=0.05) -> float:
    """The reference value nearest to `rounded` for which level's gap to it prints gap_pct."""
    low = level / (1 + (gap_pct + tolerance) / 100)
    high = level / (1 + (gap_pct - tolerance) / 100)
    return float(min(max(rounded, np.ceil(low + 1)), np.floor(high - 1)))
