"""An Apache Superset dashboard for a published warehouse: the article's Figures 1-3 and
Table 2 for one Flemish province (Limburg, BE22, by default), as the ZIP bundle that Superset's
"Import dashboard" and `POST /api/v1/dashboard/import/` (or `/api/v1/assets/import/`) accept.

The bundle is written from scratch in Superset's v1 import format (metadata.yaml, databases/,
datasets/, charts/, dashboards/). It connects to the warehouse file read-only, with DuckDB's
external access off, and never with the database name in front of a table (it follows the
file name). UUIDs are uuid5 of fixed names, so importing again finds the same objects: one
database and its datasets, and per region and language one dashboard with its four charts.
`python -m tools.superset_bundle --db data/warehouse.duckdb --out dashboard.zip`"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import yaml

from tools.superset_bundle import layout
from tools.superset_bundle.article import DATASETS, LANGS, REFERENCE_REGION, TEMPORAL_AXIS
from tools.superset_bundle.layout import IMPORT_VERSION, stable_uuid

DATABASE_NAME = "Limburg warehouse"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed entry dates: the same inputs give the same bytes


class BundleError(ValueError):
    """The warehouse file cannot feed the dashboard (missing file or mart, unknown region)."""


def build_bundle(db_file: Path, region: str = "BE22", lang: str = "en") -> bytes:
    """The ZIP bundle's bytes for `region`, labelled in `lang` (en or nl)."""
    if lang not in LANGS:
        raise BundleError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    db_file = Path(db_file).resolve()
    if not db_file.is_file():
        raise BundleError(f"no warehouse file at {db_file} (run `limwh refresh`)")
    if "?" in str(db_file):  # SQLAlchemy would read the rest of the path as URL parameters
        raise BundleError(f"Superset cannot open a path with '?' in it: {db_file}")
    facts = read_warehouse(db_file, region)
    database = database_config(db_file)
    datasets = {key: dataset_config(key, facts["columns"][key]) for key in DATASETS}
    charts = layout.chart_configs(facts, region, lang, {k: d["uuid"] for k, d in datasets.items()})
    dashboard = layout.dashboard_config(facts, region, lang, charts)

    edition = f"{region.lower()}_{lang}"  # one dashboard (and its charts) per region and language
    root = f"limwh_dashboard_{edition}"
    files: dict[str, dict[str, Any]] = {
        # No `type`: then both the dashboard importer and the assets importer (which
        # overwrites datasets and charts too) accept the bundle.
        "metadata.yaml": {"version": IMPORT_VERSION},
        f"databases/{_file_name(DATABASE_NAME)}.yaml": database,
    }
    for d in datasets.values():
        files[f"datasets/{_file_name(DATABASE_NAME)}/{d['table_name']}.yaml"] = d
    for key, chart in charts.items():
        files[f"charts/{key}_{edition}.yaml"] = chart
    files[f"dashboards/{dashboard['slug']}.yaml"] = dashboard

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, config in files.items():
            info = zipfile.ZipInfo(f"{root}/{name}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            bundle.writestr(info, _yaml(config))
    return buffer.getvalue()


def write_bundle(db_file: Path, out: Path, region: str = "BE22", lang: str = "en") -> Path:
    data = build_bundle(db_file, region, lang)
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(out)  # never a half-written bundle under the final name
    return out


# --- what the bundle needs from the warehouse -----------------------------------------------


def read_warehouse(db_file: Path, region: str) -> dict[str, Any]:
    """Region names, the columns of every dataset, Table 2's years, Figure 1's base year and
    the sources' attributions. Read-only; fails early when a mart is missing."""
    con = duckdb.connect(str(db_file), read_only=True)
    try:
        regions = {
            r[0]: {"nl": r[1], "en": r[2], "province": r[3]}
            for r in con.execute(
                "SELECT region_code, name_nl, name_en, is_flemish_province FROM marts.dim_region"
            ).fetchall()
        }
        provinces = sorted(c for c, r in regions.items() if r["province"])
        if region not in provinces:
            raise BundleError(
                f"region {region!r} is not a Flemish province; choose one of "
                + ", ".join(f"{c} ({regions[c]['nl']})" for c in provinces)
            )
        columns = {
            key: _describe(con, d.sql or f"marts.{d.table_name}") for key, d in DATASETS.items()
        }
        # Figure 1 starts in the SALK plan's base year, the year its index is 100 in.
        base = con.execute(
            "SELECT min(year) FROM marts.article_figure_1_employment_vs_salk"
        ).fetchone()[0]
        years = con.execute(
            "SELECT min(base_year), max(end_year) FROM marts.article_table_2_employment_by_sector "
            "WHERE region_code = ?",
            [region],
        ).fetchone()
        figure_2_sources = sorted(
            {
                s
                for row in con.execute(
                    "SELECT DISTINCT job_seekers_rate_source_id, employment_rate_source_id "
                    "FROM marts.article_figure_2_labour_market_rates"
                ).fetchall()
                for s in row
                if s
            }
        )
        attributions = dict(_attributions(con))
    except duckdb.CatalogException as exc:
        raise BundleError(f"{db_file} lacks a mart the dashboard needs: {exc}") from exc
    finally:
        con.close()
    return {
        "regions": regions,
        "reference_region": REFERENCE_REGION,
        "columns": columns,
        "figure_1_base_year": base,
        "table_2_years": years,
        "figure_2_sources": figure_2_sources,
        "attributions": attributions,
    }


def _describe(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    query = relation if relation.lstrip().upper().startswith("SELECT") else f"FROM {relation}"
    return [(r[0], r[1]) for r in con.execute(f"DESCRIBE {query}").fetchall()]


def _attributions(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    # meta.source_vintages in current files; raw.source_files in older ones.
    for table in ("meta.source_vintages", "raw.source_files"):
        try:
            return con.execute(
                f"SELECT source_id, any_value(attribution) FROM {table} GROUP BY source_id"
            ).fetchall()
        except duckdb.CatalogException:
            continue
    return []


# --- the database and dataset files ---------------------------------------------------------


def database_config(db_file: Path) -> dict[str, Any]:
    return {
        "database_name": DATABASE_NAME,
        "sqlalchemy_uri": f"duckdb:///{db_file.as_posix()}",  # four slashes: absolute path
        "cache_timeout": None,
        "expose_in_sqllab": True,
        "allow_run_async": False,
        "allow_ctas": False,
        "allow_cvas": False,
        "allow_dml": False,
        "allow_file_upload": False,  # the importer defaults it to true when absent
        "impersonate_user": False,
        "extra": {
            "allows_virtual_table_explore": True,
            "metadata_params": {},
            # duckdb-engine passes connect_args to duckdb.connect(): read_only keeps the file
            # shareable with other readers; no external access keeps SQL Lab to the warehouse
            # (no read_csv('/etc/passwd'), no INSTALL/LOAD from the internet).
            "engine_params": {
                "connect_args": {
                    "read_only": True,
                    "config": {
                        "enable_external_access": False,
                        "autoinstall_known_extensions": False,
                        "autoload_known_extensions": False,
                    },
                }
            },
            "schemas_allowed_for_file_upload": [],
        },
        "uuid": stable_uuid("database"),
        "version": IMPORT_VERSION,
    }


def dataset_config(key: str, columns: list[tuple[str, str]]) -> dict[str, Any]:
    d = DATASETS[key]
    return {
        "table_name": d.table_name,
        "main_dttm_col": TEMPORAL_AXIS if any(c == TEMPORAL_AXIS for c, _ in columns) else None,
        "description": d.description,
        "default_endpoint": None,
        "offset": 0,
        "cache_timeout": None,
        "catalog": None,
        "schema": "marts",
        "sql": d.sql,
        "params": None,
        "template_params": None,
        "filter_select_enabled": True,
        "fetch_values_predicate": None,
        "extra": None,
        "normalize_columns": False,
        "always_filter_main_dttm": False,
        "uuid": stable_uuid("dataset", key),
        "metrics": [],
        "columns": [
            {
                "column_name": name,
                "verbose_name": None,
                "is_dttm": type_ == "DATE" or type_.startswith("TIMESTAMP"),
                "is_active": True,
                "type": type_,
                "advanced_data_type": None,
                "groupby": True,
                "filterable": True,
                "expression": None,
                "description": None,
                "python_date_format": None,
                "extra": None,
            }
            for name, type_ in columns
        ],
        "version": IMPORT_VERSION,
        "database_uuid": stable_uuid("database"),
    }


def _file_name(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name)


class _Dumper(yaml.SafeDumper):
    """Multi-line text (the datasets' SQL, the note) as literal blocks, to be read as written."""


def _str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _str)


def _yaml(config: dict[str, Any]) -> str:
    # One line per value (query_context is one long JSON line, as Superset's exports have it).
    return yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10**6)
