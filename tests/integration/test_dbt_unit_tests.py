"""The dbt unit tests guard the formulas: each passes as written and fails when its formula in
the model is changed. One build of the small raw fixture; then `dbt test --select
test_type:unit` per mutated copy of the project."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.test_dbt_project import close_dbt_connections, write_raw_fixture
from warehouse.config import DBT_PROJECT_DIR, PUBLISHED_BASENAME

# (model file, formula as written, a plausible mistake, unit test that must catch it)
MUTATIONS = [
    (
        "models/marts/indicators/fct_indicator_changes.sql",
        "100 * (value_to / value_from - 1)",
        "100 * (value_to / value_from)",
        "changes_of_a_count",
    ),
    (
        "models/marts/indicators/fct_indicator_changes.sql",
        "1.0 / (to_year - from_year)",
        "1.0 / (to_year - from_year + 1)",
        "changes_of_a_count",
    ),
    (
        "models/marts/indicators/fct_indicator_changes.sql",
        "case when indicator_kind = 'rate' then value_to - value_from end as change_ppt",
        "case when indicator_kind = 'rate' then value_from - value_to end as change_ppt",
        "changes_of_a_rate",
    ),
    (
        # fct_gap_to_region and Table 1 share the gap formula.
        "macros/gap_to_reference.sql",
        "100 * ({{ value }} / {{ reference_value }} - 1)",
        "100 * ({{ reference_value }} / {{ value }} - 1)",
        "gap_to_the_flemish_region",
    ),
]


def _dbt(project_dir: Path, work: Path, build_file: Path, *args: str) -> dict[str, str]:
    from dbt.cli.main import dbtRunner

    argv = [
        *args,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
        "--no-use-colors",
    ]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        mp.setenv("DO_NOT_TRACK", "1")
        mp.setenv("LIMWH_BUILD_PATH", str(build_file))
        try:
            result = dbtRunner().invoke(argv)
        finally:
            close_dbt_connections()
    return {r.node.name: str(r.status) for r in (result.result or [])}


@pytest.fixture(scope="module")
def build_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    work = tmp_path_factory.mktemp("dbt_unit")
    path = work / PUBLISHED_BASENAME
    write_raw_fixture(path)
    # The unit tests read the column types of their inputs: build those first.
    statuses = _dbt(
        DBT_PROJECT_DIR,
        work,
        path,
        "build",
        "--select",
        "+fct_indicator_changes",
        "+fct_gap_to_region",
        "--exclude",
        "test_type:unit",
        "test_type:data",
    )
    assert statuses and all(s in ("success", "pass") for s in statuses.values()), statuses
    yield path


def _copy_project(tmp_path: Path) -> Path:
    target = tmp_path / "dbt_project"
    shutil.copytree(
        DBT_PROJECT_DIR, target, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages")
    )
    return target


def test_unit_tests_pass_as_written(build_file: Path, tmp_path: Path) -> None:
    statuses = _dbt(DBT_PROJECT_DIR, tmp_path, build_file, "test", "--select", "test_type:unit")
    expected = {name for _, _, _, name in MUTATIONS}
    assert expected <= set(statuses), statuses
    assert all(status == "pass" for status in statuses.values()), statuses


@pytest.mark.parametrize(
    ("model_file", "formula", "mistake", "unit_test"),
    MUTATIONS,
    ids=[f"{m[3]}:{m[2]}" for m in MUTATIONS],
)
def test_a_changed_formula_fails_its_unit_test(
    build_file: Path, tmp_path: Path, model_file: str, formula: str, mistake: str, unit_test: str
) -> None:
    project = _copy_project(tmp_path)
    model = project / model_file
    sql = model.read_text()
    assert sql.count(formula) == 1, f"{formula!r} is no longer in {model_file}"
    model.write_text(sql.replace(formula, mistake))

    statuses = _dbt(project, tmp_path, build_file, "test", "--select", "test_type:unit")
    assert statuses.get(unit_test) == "fail", statuses
