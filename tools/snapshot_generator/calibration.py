"""The article's regional-accounts figures as targets, and how to evaluate them on a dataset.

The evaluator follows DESIGN.md's formulas, so the generator and the warehouse agree on what
"reproducing a figure" means.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tools.snapshot_generator.structure import ATOM_IDS, SECTOR_ATOMS, YEARS, article_sector

REGIONS = ["BE22", "BE2"]  # the regions the article pins down; the other provinces follow
REGIONAL_ACCOUNTS_INDICATORS = {
    "employees",
    "gross_value_added",
    "gva_per_hour",
    "gdp_per_inhabitant",
    "manufacturing_share_of_employees",
    "manufacturing_share_of_gva",
    "share_of_manufacturing_employees",
}
SUFFIXES = ("_avg_annual_growth", "_gap_to_BE2", "_change_pct", "_change")


@dataclass(frozen=True)
class Target:
    figure_id: str
    indicator: str  # base indicator id
    measure: str  # level, change, change_pct, avg_annual_growth, gap_to_BE2
    region: str
    sector: str
    year_from: int
    year_to: int
    value: float
    tolerance: float


def split_indicator(indicator: str) -> tuple[str, str]:
    for suffix in SUFFIXES:
        if indicator.endswith(suffix):
            return indicator[: -len(suffix)], suffix[1:]
    return indicator, "level"


def load_targets(reference_csv: Path) -> list[Target]:
    """Every regional-accounts row of the article's figures that has a tolerance."""
    targets = []
    with reference_csv.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            base, measure = split_indicator(row["indicator"])
            if base not in REGIONAL_ACCOUNTS_INDICATORS or not row["tolerance"]:
                continue
            period = row["period"]
            year_from, _, year_to = period.partition("-")
            targets.append(
                Target(
                    figure_id=row["figure_id"],
                    indicator=base,
                    measure=measure,
                    region=row["region"],
                    sector=article_sector(row["published_in"], base, row["sector"]),
                    year_from=int(year_from),
                    year_to=int(year_to or year_from),
                    value=float(row["value"]),
                    tolerance=float(row["tolerance"]),
                )
            )
    return targets


class Dataset:
    """Atom-level arrays [region, atom, year] for employees (E), value added (G, million EUR),
    total hours worked (H, thousand hours), and [region, year] GDP per inhabitant (Q).

    Every figure is a function of a few sums over atoms (`total`); the solver swaps in a
    subclass that reads those sums from a vector, which gives it exact derivatives."""

    def __init__(self, E=None, G=None, H=None, Q=None):
        self.E, self.G, self.H, self.Q = E, G, H, Q

    def total(self, var: str, region: str, sector: str, year: int) -> float:
        r, y = REGIONS.index(region), YEARS.index(year)
        if var == "Q":
            return float(self.Q[r, y])
        atoms = [ATOM_IDS.index(a) for a in SECTOR_ATOMS[sector]]
        return float(getattr(self, var)[r, atoms, y].sum())

    def level(self, indicator: str, region: str, sector: str, year: int) -> float:
        t = self.total
        if indicator == "employees":
            return t("E", region, sector, year)
        if indicator == "gross_value_added":
            return t("G", region, sector, year)
        if indicator == "hours_worked":
            return t("H", region, sector, year)
        if indicator == "gva_per_hour":
            return 1000.0 * t("G", region, sector, year) / t("H", region, sector, year)
        if indicator == "gdp_per_inhabitant":
            return t("Q", region, sector, year)
        if indicator == "manufacturing_share_of_employees":
            return 100.0 * t("E", region, "C", year) / t("E", region, "TOTAL", year)
        if indicator == "manufacturing_share_of_gva":
            return 100.0 * t("G", region, "C", year) / t("G", region, "TOTAL", year)
        if indicator == "share_of_manufacturing_employees":
            return 100.0 * t("E", region, sector, year) / t("E", region, "C", year)
        raise KeyError(indicator)

    def evaluate(self, t: Target) -> float:
        if t.measure == "level":
            return self.level(t.indicator, t.region, t.sector, t.year_to)
        if t.measure == "gap_to_BE2":
            value = self.level(t.indicator, t.region, t.sector, t.year_to)
            reference = self.level(t.indicator, "BE2", t.sector, t.year_to)
            return 100.0 * (value / reference - 1.0)
        start = self.level(t.indicator, t.region, t.sector, t.year_from)
        end = self.level(t.indicator, t.region, t.sector, t.year_to)
        if t.measure == "change":
            return end - start
        if t.measure == "change_pct":
            return 100.0 * (end / start - 1.0)
        if t.measure == "avg_annual_growth":
            return 100.0 * ((end / start) ** (1.0 / (t.year_to - t.year_from)) - 1.0)
        raise KeyError(t.measure)


class SumsDataset(Dataset):
    """A dataset whose atom sums come from a vector `sums`, indexed by `keys`. With
    `record=True` it only collects the keys a set of targets needs."""

    def __init__(self, keys: dict, sums=None, record: bool = False):
        super().__init__()
        self.keys, self.sums, self.record = keys, sums, record

    def total(self, var, region, sector, year):
        key = (var, region, sector, year)
        if self.record:
            self.keys.setdefault(key, len(self.keys))
            return 1.0
        return float(self.sums[self.keys[key]])


def sum_matrix(keys: dict, var: str) -> np.ndarray:
    """Rows: the keys of `var`; columns: the flattened [region, atom, year] array."""
    matrix = np.zeros((len(keys), len(REGIONS) * len(ATOM_IDS) * len(YEARS)))
    for (v, region, sector, year), row in keys.items():
        if v != var:
            continue
        for atom in SECTOR_ATOMS[sector]:
            col = np.ravel_multi_index(
                (REGIONS.index(region), ATOM_IDS.index(atom), YEARS.index(year)),
                (len(REGIONS), len(ATOM_IDS), len(YEARS)),
            )
            matrix[row, col] = 1.0
    return matrix


def uses_only(t: Target, indicators: set[str]) -> bool:
    return t.indicator in indicators


def report(dataset: Dataset, targets: list[Target]) -> list[tuple[Target, float, bool]]:
    rows = []
    for t in targets:
        got = dataset.evaluate(t)
        rows.append((t, got, bool(abs(got - t.value) <= t.tolerance + 1e-9)))
    return rows


def as_array(values) -> np.ndarray:
    return np.asarray(values, dtype=float)
