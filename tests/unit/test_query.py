"""`limwh query` on a tiny published file: output formats, NULLs, truncation, clear errors, and
nothing written or read outside the warehouse."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest

from flows.cli import EXIT_FAILED, main
from warehouse.config import DataPaths
from warehouse.read.query import QueryError, QueryUsageError, read_sql, run_query

VALUES = "marts.fct_indicator_values"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A published warehouse.duckdb with a `marts` and a `meta` schema."""
    con = duckdb.connect(str(DataPaths(tmp_path).published))
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE SCHEMA meta")
    con.execute(
        f"""
        CREATE TABLE {VALUES} AS
        SELECT * REPLACE (value::DOUBLE AS value) FROM (VALUES
            ('employees', 'BE22', 'TOTAL', 2013, 300000.0, 'persons', 'modelled',
             DATE '2026-11-27', 1.25::DECIMAL(6, 2)),
            ('employees', 'BE2', 'TOTAL', 2013, 2500000.0, 'persons', 'official',
             DATE '2026-11-27', NULL),
            ('gva_per_hour', 'BE22', 'TOTAL', 2022, 57.600312345, 'EUR', 'provisional',
             NULL, 10.50::DECIMAL(6, 2))
        ) AS t(indicator_id, region_code, sector_code, year, value, unit, obs_status, vintage,
               weight)
        """
    )
    con.execute("CREATE TABLE marts.dim_region AS SELECT 'BE22' AS region_code, 'Limburg' AS name")
    con.execute("CREATE TABLE meta.runs AS SELECT 'r1' AS run_id, 'published' AS outcome")
    con.execute("CREATE TABLE marts.many AS SELECT range AS n FROM range(250)")
    con.close()
    return tmp_path


def query(data_dir: Path, *args: str) -> list[str]:
    return ["query", "--data-dir", str(data_dir), *args]


def test_help_documents_the_sql_sources_and_formats(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["query", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for text in ("usage: limwh query", "-f FILE", "standard input", "--format", "--max-rows"):
        assert text in out
    assert "read-only" in out and "obs_status" in out


def test_table_aligns_numbers_right_and_shows_null(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sql = f"SELECT region_code, value, weight, obs_status FROM {VALUES} ORDER BY value"
    assert main(query(data_dir, sql)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("|")[0].strip() == "region_code"
    assert set(lines[1]) <= {"-", "+"}
    body = lines[2:5]
    assert [line.split("|")[0].strip() for line in body] == ["BE22", "BE22", "BE2"]
    # one width per column, numbers right-aligned, NULL spelled out
    bars = [i for i, ch in enumerate(lines[0]) if ch == "|"]
    assert bars == [i for i, ch in enumerate(lines[1]) if ch == "+"]
    assert all([i for i, ch in enumerate(line) if ch == "|"] == bars for line in lines[2:5])
    value_cells = [line.split("|")[1] for line in body]
    assert [c.strip() for c in value_cells] == ["57.6003", "300000", "2500000"]
    assert all(c.endswith(" ") and c[-2] != " " for c in value_cells)  # flush right
    assert value_cells[1] == "  300000 "
    assert body[2].split("|")[2].strip() == "NULL"
    assert [line.split("|")[3].strip() for line in body] == ["provisional", "modelled", "official"]
    assert lines[-1] == "(3 rows)"


def test_unqualified_names_resolve_in_marts_then_meta(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(query(data_dir, "SELECT name FROM dim_region")) == 0
    assert "Limburg" in capsys.readouterr().out
    assert main(query(data_dir, "SELECT outcome FROM runs")) == 0
    out = capsys.readouterr().out
    assert "published" in out and out.rstrip().endswith("(1 row)")


def test_table_truncates_at_max_rows_and_says_so(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(query(data_dir, "SELECT n FROM many ORDER BY n")) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 + 200 + 1  # the default cap
    assert lines[-2].strip() == "199"
    assert lines[-1] == "(250 rows, first 200 shown; --max-rows 0 shows all)"

    assert main(query(data_dir, "--max-rows", "5", "SELECT n FROM many ORDER BY n")) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.strip() for line in lines[2:-1]] == ["0", "1", "2", "3", "4"]
    assert lines[-1] == "(250 rows, first 5 shown; --max-rows 0 shows all)"

    assert main(query(data_dir, "--max-rows", "0", "SELECT n FROM many")) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "(250 rows)"


def test_csv_has_a_header_and_every_row(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql = f"SELECT region_code, year, value, obs_status, vintage, weight FROM {VALUES} ORDER BY 3"
    assert main(query(data_dir, "--format", "csv", sql)) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["region_code"] for r in rows] == ["BE22", "BE22", "BE2"]
    assert rows[0]["value"] == "57.600312345"  # full precision, unlike the table
    assert rows[0]["vintage"] == "" and rows[2]["weight"] == ""  # NULL: an empty field
    assert rows[1]["vintage"] == "2026-11-27" and rows[1]["weight"] == "1.25"
    assert rows[2]["obs_status"] == "official"

    # no cap unless asked for; with one, the note goes to stderr so the CSV stays clean
    assert main(query(data_dir, "--format", "csv", "SELECT n FROM many")) == 0
    assert len(capsys.readouterr().out.splitlines()) == 251
    assert main(query(data_dir, "--format", "csv", "--max-rows", "3", "SELECT n FROM many")) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == ["n", "0", "1", "2"]
    assert "250 rows, first 3 shown" in captured.err


def test_json_is_a_list_of_objects(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql = f"SELECT region_code, year, value, vintage, weight, obs_status FROM {VALUES} ORDER BY 3"
    assert main(query(data_dir, "--format", "json", sql)) == 0
    records = json.loads(capsys.readouterr().out)
    assert records[0] == {
        "region_code": "BE22",
        "year": 2022,
        "value": 57.600312345,
        "vintage": None,
        "weight": 10.5,
        "obs_status": "provisional",
    }
    assert records[1]["vintage"] == "2026-11-27"  # dates as ISO 8601
    assert records[2]["weight"] is None

    sql = (
        "SELECT 1 AS a, 2 AS a, 'nan'::DOUBLE AS f, [1, 2] AS l, TIMESTAMP '2020-01-01 10:00' AS t"
    )
    assert main(query(data_dir, "--format", "json", sql)) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == [
        {"a": 1, "a_2": 2, "f": None, "l": [1, 2], "t": "2020-01-01T10:00:00"}
    ]
    assert "NaN" not in out  # not valid JSON

    assert main(query(data_dir, "--format", "json", "SELECT n FROM many WHERE n < 0")) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_sql_from_a_file_and_from_stdin(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    sql_file = tmp_path / "question.sql"
    sql_file.write_text("-- how many regions?\nSELECT count(*) AS regions FROM dim_region;\n")
    assert main(query(data_dir, "-f", str(sql_file), "--format", "csv")) == 0
    assert capsys.readouterr().out.splitlines() == ["regions", "1"]

    monkeypatch.setattr("sys.stdin", io.StringIO("SELECT 'from stdin' AS origin"))
    assert main(query(data_dir, "-", "--format", "csv")) == 0
    assert capsys.readouterr().out.splitlines() == ["origin", "from stdin"]


@pytest.mark.parametrize(
    ("sql", "sql_file", "stdin", "problem"),
    [
        (None, None, "", "no SQL given"),
        ("SELECT 1", "q.sql", "", "not both"),
        ("  ", None, "", "no SQL given"),
        ("-", None, "\n", "standard input is empty"),
        (None, "/nonexistent/q.sql", "", "cannot read SQL file /nonexistent/q.sql"),
    ],
)
def test_missing_sql_is_a_usage_error(
    sql: str | None, sql_file: str | None, stdin: str, problem: str
) -> None:
    with pytest.raises(QueryUsageError, match=problem):
        read_sql(sql, sql_file, io.StringIO(stdin))


def test_usage_errors_exit_2(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(query(data_dir)) == 2
    err = capsys.readouterr().err
    assert err.startswith("limwh: error: no SQL given")
    with pytest.raises(SystemExit) as exit_info:
        main(query(data_dir, "--max-rows", "-1", "SELECT 1"))
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(query(data_dir, "--format", "xml", "SELECT 1"))
    assert exit_info.value.code == 2


def test_unknown_table_lists_the_marts(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(query(data_dir, "SELECT * FROM fct_indicator_value")) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith(
        "limwh: error: query failed: Catalog Error: Table with name fct_indicator_value "
        "does not exist!"
    )
    assert "LINE 1: SELECT * FROM fct_indicator_value" in err  # DuckDB's context stays
    assert "did you mean marts.fct_indicator_values?" in err
    assert "the marts (schema marts): dim_region, fct_indicator_values, many" in err
    assert "run metadata (schema meta): runs" in err
    assert "pg_" not in err  # DuckDB's own guess at its internal catalog is dropped
    assert "Traceback" not in err


def test_unknown_schema_hints_at_the_table(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(query(data_dir, "SELECT * FROM mart.dim_region")) == EXIT_FAILED
    err = capsys.readouterr().err
    assert 'schema "mart" does not exist' in err
    assert "did you mean marts.dim_region?" in err


def test_syntax_error_shows_duckdbs_message(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(query(data_dir, "SELECT region_code FROM dim_region WHER true")) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith(
        'limwh: error: query failed: Parser Error: syntax error at or near "true"'
    )
    lines = err.splitlines()
    context = next(i for i, line in enumerate(lines) if line.startswith("LINE 1: "))
    caret = lines[context + 1]
    assert lines[context][caret.index("^") :] == "true"  # the caret points at it


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE TABLE marts.x AS SELECT 1 AS a",
        f"INSERT INTO {VALUES} (indicator_id) VALUES ('x')",
        f"UPDATE {VALUES} SET value = 0",
        f"DELETE FROM {VALUES}",
        "DROP TABLE marts.dim_region",
        "CREATE TABLE y (a INTEGER)",  # unqualified: lands in marts, which is read-only
    ],
)
def test_writes_are_refused(data_dir: Path, sql: str, capsys: pytest.CaptureFixture[str]) -> None:
    published = DataPaths(data_dir).published
    before = published.read_bytes()
    assert main(query(data_dir, sql)) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith(
        "limwh: error: query failed: the published warehouse is opened read-only:"
    )
    assert "read-only mode" in err
    assert published.read_bytes() == before
    con = duckdb.connect(str(published), read_only=True)
    try:
        assert con.execute(f"SELECT count(*) FROM {VALUES}").fetchall() == [(3,)]
        assert con.execute("SELECT count(*) FROM marts.dim_region").fetchall() == [(1,)]
    finally:
        con.close()


@pytest.mark.parametrize(
    "sql",
    [
        "COPY (SELECT 1 AS a) TO '{out}'",
        "COPY marts.dim_region TO '{out}' (FORMAT csv)",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM glob('/etc/*')",
        "ATTACH '{other}' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "EXPORT DATABASE '{folder}'",
    ],
)
def test_nothing_outside_the_warehouse_is_reached(
    data_dir: Path, tmp_path: Path, sql: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out, other, folder = tmp_path / "x.csv", tmp_path / "other.duckdb", tmp_path / "export"
    duckdb.connect(str(other)).close()
    sql = sql.format(out=out, other=other, folder=folder)
    assert main(query(data_dir, sql)) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith(
        "limwh: error: query failed: limwh query reads the published warehouse only"
    ), err
    assert "Permission Error" in err
    assert not out.exists() and not folder.exists()


def test_external_access_cannot_be_turned_back_on(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.csv"
    sql = f"SET enable_external_access = true; COPY (SELECT 1) TO '{out}'"
    assert main(query(data_dir, sql)) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "settings are locked" in err and "enable_external_access" in err
    assert not out.exists()


def test_temporary_objects_stay_in_memory(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = DataPaths(data_dir).published.read_bytes()
    sql = "CREATE TEMP TABLE t AS SELECT 41 AS a; SELECT a + 1 AS answer FROM t"
    assert main(query(data_dir, "--format", "csv", sql)) == 0
    assert capsys.readouterr().out.splitlines() == ["answer", "42"]
    assert DataPaths(data_dir).published.read_bytes() == before


def test_missing_published_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(query(tmp_path / "nothing", "SELECT 1")) == EXIT_FAILED
    err = capsys.readouterr().err
    published = DataPaths(tmp_path / "nothing").published
    assert err == f"limwh: error: no published warehouse at {published} (run `limwh refresh`)\n"
    with pytest.raises(QueryError, match="no published warehouse"):
        run_query(published, "SELECT 1", None)


def test_a_file_that_is_no_duckdb_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    DataPaths(tmp_path).published.write_text("not a database")
    assert main(query(tmp_path, "SELECT 1")) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith(
        f"limwh: error: query failed: cannot open the published warehouse "
        f"{DataPaths(tmp_path).published}:"
    )


def test_rows_past_the_cap_are_counted_not_kept(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_query(DataPaths(data_dir).published, "SELECT n FROM many", 10)
    assert result.total_rows == 250 and len(result.rows) == 10 and result.truncated
    assert main(query(data_dir, "SELECT region_code FROM dim_region WHERE false")) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "(0 rows)"
