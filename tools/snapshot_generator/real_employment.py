"""Eurostat's real employment (EMP: employees plus self-employed, nama_10r_3empers, 2003-2018),
the bound and the shape of the modelled NBB employees: employees are a part of EMP, so each
modelled series follows its NACE group's real path and stays below it, and each province's
share of a branch follows its own real share."""

from __future__ import annotations

import functools

import numpy as np

from tools.snapshot_generator.outputs import read_facts
from tools.snapshot_generator.structure import ATOMS, MANUFACTURING_ATOMS, YEARS

NY = len(YEARS)

# NBB leaf (A38/A64 branch) -> Eurostat's NACE group; "B_D_E" is B-E less C.
LEAF_GROUP = {
    "AA": "A", "BB": "B_D_E", "DD": "B_D_E", "EE": "B_D_E", "FF": "F",
    "GG": "G-I", "HH": "G-I", "II": "G-I", "JA": "J", "JB": "J", "JC": "J", "KK": "K",
    "LL": "L", "MA": "M_N", "MB": "M_N", "73": "M_N", "74_75": "M_N", "NN": "M_N",
    "OO": "O-Q", "PP": "O-Q", "QA": "O-Q", "QB": "O-Q", "RR": "R-U", "SS": "R-U",
    "TT": "R-U", "UU": "R-U",
}  # fmt: skip
for _atom in MANUFACTURING_ATOMS:
    for _leaf in ATOMS[_atom]:
        LEAF_GROUP[_leaf] = "C"


@functools.cache
def _facts() -> dict[tuple[str, str, int], float]:
    rows = read_facts("eurostat_nama_10r_3empers_emp_flanders.csv")
    out = {(r["geo"], r["nace_r2"], int(r["year"])): float(r["value"]) for r in rows}
    for geo, _, year in list(out):
        out[(geo, "B_D_E", year)] = out[(geo, "B-E", year)] - out[(geo, "C", year)]
    return out


LAST_YEAR = max(year for _, _, year in _facts())


def atom_group(atom: str) -> str:
    """The NACE group an atom's employees move with (TOTAL for a mix of groups)."""
    groups = {LEAF_GROUP[leaf] for leaf in ATOMS[atom]}
    return groups.pop() if len(groups) == 1 else "TOTAL"


def path(geo: str, group: str) -> np.ndarray:
    """EMP per year of YEARS, held at its last real value after LAST_YEAR."""
    facts = _facts()
    return np.array([facts[(geo, group, min(year, LAST_YEAR))] for year in YEARS])


def real_years() -> range:
    return range(YEARS[0], LAST_YEAR + 1)
