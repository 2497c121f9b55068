"""What a release changes for the marts' readers: tables and columns added, removed or retyped
against the file it replaces (recorded in `meta.schema_changes`)."""

from __future__ import annotations

from pathlib import Path

import duckdb

DIFF_SCHEMAS = ("marts",)

__all__ = ["DIFF_SCHEMAS", "columns", "schema_diff"]


def columns(db_file: Path, schemas: tuple[str, ...] = DIFF_SCHEMAS) -> dict[tuple, str]:
    """{(schema, table, column): data_type} of the tables of `schemas` in a DuckDB file."""
    con = duckdb.connect(str(db_file), read_only=True)
    try:
        rows = con.execute(
            "SELECT c.schema_name, c.table_name, c.column_name, c.data_type "
            "FROM duckdb_columns() c JOIN duckdb_tables() t "
            "ON c.database_name = t.database_name AND c.schema_name = t.schema_name "
            "AND c.table_name = t.table_name "
            "WHERE c.database_name = current_database() AND list_contains(?, c.schema_name)",
            [list(schemas)],
        ).fetchall()
    finally:
        con.close()
    return {(s, t, c): kind for s, t, c, kind in rows}


def schema_diff(after: dict[tuple, str], before: dict[tuple, str]) -> list[dict]:
    """Tables and columns added, removed or retyped: `after` against `before`, both
    {(schema, table, column): data_type} as `columns` gives them."""
    tables_after = {k[:2] for k in after}
    tables_before = {k[:2] for k in before}
    out: list[dict] = []

    def add(change: str, key: tuple, old_type: str | None = None, new_type: str | None = None):
        out.append(
            {
                "change": change,
                "table_schema": key[0],
                "table_name": key[1],
                "column_name": key[2] if len(key) > 2 else None,
                "old_type": old_type,
                "new_type": new_type,
            }
        )

    for t in sorted(tables_after - tables_before):
        add("table_added", t)
    for t in sorted(tables_before - tables_after):
        add("table_removed", t)
    for key in sorted(after.keys() - before.keys()):
        if key[:2] in tables_before:
            add("column_added", key, None, after[key])
    for key in sorted(before.keys() - after.keys()):
        if key[:2] in tables_after:
            add("column_removed", key, before[key], None)
    for key in sorted(after.keys() & before.keys()):
        if after[key] != before[key]:
            add("column_retyped", key, before[key], after[key])
    return out
