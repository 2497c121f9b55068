"""Read-only access to a build file: find tables whatever schema dbt-duckdb gave them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

# The project's generate_schema_name gives exact schema names; dbt-duckdb's default would give
# `main_<custom>`, so both spellings are accepted (exact name first).
RAW = ("raw", "main_raw")
MARTS = ("marts", "main_marts")
SEEDS = ("seeds", "main_seeds")
META = ("meta", "main_meta")
FLEMISH_REGIONS = ("BE2", "BE21", "BE22", "BE23", "BE24", "BE25")


class MissingTableError(LookupError):
    """A table the checks need is not in the build."""


class BuildReader:
    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        rows = con.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_catalog = current_database()"
        ).fetchall()
        self._schemas_by_table: dict[str, list[str]] = {}
        for schema, table in rows:
            self._schemas_by_table.setdefault(table.lower(), []).append(schema)

    @classmethod
    def open(cls, build_path: Path) -> BuildReader:
        return cls(duckdb.connect(str(build_path), read_only=True))

    def close(self) -> None:
        self.con.close()

    def find(self, table: str, preferred: Sequence[str]) -> str | None:
        """Quoted `schema.table`, looked up in the preferred schemas first, or None."""
        schemas = self._schemas_by_table.get(table.lower(), [])
        for candidate in preferred:
            for schema in schemas:
                if schema.lower() == candidate:
                    return f'"{schema}"."{table}"'
        # Some other schema naming: accept it only when unambiguous.
        if len(schemas) == 1:
            return f'"{schemas[0]}"."{table}"'
        return None

    def table(self, table: str, preferred: Sequence[str]) -> str:
        found = self.find(table, preferred)
        if found is None:
            where = self._schemas_by_table.get(table.lower())
            hint = f" (ambiguous: in schemas {where})" if where else ""
            raise MissingTableError(f"table {preferred[0]}.{table} not found in the build{hint}")
        return found

    def df(self, sql: str, params: Sequence[object] | None = None) -> pd.DataFrame:
        # A cursor per query: an unfinished result never blocks the next one (DuckDB 2.0).
        cursor = self.con.cursor()
        try:
            return cursor.execute(sql, params or []).df()
        finally:
            cursor.close()


def indicator_values(
    reader: BuildReader,
    indicators: tuple[str, ...],
    regions: tuple[str, ...] = FLEMISH_REGIONS,
) -> pd.DataFrame:
    """fct_indicator_values of some indicators, for the Flemish Region and its provinces."""
    fact = reader.table("fct_indicator_values", MARTS)
    frame = reader.df(
        f"""select indicator_id, region_code, sector_code, year, value, obs_status, source_id
            from {fact}
            where list_contains(?, indicator_id) and list_contains(?, region_code)
            order by indicator_id, region_code, sector_code, year""",
        [list(indicators), list(regions)],
    )
    frame["year"] = frame["year"].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    return frame
