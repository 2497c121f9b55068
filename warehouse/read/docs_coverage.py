"""Description coverage of the dbt project: every model, seed, source and column is described.

Reads dbt's manifest (descriptions with their docs blocks rendered) and reports:
- a model, seed, source table or exposure without a description;
- a column without a description;
- a mart (a model with an enforced contract) column without a declared data type;
- with the built database: a column the table has that its YAML does not document, or one the
  YAML documents that the table lacks, and a documented model or seed missing from the file;
- a source table whose meta or description disagrees with extract/catalog.yaml on the
  publisher, dataset id, licence or attribution.

    python -m warehouse.read.docs_coverage [--db FILE]

parses the project into a temporary folder, prints every gap and exits 1 if there is one.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extract.paths import CATALOG_PATH
from warehouse.build.dbt_runner import BUILD_PATH_ENV, environment
from warehouse.config import DBT_PROJECT_DIR, disable_telemetry

DESCRIBED_KINDS = ("model", "seed")
SOURCE_META_FIELDS = ("publisher", "dataset_id", "licence", "attribution")


@dataclass(frozen=True, order=True)
class Gap:
    """One thing left undocumented or out of step: `resource` is e.g. `model fct_x`."""

    resource: str
    column: str | None
    problem: str

    def __str__(self) -> str:
        where = f"{self.resource}, column {self.column}" if self.column else self.resource
        return f"{where}: {self.problem}"


class DocsCoverageError(RuntimeError):
    """The project could not be parsed."""


def parse_project(target_path: Path, project_dir: Path = DBT_PROJECT_DIR) -> dict[str, Any]:
    """`dbt parse` in-process into `target_path`; return the manifest as a dict."""
    from dbt.cli.main import dbtRunner  # heavy import, only when needed

    disable_telemetry()
    target_path = Path(target_path)
    args = [
        "parse",
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(target_path),
        "--log-path",
        str(target_path / "logs"),
        "--quiet",
    ]
    # The profile names its database through the environment; parsing never opens it.
    placeholder = str(target_path / "parse-only.duckdb")
    with environment(**{BUILD_PATH_ENV: placeholder, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}):
        res = dbtRunner().invoke(args)
    manifest_file = target_path / "manifest.json"
    if res.exception is not None or not res.success or not manifest_file.exists():
        raise DocsCoverageError(f"dbt parse of {project_dir} failed: {res.exception}")
    return json.loads(manifest_file.read_text())


def _blank(text: Any) -> bool:
    return not isinstance(text, str) or not text.strip()


def _own_nodes(manifest: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    project = manifest.get("metadata", {}).get("project_name")
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") in DESCRIBED_KINDS and node.get("package_name") == project:
            yield node


def _is_mart(node: Mapping[str, Any]) -> bool:
    contract = node.get("contract") or node.get("config", {}).get("contract") or {}
    return node.get("resource_type") == "model" and bool(contract.get("enforced"))


def missing_descriptions(manifest: Mapping[str, Any]) -> list[Gap]:
    """Every resource and column of the project without a description."""
    gaps: list[Gap] = []
    for node in _own_nodes(manifest):
        resource = f"{node['resource_type']} {node['name']}"
        if _blank(node.get("description")):
            gaps.append(Gap(resource, None, "no description"))
        columns = node.get("columns") or {}
        if not columns:
            gaps.append(Gap(resource, None, "no column is documented"))
        for name, column in columns.items():
            if _blank(column.get("description")):
                gaps.append(Gap(resource, name, "no description"))
            if _is_mart(node) and _blank(column.get("data_type")):
                gaps.append(Gap(resource, name, "no data_type in the mart's contract"))
    for source in manifest.get("sources", {}).values():
        resource = f"source {source['source_name']}.{source['name']}"
        if _blank(source.get("description")):
            gaps.append(Gap(resource, None, "no description"))
        for name, column in (source.get("columns") or {}).items():
            if _blank(column.get("description")):
                gaps.append(Gap(resource, name, "no description"))
    for exposure in manifest.get("exposures", {}).values():
        if _blank(exposure.get("description")):
            gaps.append(Gap(f"exposure {exposure['name']}", None, "no description"))
    return sorted(gaps)


def column_mismatches(
    manifest: Mapping[str, Any], actual: Mapping[tuple[str, str], Sequence[str]]
) -> list[Gap]:
    """Documented columns against the tables' real ones, keyed by (schema, table)."""
    gaps: list[Gap] = []
    for node in _own_nodes(manifest):
        resource = f"{node['resource_type']} {node['name']}"
        table = (node["schema"], node.get("alias") or node["name"])
        if table not in actual:
            gaps.append(Gap(resource, None, f"no table {table[0]}.{table[1]} in the database"))
            continue
        gaps += _compare_columns(resource, node.get("columns") or {}, actual[table])
    for source in manifest.get("sources", {}).values():
        # Raw tables of optional publishers may be absent; those present must match.
        table = (source["schema"], source.get("identifier") or source["name"])
        if table not in actual:
            continue
        resource = f"source {source['source_name']}.{source['name']}"
        gaps += _compare_columns(resource, source.get("columns") or {}, actual[table])
    return sorted(gaps)


def _compare_columns(resource: str, documented: Iterable[str], real: Iterable[str]) -> list[Gap]:
    yaml_columns = {c.lower() for c in documented}
    table_columns = {c.lower() for c in real}
    return [
        Gap(resource, name, "in the table but not documented in its YAML")
        for name in sorted(table_columns - yaml_columns)
    ] + [
        Gap(resource, name, "documented in its YAML but not in the table")
        for name in sorted(yaml_columns - table_columns)
    ]


def database_columns(db_file: Path) -> dict[tuple[str, str], list[str]]:
    """(schema, table) -> column names, in order, of a DuckDB file opened read-only."""
    import duckdb

    con = duckdb.connect(str(db_file), read_only=True)
    try:
        rows = con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE table_catalog = current_database() "
            "ORDER BY table_schema, table_name, ordinal_position"
        ).fetchall()
    finally:
        con.close()
    out: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in rows:
        out.setdefault((schema, table), []).append(column)
    return out


def source_catalog_mismatches(
    manifest: Mapping[str, Any], datasets: Iterable[Mapping[str, Any]]
) -> list[Gap]:
    """Source tables whose meta or description disagree with the catalog's dataset."""
    by_table = {d["raw_table"]: d for d in datasets}
    gaps: list[Gap] = []
    for source in manifest.get("sources", {}).values():
        dataset = by_table.get(source["name"])
        if dataset is None:
            continue
        resource = f"source {source['source_name']}.{source['name']}"
        meta = source.get("meta") or source.get("config", {}).get("meta") or {}
        for field in SOURCE_META_FIELDS:
            if meta.get(field) != dataset[field]:
                gaps.append(
                    Gap(
                        resource,
                        None,
                        f"meta.{field} is {meta.get(field)!r}, extract/catalog.yaml says "
                        f"{dataset[field]!r}",
                    )
                )
        urls = {dataset.get("landing_page"), dataset.get("url_template")} - {None}
        if meta.get("url") not in urls:
            gaps.append(Gap(resource, None, f"meta.url {meta.get('url')!r} is not the catalog's"))
        description = " ".join(str(source.get("description") or "").split())
        for field in ("licence", "attribution"):
            if " ".join(dataset[field].split()) not in description:
                gaps.append(Gap(resource, None, f"description does not state the {field}"))
    return sorted(gaps)


def catalog_datasets(catalog_path: Path = CATALOG_PATH) -> list[dict[str, Any]]:
    import yaml

    return list(yaml.safe_load(catalog_path.read_text())["datasets"])


def counts(manifest: Mapping[str, Any]) -> dict[str, int]:
    """How many models, marts, seeds, source tables and columns the manifest documents."""
    nodes = list(_own_nodes(manifest))
    models = [n for n in nodes if n["resource_type"] == "model"]
    return {
        "models": len(models),
        "marts": sum(1 for n in models if _is_mart(n)),
        "seeds": len(nodes) - len(models),
        "model columns": sum(len(n.get("columns") or {}) for n in models),
        "seed columns": sum(len(n.get("columns") or {}) for n in nodes if n not in models),
        "sources": len(manifest.get("sources", {})),
        "source columns": sum(
            len(s.get("columns") or {}) for s in manifest.get("sources", {}).values()
        ),
        "exposures": len(manifest.get("exposures", {})),
    }


def check(manifest: Mapping[str, Any], db_file: Path | None = None) -> list[Gap]:
    gaps = missing_descriptions(manifest)
    gaps += source_catalog_mismatches(manifest, catalog_datasets())
    if db_file is not None:
        gaps += column_mismatches(manifest, database_columns(db_file))
    return gaps


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m warehouse.read.docs_coverage",
        description="Fail when a dbt model, seed, source or column has no description.",
    )
    parser.add_argument(
        "--db", type=Path, help="a built warehouse file: also compare documented and real columns"
    )
    args = parser.parse_args(argv)
    if args.db is not None and not args.db.exists():
        print(f"docs coverage: no database file {args.db}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="limwh-docs-") as tmp:
        try:
            manifest = parse_project(Path(tmp))
        except DocsCoverageError as exc:
            print(f"docs coverage: {exc}", file=sys.stderr)
            return 1
    gaps = check(manifest, args.db)
    summary = ", ".join(f"{n} {what}" for what, n in counts(manifest).items())
    for gap in gaps:
        print(f"  - {gap}")
    if gaps:
        print(f"docs coverage: {len(gaps)} gap(s) in {summary}")
        return 1
    print(f"docs coverage ok: {summary}, every one described")
    return 0


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
