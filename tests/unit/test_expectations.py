"""The pre-publish checks on small build files: a consistent one passes, and each deliberate
break fails exactly the check meant to catch it, naming the failing region/sector/year."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from expectations import CHECK_RESULTS_COLUMNS, CheckReport, check_names, run_checks
from warehouse.config import DBT_PROJECT_DIR

SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
YEARS = range(2010, 2024)
PROVINCES = {"210": 1.0, "220": 0.45, "230": 0.8, "240": 0.6, "250": 0.65}
NUTS_REGION = {
    "000": "BE",
    "200": "BE2",
    "210": "BE21",
    "220": "BE22",
    "230": "BE23",
    "240": "BE24",
    "250": "BE25",
}
C_LEAVES = ["CA", "CB", "CC", "CD", "CE", "CF", "CG", "CH", "CI", "CJ", "CK", "29", "30", "CM"]
LEAVES = [
    "AA",
    "BB",
    *C_LEAVES,
    "DD",
    "EE",
    "FF",
    "GG",
    "HH",
    "II",
    "JA",
    "JB",
    "JC",
    "KK",
    "LL",
    "MA",
    "MB",
    "73",
    "74_75",
    "NN",
    "OO",
    "PP",
    "QA",
    "QB",
    "RR",
    "SS",
    "TT",
    "UU",
]
# Published aggregates of their own (levels coexist: never added across).
AGGREGATES = {"TOT": LEAVES, "C": C_LEAVES, "CL": ["29", "30"], "MC": ["73", "74_75"]}
CLUSTERS = {
    "admin_support": ["NN"],
    "logistics": ["HH"],
    "social_work": ["QB"],
    "trade": ["GG"],
    "education": ["PP"],
    "consulting_engineering": ["MA"],
    "human_health": ["QA"],
    "it_services": ["JC"],
    "hospitality": ["II"],
    "food_industry": ["CA"],
    "arts_recreation": ["RR"],
    "advertising_market_research": ["73"],
    "agriculture": ["AA"],
    "construction": ["FF"],
    "other_manufacturing": [
        *("CB", "CC", "CD", "CE", "CF", "CG", "CH", "CI", "CJ", "CK", "30", "CM"),
    ],
    "other_non_manufacturing": [
        *("BB", "DD", "EE", "JA", "JB", "KK", "LL", "MB", "74_75", "SS", "TT", "UU"),
    ],
    "public_administration": ["OO"],
    "automotive": ["29"],
}
SUBSECTORS = {
    "metal": ["CH"],
    "food_industry": ["CA"],
    "rubber_plastics": ["CG"],
    "chemicals": ["CD", "CE", "CF"],
    "wood_paper": ["CC"],
    "automotive": ["29"],
    "electrical_optical": ["CI", "CJ"],
    "machinery": ["CK"],
    "other_manufacturing_subsectors": ["CB", "30", "CM"],
}
# Limburg's automotive industry loses Ford Genk: annual average vs 2013.
FORD = {2014: 0.9, 2015: 0.38}

LeafFactor = Callable[[str, str, int], float]


def _no_tweak(nuts: str, leaf: str, year: int) -> float:
    return 1.0


def _employees(leaf_factor: LeafFactor) -> dict[tuple[str, str, int], float]:
    """Employees per (nuts, branch, year): leaves per province, then every published total."""
    values: dict[tuple[str, str, int], float] = {}
    for i, leaf in enumerate(LEAVES):
        for nuts, size in PROVINCES.items():
            for year in YEARS:
                value = (800 + 97 * i) * size * 1.01 ** (year - 2010)
                if nuts == "220" and leaf == "29":
                    value *= FORD.get(year, 1.0 if year < 2014 else FORD[2015])
                values[(nuts, leaf, year)] = round(value * leaf_factor(nuts, leaf, year))
    for leaf in LEAVES:
        for year in YEARS:
            flemish = sum(values[(nuts, leaf, year)] for nuts in PROVINCES)
            values[("200", leaf, year)] = flemish
            values[("000", leaf, year)] = round(1.7 * flemish)
    for nuts in NUTS_REGION:
        for code, parts in AGGREGATES.items():
            for year in YEARS:
                values[(nuts, code, year)] = sum(values[(nuts, part, year)] for part in parts)
    return values


def _raw_frame(employees: dict[tuple[str, str, int], float]) -> pd.DataFrame:
    units = {"EMPLOY": ("NP", 1.0, 0), "B1G000": ("CU", 0.07, 1), "HRWTOT": ("AB", 1.4, 0)}
    leaf_rows = {key: value for key, value in employees.items() if key[1] in LEAVES}
    rows = []
    for item, (unit, scale, digits) in units.items():
        # Leaves of every province are rounded first; all totals add the rounded figures.
        item_values = {}
        for (nuts, branch, year), value in leaf_rows.items():
            if nuts in PROVINCES:
                item_values[(nuts, branch, year)] = round(value * scale, digits)
        for branch in LEAVES:
            for year in YEARS:
                flemish = sum(item_values[(nuts, branch, year)] for nuts in PROVINCES)
                item_values[("200", branch, year)] = flemish
                item_values[("000", branch, year)] = round(employees[("000", branch, year)] * scale)
        for nuts in NUTS_REGION:
            for code, parts in AGGREGATES.items():
                for year in YEARS:
                    total = sum(item_values[(nuts, part, year)] for part in parts)
                    item_values[(nuts, code, year)] = total
        for (nuts, branch, year), value in item_values.items():
            rows.append(
                {
                    "freq": "A",
                    "item": item,
                    "nuts": nuts,
                    "branch": branch,
                    "unit": unit,
                    "sector": "S1",
                    "time_period": str(year),
                    "obs_value": float(value),
                    "obs_status": "P" if year >= 2022 else "A",
                    "series_key": f"A.{item}.{nuts}.{branch}.{unit}.S1",
                    "is_modelled": True,
                    "source_id": "nbb_regaca38",
                    "file_sha256": "0" * 64,
                    "retrieved_at": pd.Timestamp("2026-11-27"),
                }
            )
    return pd.DataFrame(rows)


def _fact_frame(employees: dict[tuple[str, str, int], float]) -> pd.DataFrame:
    rows = []

    def add(region: str, sector: str, year: int, value: float) -> None:
        rows.append(
            {
                "indicator_id": "employees",
                "region_code": region,
                "sector_code": sector,
                "year": year,
                "value": float(value),
                "unit": "persons",
                "obs_status": "modelled",
                "source_id": "nbb_regaca38",
                "vintage": "2026-11-27",
            }
        )

    for nuts, region in NUTS_REGION.items():
        for year in YEARS:
            add(region, "TOTAL", year, employees[(nuts, "TOT", year)])
            add(region, "C", year, employees[(nuts, "C", year)])
            for leaf in LEAVES:
                add(region, leaf, year, employees[(nuts, leaf, year)])
            for groups in (CLUSTERS, SUBSECTORS):
                for sector, leaves in groups.items():
                    if sector in ("food_industry", "automotive") and groups is SUBSECTORS:
                        continue  # the same sector id in both tables: one row
                    add(region, sector, year, sum(employees[(nuts, leaf, year)] for leaf in leaves))
    return pd.DataFrame(rows)


def _article_mart(reference: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """Table 2 as the article prints it for Limburg, plus other provinces as noise."""
    table_2 = reference[reference["published_in"] == "table_2"]
    label_to_sector = dict(
        labels.loc[labels["label_family"] == "table_2", ["label_nl", "sector_code"]].to_numpy()
    )
    rows = []
    for order, label in enumerate(dict.fromkeys(table_2["sector"]), start=1):
        figures = table_2[table_2["sector"] == label]

        def pick(indicator: str, region: str, figures: pd.DataFrame = figures) -> float:
            hit = figures[(figures["indicator"] == indicator) & (figures["region"] == region)]
            return float(hit["value"].iloc[0])

        end = pick("employees", "BE22")
        change = pick("employees_change", "BE22")
        for region, offset in (("BE22", 0.0), ("BE21", 1234.0), ("BE23", 777.0)):
            rows.append(
                {
                    "region_code": region,
                    "row_order": order,
                    "sector_code": label_to_sector[label],
                    "label_nl": label,
                    "employees_base": end - change + offset,
                    "employees_end": end + offset,
                    "base_year": 2013,
                    "end_year": 2023,
                    "change_abs": change,
                    "change_pct": pick("employees_change_pct", "BE22") + offset / 1000,
                    "flemish_change_pct": pick("employees_change_pct", "BE2"),
                }
            )
    return pd.DataFrame(rows)


@dataclass
class Build:
    raw: pd.DataFrame
    facts: pd.DataFrame
    mart: pd.DataFrame
    reference: pd.DataFrame
    labels: pd.DataFrame | None
    exceptions: pd.DataFrame | None
    schemas: dict[str, str] = field(
        default_factory=lambda: {"marts": "marts", "seeds": "seeds", "meta": "meta"}
    )

    def write(self, path: Path) -> Path:
        con = duckdb.connect(str(path))
        tables = {
            ("raw", "nbb_regaca38"): self.raw,
            (self.schemas["marts"], "fct_indicator_values"): self.facts,
            (self.schemas["marts"], "article_table_2_employment_by_sector"): self.mart,
            (self.schemas["seeds"], "ref_article_figures"): self.reference,
            (self.schemas["seeds"], "article_sector_labels"): self.labels,
            (self.schemas["meta"], "growth_exceptions"): self.exceptions,
        }
        for (schema, name), frame in tables.items():
            if frame is None:
                continue
            con.execute(f'create schema if not exists "{schema}"')
            con.register("frame", frame)
            con.execute(f'create table "{schema}"."{name}" as select * from frame')
            con.unregister("frame")
        con.close()
        return path


def make_build(leaf_factor: LeafFactor = _no_tweak) -> Build:
    employees = _employees(leaf_factor)
    reference = pd.read_csv(SEEDS_DIR / "ref_article_figures.csv", dtype={"period": str})
    labels = pd.read_csv(SEEDS_DIR / "article_sector_labels.csv")
    exceptions = pd.read_csv(SEEDS_DIR / "growth_exceptions.csv")
    return Build(
        raw=_raw_frame(employees),
        facts=_fact_frame(employees),
        mart=_article_mart(reference, labels),
        reference=reference,
        labels=labels,
        exceptions=exceptions,
    )


def _failing(report: CheckReport) -> list[str]:
    return [result.name for result in report.failed]


@pytest.fixture(autouse=True)
def _regional_accounts_checks_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """These builds hold NBB data only: the enterprise and labour-market checks have their own
    builds (tests/unit/test_expectations_enterprise_and_labour.py), the domain checks theirs
    (tests/hardening/test_domain_checks.py), the article's claims the published snapshot build
    (tests/e2e/test_article_claims.py), the bound by real employment its own
    (tests/unit/test_employment_bounds.py)."""
    from expectations import runner
    from expectations.runner import CLAIM_CHECKS, DOMAIN_CHECKS, REAL_EMPLOYMENT_CHECKS
    from expectations.runner import ENTERPRISE_AND_LABOUR_CHECKS as CHECK_NAMES

    others = {*CHECK_NAMES, *DOMAIN_CHECKS, *CLAIM_CHECKS, *REAL_EMPLOYMENT_CHECKS}
    kept = {name: check for name, check in runner.CHECKS.items() if name not in others}
    monkeypatch.setattr(runner, "CHECKS", kept)


@pytest.fixture
def build_path(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


# Golden checks over the fact tables need the published figures themselves in the facts, which
# this synthetic build does not hold: tests/unit/test_golden_facts.py covers them.
GOLDEN_ON_FACTS = ("golden_regional_accounts",)


def _run_checks(path: Path, only: list[str] | None = None) -> CheckReport:
    names = [name for name in check_names() if name not in GOLDEN_ON_FACTS]
    return run_checks(path, only=names if only is None else only)


def test_consistent_build_passes(build_path: Path) -> None:
    report = _run_checks(make_build().write(build_path))
    assert report.success, report.summary()
    assert [result.name for result in report.results] == [
        name for name in check_names() if name not in GOLDEN_ON_FACTS
    ]
    assert all(result.rows_checked > 0 for result in report.results)
    growth = report["employees_growth_within_bounds"]
    # The Ford Genk exceptions carry Limburg's automotive collapse.
    assert "2 exceptions applied from build table" in growth.details
    assert "PASSED" in report.summary()


def test_doubled_cluster_fails_the_table_2_partition(build_path: Path) -> None:
    build = make_build()
    facts = build.facts
    hit = (facts["region_code"] == "BE23") & (facts["sector_code"] == "it_services")
    facts.loc[hit, "value"] *= 2
    report = _run_checks(build.write(build_path))
    assert _failing(report) == ["table_2_clusters_sum_to_total"]
    result = report["table_2_clusters_sum_to_total"]
    assert "BE23 2010" in result.details
    assert {row["region_code"] for row in result.failed_rows} == {"BE23"}
    assert {row["year"] for row in result.failed_rows} == set(YEARS)
    assert result.failed_row_count == len(YEARS)


def test_missing_cluster_fails_the_table_2_partition(build_path: Path) -> None:
    build = make_build()
    facts = build.facts
    gone = (facts["region_code"] == "BE21") & (facts["year"] == 2017)
    gone &= facts["sector_code"] == "advertising_market_research"
    build.facts = facts[~gone]
    report = _run_checks(build.write(build_path))
    assert "table_2_clusters_sum_to_total" in _failing(report)
    result = report["table_2_clusters_sum_to_total"]
    assert "BE21 2017" in result.details
    assert "the 18 clusters present" in result.failed_rows[0]["failed_expectations"]


def test_changed_province_fails_the_provinces_check(build_path: Path) -> None:
    build = make_build()
    raw = build.raw
    hit = (raw["nuts"] == "230") & (raw["item"] == "EMPLOY") & (raw["branch"] == "HH")
    hit &= raw["time_period"] == "2016"
    raw.loc[hit, "obs_value"] += 500
    report = _run_checks(build.write(build_path))
    assert _failing(report) == ["provinces_sum_to_flemish_region"]
    result = report["provinces_sum_to_flemish_region"]
    assert "EMPLOY branch HH 2016" in result.details
    assert [(r["item"], r["branch"], r["year"]) for r in result.failed_rows] == [
        ("EMPLOY", "HH", 2016)
    ]


def test_provinces_check_covers_value_added_and_hours(build_path: Path) -> None:
    build = make_build()
    raw = build.raw
    hit = (raw["nuts"] == "200") & (raw["item"] == "B1G000") & (raw["branch"] == "TOT")
    hit &= raw["time_period"] == "2020"
    raw.loc[hit, "obs_value"] *= 1.01
    report = _run_checks(build.write(build_path), only=["provinces_sum_to_flemish_region"])
    assert not report.success
    assert "B1G000 branch TOT 2020" in report["provinces_sum_to_flemish_region"].details


def test_broken_subsector_fails_the_table_3_partition(build_path: Path) -> None:
    build = make_build()
    facts = build.facts
    hit = (facts["region_code"] == "BE24") & (facts["sector_code"] == "chemicals")
    hit &= facts["year"] == 2019
    facts.loc[hit, "value"] *= 1.05
    report = _run_checks(build.write(build_path))
    assert _failing(report) == ["table_3_subsectors_sum_to_manufacturing"]
    result = report["table_3_subsectors_sum_to_manufacturing"]
    assert "BE24 2019" in result.details
    assert [(r["region_code"], r["year"]) for r in result.failed_rows] == [("BE24", 2019)]


def _it_jump(nuts: str, leaf: str, year: int) -> float:
    return 1.8 if (nuts, leaf) == ("230", "JC") and year >= 2018 else 1.0


def test_growth_jump_fails_the_growth_check(build_path: Path) -> None:
    report = _run_checks(make_build(_it_jump).write(build_path))
    assert _failing(report) == ["employees_growth_within_bounds"]
    result = report["employees_growth_within_bounds"]
    assert "BE23 it_services 2018" in result.details
    assert [(r["region_code"], r["sector_code"], r["year"]) for r in result.failed_rows] == [
        ("BE23", "it_services", 2018)
    ]
    assert result.failed_rows[0]["failed_expectations"] == ["growth <= upper bound"]


def test_growth_jump_passes_when_excepted(build_path: Path) -> None:
    build = make_build(_it_jump)
    extra = {
        "indicator_id": "employees",
        "region_code": "BE23",
        "sector_code": "it_services",
        "year": 2018,
        "min_growth_pct": -25.0,
        "max_growth_pct": 100.0,
        "reason": "test: a reclassification",
    }
    build.exceptions = pd.concat([build.exceptions, pd.DataFrame([extra])], ignore_index=True)
    report = _run_checks(build.write(build_path))
    assert report.success, report.summary()
    assert "3 exceptions applied" in report["employees_growth_within_bounds"].details


def test_ford_genk_needs_its_exception(build_path: Path) -> None:
    build = make_build()
    build.exceptions = build.exceptions.iloc[0:0]
    report = _run_checks(build.write(build_path))
    assert _failing(report) == ["employees_growth_within_bounds"]
    result = report["employees_growth_within_bounds"]
    failing = {(r["region_code"], r["sector_code"], r["year"]) for r in result.failed_rows}
    assert failing == {("BE22", "automotive", 2015)}
    assert "BE22 automotive 2015" in result.details


def test_growth_exceptions_fall_back_to_the_seed_csv(build_path: Path) -> None:
    build = make_build()
    build.exceptions = None
    report = _run_checks(build.write(build_path), only=["employees_growth_within_bounds"])
    assert report.success, report.summary()
    assert "growth_exceptions.csv (not in the build)" in report.results[0].details


def test_shifted_table_2_value_fails_the_golden_check(build_path: Path) -> None:
    build = make_build()
    mart = build.mart
    hit = (mart["region_code"] == "BE22") & (mart["sector_code"] == "hospitality")
    mart.loc[hit, "employees_end"] += 3
    report = _run_checks(build.write(build_path))
    assert _failing(report) == ["golden_table_2"]
    result = report["golden_table_2"]
    assert "T2.Horeca.2023 (BE22 hospitality employees 2023)" in result.details
    assert [row["figure_id"] for row in result.failed_rows] == ["T2.Horeca.2023"]


def test_shifted_flemish_change_fails_the_golden_check(build_path: Path) -> None:
    build = make_build()
    mart = build.mart
    hit = (mart["region_code"] == "BE22") & (mart["sector_code"] == "automotive")
    mart.loc[hit, "flemish_change_pct"] += 0.2
    report = _run_checks(build.write(build_path), only=["golden_table_2"])
    result = report["golden_table_2"]
    assert [row["figure_id"] for row in result.failed_rows] == [
        "T2.Automobielindustrie.change_pct.BE2"
    ]
    assert "BE2 automotive employees_change_pct 2013-2023" in result.details


def test_missing_table_2_row_is_a_failure_not_a_skip(build_path: Path) -> None:
    build = make_build()
    mart = build.mart
    build.mart = mart[~((mart["region_code"] == "BE22") & (mart["sector_code"] == "construction"))]
    report = _run_checks(build.write(build_path), only=["golden_table_2"])
    result = report["golden_table_2"]
    assert not result.success
    assert {row["figure_id"] for row in result.failed_rows} == {
        "T2.Bouw.2023",
        "T2.Bouw.change_abs",
        "T2.Bouw.change_pct",
        "T2.Bouw.change_pct.BE2",
    }
    assert all("computed value present" in row["failed_expectations"] for row in result.failed_rows)


def test_golden_uses_own_labels_without_the_label_seed(build_path: Path) -> None:
    build = make_build()
    build.labels = None
    report = _run_checks(build.write(build_path), only=["golden_table_2"])
    assert report.success, report.summary()
    assert report.results[0].rows_checked == 76


def test_dbt_default_schema_names_are_found(build_path: Path) -> None:
    build = make_build()
    build.schemas = {"marts": "main_marts", "seeds": "main_seeds", "meta": "main_meta"}
    report = _run_checks(build.write(build_path))
    assert report.success, report.summary()


def test_missing_mart_fails_instead_of_crashing(build_path: Path) -> None:
    build = make_build()
    build.mart = None
    report = _run_checks(build.write(build_path))
    assert _failing(report) == ["golden_table_2"]
    details = report["golden_table_2"].details
    assert "could not run" in details and "article_table_2_employment_by_sector" in details


def test_missing_build_file_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        _run_checks(tmp_path / "nope.duckdb")


def test_rows_for_meta_check_results(build_path: Path) -> None:
    build = make_build()
    build.facts.loc[build.facts["sector_code"] == "it_services", "value"] *= 2
    report = _run_checks(build.write(build_path))
    rows = report.to_rows(run_id="r1")
    assert [row["check_name"] for row in rows] == [r.name for r in report.results]
    assert len(rows) == len(check_names()) - len(GOLDEN_ON_FACTS)
    assert all(tuple(row) == CHECK_RESULTS_COLUMNS for row in rows)
    failed = next(row for row in rows if not row["success"])
    assert failed["run_id"] == "r1"
    assert failed["failed_row_count"] == len(json.loads(failed["failed_rows_json"])) > 0
    # The rows load into DuckDB as they are.
    con = duckdb.connect()
    con.execute(
        "create table check_results (run_id varchar, check_name varchar, success boolean,"
        " rows_checked bigint, failed_row_count bigint, details varchar,"
        " failed_rows_json json, build_path varchar, checked_at timestamptz)"
    )
    con.executemany(
        "insert into check_results values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [tuple(row.values()) for row in rows],
    )
    assert con.execute("select count(*) from check_results").fetchall() == [(len(rows),)]
    assert "FAIL  table_2_clusters_sum_to_total" in report.summary()


def test_an_expectation_gx_cannot_compute_fails() -> None:
    # The DuckDB/SQLAlchemy failure mode of GX 1.24 was "computes nothing": an error inside
    # GX must fail the check, never pass it.
    import great_expectations.expectations as gxe

    from expectations.validation import GxValidator, Rule

    result = GxValidator().validate(
        "gx_error_probe",
        pd.DataFrame({"a": [1.0, 2.0]}),
        [Rule("b in range", gxe.ExpectColumnValuesToBeBetween(column="b", min_value=0))],
        describe=str,
    )
    assert not result.success
    assert 'b in range: GX error Error: The column "b" in BatchData does not exist' in (
        result.details
    )


def test_reconcile_is_generic() -> None:
    from expectations.golden import reconcile

    reference = pd.DataFrame(
        {
            "indicator": ["employees", "employees_change_pct", "employees"],
            "region": ["BE22", "BE2", "BE22"],
            "sector_id": ["C", "C", None],
            "period": ["2023", "2013-2023", "2023"],
            "value": [100.0, 5.0, 7.0],
            "tolerance": [0.5, 0.05, 0.5],
        }
    )
    lookup = {
        ("employees", "BE22", "C", "2023"): 100.4,
        ("employees_change_pct", "BE2", "C", "2013-2023"): 5.2,
    }
    out = reconcile(reference, lookup)
    assert out["computed"].tolist()[:2] == [100.4, 5.2]
    assert out["computed"].isna().tolist() == [False, False, True]
    assert (out["abs_diff"] <= out["allowed_diff"]).tolist() == [True, False, False]
