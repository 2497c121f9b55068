"""The prior paths of the modelled NBB series: what each atom's employees, hours per employee
and productivity would do without the article's figures, following the real history (the
2009 recession, Ford Genk closing at the end of 2014, COVID in 2020); and the hours worked that
the article's figures imply."""

from __future__ import annotations

import zlib

import numpy as np

from tools.snapshot_generator import real_employment
from tools.snapshot_generator.calibration import REGIONS, Target
from tools.snapshot_generator.structure import ATOM_IDS, MANUFACTURING_ATOMS, YEARS

NY = len(YEARS)
NA = len(ATOM_IDS)


def noise(*key: object, scale: float) -> float:
    """Deterministic pseudo-noise in [-scale, scale] (no global RNG state)."""
    h = zlib.crc32("|".join(map(str, key)).encode()) / 0xFFFFFFFF
    return scale * (2.0 * h - 1.0)


def prior_path(v2003: float, v2013: float, v2023: float) -> np.ndarray:
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
# Employees 2013 / 2003 in the automotive industry outside Limburg (EMP has no such group).
AUTOMOTIVE_GROWTH_2003_2013 = 0.70
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


def emp_shaped_path(geo: str, atom: str, v2013: float, v2023: float) -> np.ndarray:
    """Through the 2013 and 2023 anchors along the real employment (EMP) of the atom's NACE
    group: its path up to the last real year (2009's recession, Ford's 2015 included), then
    geometric to 2023. The other manufacturing atoms move with manufacturing less Limburg's
    automotive jobs, so that Ford's closure is not counted twice."""
    emp = real_employment.path(geo, real_employment.atom_group(atom))
    if atom in MANUFACTURING_ATOMS and atom != "automotive":
        emp = emp - np.array(BE22_AUTOMOTIVE, dtype=float)
    i13, last = YEARS.index(2013), YEARS.index(real_employment.LAST_YEAR)
    out = v2013 * emp / emp[i13]
    for y in range(last + 1, NY):
        out[y] = out[last] * (v2023 / out[last]) ** ((y - last) / (NY - 1 - last))
    return out


def _cycle(atom: str, year: int) -> float:
    """Known shocks after the real employment ends: COVID in 2020-2021."""
    factor = 1.0
    if atom == "hospitality":
        factor *= {2020: 0.90, 2021: 0.94}.get(year, 1.0)
    if atom == "arts_recreation":
        factor *= {2020: 0.93, 2021: 0.96}.get(year, 1.0)
    return factor


def target_value(targets: list[Target], **match) -> float | None:
    for t in targets:
        if all(getattr(t, k) == v for k, v in match.items()):
            return t.value
    return None


def employee_priors(targets: list[Target]) -> np.ndarray:
    prior = np.empty((2, NA, NY))
    for a, atom in enumerate(ATOM_IDS):
        # Limburg: the article's 2023 level and 2013-2023 change where printed.
        end = target_value(
            targets,
            indicator="employees",
            measure="level",
            region="BE22",
            sector=atom,
            year_to=2023,
        )
        change = target_value(
            targets, indicator="employees", measure="change", region="BE22", sector=atom
        )
        pct = target_value(
            targets, indicator="employees", measure="change_pct", region="BE22", sector=atom
        )
        start = end - change if change is not None else end / (1 + pct / 100)
        prior[0, a] = emp_shaped_path("BE22", atom, start, end)
        # Flemish Region: a plausible 2023 level and the article's 2013-2023 growth.
        end2 = 1000.0 * BE2_EMPLOYEES_2023[atom]
        pct2 = target_value(
            targets, indicator="employees", measure="change_pct", region="BE2", sector=atom
        )
        start2 = end2 / (1 + pct2 / 100)
        prior[1, a] = emp_shaped_path("BE2", atom, start2, end2)
    # Ford Genk's jobs vanish from the Flemish total too, not only from Limburg's.
    auto = ATOM_IDS.index("automotive")
    limburg_auto = np.array(BE22_AUTOMOTIVE, dtype=float)
    rest_2013, rest_2023 = (
        prior[1, auto, 10] - limburg_auto[10],
        prior[1, auto, 20] - limburg_auto[20],
    )
    prior[0, auto] = limburg_auto
    prior[1, auto] = limburg_auto + prior_path(
        rest_2013 / AUTOMOTIVE_GROWTH_2003_2013, rest_2013, rest_2023
    )
    for r, region in enumerate(REGIONS):
        for a, atom in enumerate(ATOM_IDS):
            for y, year in enumerate(YEARS):
                wobble = 1.0 + noise("E", region, atom, year, scale=0.006)
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
        return target_value(targets, **match)

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
                out.append(_hours_2013(region, sector, 1000.0 * gva_2013 / per_hour_2013))
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
            out.append(_hours_change(region, sector, 100 * (ratio - 1)))
    return out


def _hours_2013(region: str, sector: str, hours: float) -> Target:
    return Target(
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


def _hours_change(region: str, sector: str, change_pct: float) -> Target:
    return Target(
        f"implied.hours.{region}.{sector}.2013-2022",
        "hours_worked",
        "change_pct",
        region,
        sector,
        2013,
        2022,
        change_pct,
        1.0,
    )


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
        prior[1, a] = prior_path(base / 1.22, base, base * growth)
        prior[0, a] = prior[1, a] * BE22_RELATIVE_PRODUCTIVITY.get(atom, 0.90)
        for r, region in enumerate(REGIONS):
            for y, year in enumerate(YEARS):
                prior[r, a, y] *= 1.0 + noise("P", region, atom, year, scale=0.008)
    return prior
