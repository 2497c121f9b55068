"""What the checks allow, read from the seeds as built (what was checked is what was built; the
CSV only when the build lacks the seed): the growth exceptions, and the known series breaks
and gaps."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from expectations.reader import META, SEEDS, BuildReader
from warehouse.config import DBT_PROJECT_DIR

BREAKS_SEED = "known_series_breaks"
BREAKS_CSV = DBT_PROJECT_DIR / "seeds" / f"{BREAKS_SEED}.csv"
EXCEPTIONS_SEED = "growth_exceptions"

EXCEPTIONS_CSV = DBT_PROJECT_DIR / "seeds" / f"{EXCEPTIONS_SEED}.csv"

EXCEPTION_KEY = ["indicator_id", "region_code", "sector_code", "year"]

EXCEPTION_COLUMNS = [*EXCEPTION_KEY, "min_growth_pct", "max_growth_pct", "reason"]


def load_growth_exceptions(
    reader: BuildReader, csv_path: Path = EXCEPTIONS_CSV
) -> tuple[pd.DataFrame, str]:
    """The seed as built (what was checked is what was built); the CSV only if it is absent."""
    table = reader.find(EXCEPTIONS_SEED, META + SEEDS)
    if table is not None:
        frame = reader.df(f"select * from {table}")
        origin = f"build table {table}"
    elif csv_path.exists():
        frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
        origin = f"{csv_path.name} (not in the build)"
    else:
        frame = pd.DataFrame(columns=EXCEPTION_COLUMNS)
        origin = "no exceptions seed found"
    missing = [column for column in EXCEPTION_COLUMNS if column not in frame.columns]
    if missing:
        raise ValueError(f"{EXCEPTIONS_SEED} lacks columns {missing}")
    frame = frame[EXCEPTION_COLUMNS].copy()
    for column in ("indicator_id", "region_code", "sector_code", "reason"):
        frame[column] = frame[column].astype("string").str.strip()
    numeric = {"year": "Int64", "min_growth_pct": "Float64", "max_growth_pct": "Float64"}
    for column, dtype in numeric.items():
        text = frame[column].astype("string").str.strip().replace("", pd.NA)
        frame[column] = pd.to_numeric(text).astype(dtype)
    duplicated = frame[frame.duplicated(EXCEPTION_KEY, keep=False)]
    if not duplicated.empty:
        keys = sorted({tuple(map(str, key)) for key in duplicated[EXCEPTION_KEY].to_numpy()})
        raise ValueError(f"{EXCEPTIONS_SEED} repeats keys {keys}")
    return frame, origin


def with_growth_bounds(
    growth: pd.DataFrame,
    exceptions: pd.DataFrame,
    bounds: tuple[float, float] | Mapping[str, tuple[float, float]],
) -> pd.DataFrame:
    """Year-on-year growth rows with their bounds: a seeded exception's where one applies
    (its reason in exception_reason), else `bounds`, one pair or one per indicator_id."""
    growth = growth.copy()
    growth["year"] = growth["year"].astype("Int64")
    for column in ("indicator_id", "region_code", "sector_code"):
        growth[column] = growth[column].astype("string")
    merged = growth.merge(exceptions, on=EXCEPTION_KEY, how="left")
    if isinstance(bounds, tuple):
        lower, upper = bounds
    else:
        pairs = merged["indicator_id"].map(bounds)
        lower, upper = pairs.map(lambda b: b[0]), pairs.map(lambda b: b[1])
    merged["min_growth_pct"] = merged["min_growth_pct"].fillna(lower)
    merged["max_growth_pct"] = merged["max_growth_pct"].fillna(upper)
    merged = merged.rename(columns={"reason": "exception_reason"})
    # GX compares plain floats; nullable extension types would come back as NA objects.
    for column in ("prev_value", "value", "growth_pct", "min_growth_pct", "max_growth_pct"):
        merged[column] = merged[column].astype("float64")
    return merged


def load_breaks(reader: BuildReader, csv_path: Path = BREAKS_CSV) -> tuple[pd.DataFrame, str]:
    """The known series breaks and gaps."""
    table = reader.find(BREAKS_SEED, META + SEEDS)
    if table is not None:
        frame = reader.df(f"select * from {table}")
        origin = f"build table {table}"
    elif csv_path.exists():
        frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
        origin = f"{csv_path.name} (not in the build)"
    else:
        raise FileNotFoundError(f"{BREAKS_SEED} is neither in the build nor at {csv_path}")
    for column in (
        "flag_id",
        "flag_kind",
        "indicator_id",
        "source_id",
        "region_code",
        "sector_code",
    ):
        frame[column] = frame[column].astype("string").str.strip().replace("", pd.NA)
    frame["year"] = pd.to_numeric(frame["year"]).astype("int64")
    return frame, origin


def flagged(breaks: pd.DataFrame, kind: str, indicator: str, region: str, sector: str) -> set[int]:
    """The years a seeded break (or gap) of `kind` applies to one series."""
    rows = breaks[(breaks["flag_kind"] == kind) & (breaks["indicator_id"] == indicator)]
    rows = rows[rows["region_code"].isna() | (rows["region_code"] == region)]
    rows = rows[rows["sector_code"].isna() | (rows["sector_code"] == sector)]
    return {int(y) for y in rows["year"]}
