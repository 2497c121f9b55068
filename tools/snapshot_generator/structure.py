"""The sector structure the NBB snapshot is generated on.

An *atom* is the finest group the article pins down: each Table 2 cluster outside manufacturing,
and each Table 3 subsector inside it. Every atom is a set of NBB BRANCH leaves (A38 codes, or A64
codes where the article needs them), and the leaves partition NBB's `TOT`.
"""

from __future__ import annotations

import csv
import functools

from tools.snapshot_generator.paths import DBT_PROJECT_DIR

ARTICLE_LABELS_CSV = DBT_PROJECT_DIR / "seeds" / "article_sector_labels.csv"

YEARS = list(range(2003, 2024))

# NBB NUTS codes (DF_REGACA38) and the NUTS codes they stand for.
NBB_NUTS = {
    "000": "BE",
    "200": "BE2",
    "210": "BE21",
    "220": "BE22",
    "230": "BE23",
    "240": "BE24",
    "250": "BE25",
}
OTHER_PROVINCES = ["210", "230", "240", "250"]

# atom -> leaves, with the weight of each leaf inside the atom (employees, 2013).
ATOMS: dict[str, dict[str, float]] = {
    # outside manufacturing (Table 2 clusters)
    "admin_support": {"NN": 1.0},
    "logistics": {"HH": 1.0},
    "social_work": {"QB": 1.0},
    "trade": {"GG": 1.0},
    "education": {"PP": 1.0},
    "consulting_engineering": {"MA": 1.0},
    "human_health": {"QA": 1.0},
    "it_services": {"JC": 1.0},
    "hospitality": {"II": 1.0},
    "arts_recreation": {"RR": 1.0},
    "advertising_market_research": {"73": 1.0},
    "agriculture": {"AA": 1.0},
    "construction": {"FF": 1.0},
    "public_administration": {"OO": 1.0},
    "other_non_manufacturing": {
        "BB": 0.02,
        "DD": 0.08,
        "EE": 0.09,
        "JA": 0.06,
        "JB": 0.06,
        "KK": 0.22,
        "LL": 0.05,
        "MB": 0.07,
        "74_75": 0.07,
        "SS": 0.17,
        "TT": 0.10,
        "UU": 0.01,
    },
    # manufacturing (Table 3 subsectors)
    "food_industry": {"CA": 1.0},
    "automotive": {"29": 1.0},
    "metal": {"CH": 1.0},
    "rubber_plastics": {"CG": 1.0},
    "chemicals": {"CD": 0.06, "CE": 0.70, "CF": 0.24},
    "wood_paper": {"CC": 1.0},
    "electrical_optical": {"CI": 0.45, "CJ": 0.55},
    "machinery": {"CK": 1.0},
    "other_manufacturing_subsectors": {"CB": 0.40, "30": 0.10, "CM": 0.50},
}

MANUFACTURING_ATOMS = [
    "food_industry",
    "automotive",
    "metal",
    "rubber_plastics",
    "chemicals",
    "wood_paper",
    "electrical_optical",
    "machinery",
    "other_manufacturing_subsectors",
]
ATOM_IDS = list(ATOMS)

# Article sector ids (DESIGN.md) as unions of atoms.
SECTOR_ATOMS: dict[str, list[str]] = {atom: [atom] for atom in ATOM_IDS}
SECTOR_ATOMS["TOTAL"] = ATOM_IDS
SECTOR_ATOMS["C"] = MANUFACTURING_ATOMS
SECTOR_ATOMS["other_manufacturing"] = [
    a for a in MANUFACTURING_ATOMS if a not in ("food_industry", "automotive")
]

# A38 parents published beside their A64 parts (never added to them downstream).
A38_PARENTS = {"CL": ["29", "30"], "MC": ["73", "74_75"]}


def article_sector(published_in: str, indicator: str, label: str) -> str:
    """Map an article row's Dutch sector label to a sector id (reference README's rule), through
    the warehouse's own seed, so generator and marts read labels the same way."""
    family = (
        "table_3"
        if published_in == "table_3" or indicator == "share_of_manufacturing_employees"
        else "table_2"
    )
    return _article_labels()[(family, label)]


@functools.cache
def _article_labels() -> dict[tuple[str, str], str]:
    with ARTICLE_LABELS_CSV.open(newline="", encoding="utf-8") as handle:
        labels = {
            (r["label_family"], r["label_nl"]): r["sector_code"] for r in csv.DictReader(handle)
        }
    for family in ("table_2", "table_3"):  # plain codes name themselves
        labels.setdefault((family, "TOTAL"), "TOTAL")
        labels.setdefault((family, "C"), "C")
    return labels
