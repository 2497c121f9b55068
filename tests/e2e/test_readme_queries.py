"""Every example query of the README's "Querying the marts" runs through `limwh query` on the
warehouse built from the embedded snapshot, and answers its question."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from expectations import sectors
from flows.cli import main
from tests.e2e.conftest import Refresh
from warehouse.config import PROJECT_ROOT

pytestmark = pytest.mark.e2e

README = PROJECT_ROOT / "README.md"
SECTION = "## Querying the marts"
STATUSES = {"official", "provisional", "derived", "modelled"}
TABLE_2_CLUSTERS = set(sectors.TABLE_2_CLUSTERS)


def readme_examples() -> dict[str, str]:
    """The section's ```sql blocks, by the bold title of the paragraph before each."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n{SECTION}\n")
    end = text.find("\n## ", start + len(SECTION) + 2)
    section = text[start : end if end != -1 else len(text)]
    examples = {}
    for block in re.finditer(r"^```sql\n(.*?)^```", section, re.S | re.M):
        titles = re.findall(r"^\*\*(.+?)\*\*", section[: block.start()], re.M)
        assert titles, f"a sql block without a bold title before it in {SECTION}"
        title = titles[-1].rstrip(".")
        assert title not in examples, f"two sql blocks under {title!r}"
        examples[title] = block.group(1)
    return examples


EXAMPLES = readme_examples()


def _sector_growth(rows: list[dict]) -> None:
    assert {r["sector_code"] for r in rows} == TABLE_2_CLUSTERS
    changes = [r["change_pct"] for r in rows]
    assert changes == sorted(changes, reverse=True)
    by_sector = {r["sector_code"]: r for r in rows}
    # Ford Genk closed at the end of 2014: automotive is the one steep fall.
    assert rows[-1]["sector_code"] == "automotive" and by_sector["automotive"]["change_pct"] < -50
    for r in rows:
        assert r["employees_2023"] - r["employees_2013"] == pytest.approx(r["change_abs"])


def _limburg_against_flanders(rows: list[dict]) -> None:
    regions: dict[str, set[str]] = {}
    for r in rows:
        regions.setdefault(r["indicator_id"], set()).add(r["region_code"])
    assert {"employees", "gva_per_hour", "gdp_per_inhabitant", "employment_rate_20_64"} <= set(
        regions
    )
    assert all(found == {"BE22", "BE2"} for found in regions.values()), regions
    # real Statbel and Eurostat figures next to modelled ones: the status tells them apart
    assert {"official", "modelled"} <= {r["obs_status"] for r in rows}
    rate = next(
        r
        for r in rows
        if r["indicator_id"] == "employment_rate_20_64" and r["region_code"] == "BE22"
    )
    assert rate["change_ppt"] == pytest.approx(rate["value_to"] - rate["value_from"], abs=0.06)


def _gap_over_time(rows: list[dict]) -> None:
    years = [r["year"] for r in rows]
    assert years == list(range(years[0], years[-1] + 1)) and {2013, 2023} <= set(years)
    assert {r["region_code"] for r in rows} == {"BE22"}
    assert {r["reference_region_code"] for r in rows} == {"BE2"}
    for r in rows:
        gap = 100 * (r["eur_per_hour"] / r["reference_eur_per_hour"] - 1)
        assert r["gap_pct"] == pytest.approx(gap, abs=0.2)


def _productivity_by_sector(rows: list[dict]) -> None:
    assert {r["sector_code"] for r in rows} == TABLE_2_CLUSTERS | {"TOTAL"}
    assert rows[0]["sector_code"] == "TOTAL"
    assert len({r["year"] for r in rows}) == 1
    for r in rows:
        assert r["be22_eur_per_hour"] > 0 and r["be2_eur_per_hour"] > 0
        assert r["be22_status"] in STATUSES and r["be2_status"] in STATUSES


def _what_is_modelled(rows: list[dict]) -> None:
    statuses = {r["obs_status"] for r in rows}
    assert statuses <= STATUSES and {"official", "modelled"} <= statuses
    assert all(r["n_values"] > 0 for r in rows)


CHECKS: dict[str, Callable[[list[dict]], None]] = {
    "Sector growth": _sector_growth,
    "Limburg against Flanders": _limburg_against_flanders,
    "A gap over time": _gap_over_time,
    "Productivity by sector": _productivity_by_sector,
    "What is modelled?": _what_is_modelled,
}


def test_the_readme_answers_the_common_questions() -> None:
    assert set(EXAMPLES) == set(CHECKS), "every README example needs its check here, and back"


@pytest.fixture(scope="module")
def published_dir(good_run: Refresh, data_dir: Path) -> Path:
    assert good_run.returncode == 0, good_run.describe()
    return data_dir


@pytest.mark.parametrize("title", list(EXAMPLES))
def test_readme_example_runs(
    title: str, published_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sql = EXAMPLES[title]
    assert main(["query", "--data-dir", str(published_dir), "--format", "json", sql]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    rows = json.loads(captured.out)
    assert rows, f"{title}: no rows"
    assert any(k == "obs_status" or k.endswith("_status") for k in rows[0]), rows[0]
    for key, value in rows[0].items():
        if key.endswith("status"):
            assert value in STATUSES
    CHECKS[title](rows)

    # the default table shows the whole answer, with its row count
    assert main(["query", "--data-dir", str(published_dir), sql]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[-1] == f"({len(rows)} row{'s' if len(rows) != 1 else ''})"
    assert len(table) == len(rows) + 3
