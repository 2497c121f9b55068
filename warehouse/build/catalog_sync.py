"""A dataset's publisher, licence, attribution and URL are written once, in
`extract/catalog.yaml`. This module writes what the dbt project needs of them:

- `models/docs/_catalog.md`: a docs block per dataset (`catalog_<id>`: publisher, dataset,
  licence, attribution, URL) and one listing every dataset's attribution
  (`catalog_attributions`);
- in each raw source table of `models/staging/*/_*__sources.yml`, the lines between the
  markers `# catalog: <id> ...` and `# end catalog`: its `meta`, `loaded_at_field` and the
  `freshness` its release cadence allows;
- `seeds/indicators.csv`: each indicator's attribution and release cadence, from its preferred
  source when that is a catalog dataset.

`python -m warehouse.build.catalog_sync` writes them; `--check` writes nothing and exits 1
naming every stale file (the tests run it).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from extract.catalog import Catalog, Dataset, load_catalog
from warehouse.config import DBT_PROJECT_DIR

__all__ = ["CatalogSyncError", "GeneratedFile", "generated_files", "main"]

CATALOG_DOCS = Path("models/docs/_catalog.md")
INDICATORS_SEED = Path("seeds/indicators.csv")
SOURCES_GLOB = "models/staging/*/_*__sources.yml"
HEADER = "generated from extract/catalog.yaml by `make catalog-sync`: edit the catalog, not this"

_MARKER = re.compile(
    r"^(?P<indent>[ ]*)# catalog: (?P<id>[a-z0-9_]+)\b[^\n]*\n"
    r"(?P<body>.*?)^(?P=indent)# end catalog\n",
    re.M | re.S,
)


class CatalogSyncError(ValueError):
    """A dbt file refers to the catalog in a way this module cannot fill in."""


@dataclass(frozen=True)
class GeneratedFile:
    path: Path  # relative to the dbt project
    text: str


def _docs(catalog: Catalog) -> str:
    lines = [f"{{#- {HEADER} -#}}", ""]
    for d in catalog:
        url = d.landing_page or d.url_template
        lines += [
            f"{{% docs catalog_{d.id} %}}",
            f"**Publisher:** {d.publisher}, dataset `{d.dataset_id}` ({d.title}); catalog id "
            f"`{d.id}`, access {d.access}, release cadence {d.release_cadence}. "
            f'**Licence:** {d.licence}. **Attribution required:** "{d.attribution}". {url}',
            "{% enddocs %}",
            "",
        ]
    lines += ["{% docs catalog_attributions %}", "**Sources and their attribution:**", ""]
    for d in catalog:
        lines.append(
            f'- {d.publisher} `{d.dataset_id}` (`{d.id}`, {d.title}): "{d.attribution}"; '
            f"licence: {d.licence}."
        )
    lines += ["{% enddocs %}", ""]
    return "\n".join(lines)


def _source_block(dataset: Dataset, indent: str) -> str:
    """The generated lines of one source table's config."""
    warn, error = dataset.freshness_days
    meta = {
        "catalog_id": dataset.id,
        "publisher": dataset.publisher,
        "dataset_id": dataset.dataset_id,
        "licence": dataset.licence,
        "attribution": dataset.attribution,
        "url": dataset.landing_page or dataset.url_template,
    }
    out = [f"{indent}meta:"]
    out += [
        f"{indent}  {key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()
    ]
    out += [
        f"{indent}loaded_at_field: retrieved_at",
        f"{indent}freshness:",
        f"{indent}  warn_after: {{count: {warn}, period: day}}",
        f"{indent}  error_after: {{count: {error}, period: day}}",
    ]
    return "\n".join(out) + "\n"


def _sources(path: Path, text: str, catalog: Catalog) -> str:
    def fill(match: re.Match[str]) -> str:
        indent, dataset_id = match.group("indent"), match.group("id")
        if dataset_id not in catalog:
            raise CatalogSyncError(f"{path}: no catalog dataset {dataset_id!r}")
        return (
            f"{indent}# catalog: {dataset_id} (generated from extract/catalog.yaml: "
            "make catalog-sync)\n"
            + _source_block(catalog.get(dataset_id), indent)
            + f"{indent}# end catalog\n"
        )

    return _MARKER.sub(fill, text)


def _indicators(text: str, catalog: Catalog) -> str:
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        raise CatalogSyncError(f"{INDICATORS_SEED}: no rows")
    fields = list(rows[0])
    for row in rows:
        source = row.get("preferred_source_id") or ""
        if source in catalog:
            dataset = catalog.get(source)
            row["attribution"] = dataset.attribution
            row["release_cadence"] = dataset.release_cadence
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def generated_files(
    project_dir: Path = DBT_PROJECT_DIR, catalog: Catalog | None = None
) -> list[GeneratedFile]:
    """Every file the catalog feeds, as it should be."""
    catalog = catalog or load_catalog()
    files = [GeneratedFile(CATALOG_DOCS, _docs(catalog))]
    for path in sorted(project_dir.glob(SOURCES_GLOB)):
        rel = path.relative_to(project_dir)
        files.append(GeneratedFile(rel, _sources(rel, path.read_text(encoding="utf-8"), catalog)))
    seed = (project_dir / INDICATORS_SEED).read_text(encoding="utf-8")
    files.append(GeneratedFile(INDICATORS_SEED, _indicators(seed, catalog)))
    return files


def stale_files(project_dir: Path = DBT_PROJECT_DIR) -> list[Path]:
    stale = []
    for f in generated_files(project_dir):
        target = project_dir / f.path
        if not target.is_file() or target.read_text(encoding="utf-8") != f.text:
            stale.append(f.path)
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m warehouse.build.catalog_sync",
        description="Write the dbt docs, source metadata and seed columns that come from "
        "extract/catalog.yaml (or, with --check, fail when they are stale).",
    )
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    parser.add_argument("--project-dir", type=Path, default=DBT_PROJECT_DIR)
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files(args.project_dir)
        for path in stale:
            print(f"stale: {args.project_dir / path} (run `make catalog-sync`)", file=sys.stderr)
        return 1 if stale else 0
    for f in generated_files(args.project_dir):
        target = args.project_dir / f.path
        if not target.is_file() or target.read_text(encoding="utf-8") != f.text:
            target.write_text(f.text, encoding="utf-8")
            print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
