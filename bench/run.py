"""Benchmark of the nightly refresh on this machine (a script, not a test): `make bench`.

Measures, in one go:
1. a cold full refresh (`limwh refresh` on a fresh data directory), per stage, as an operator
   runs it (Prefect included);
2. a no-op refresh (nothing changed);
3. the pipeline's stages at 1x, 10x and 100x the data volume (configurable with --scales):
   a bigger SDMX-JSON message with more regions, years and branches is generated into a
   temporary snapshot, and a copy of the dbt project gets matching seed rows. These run the
   stages' plain functions (no Prefect), each scale in its own process;
4. peak memory: max RSS of each measured process including its children (resource.getrusage);
5. the pipeline's dbt time against bare DuckDB: dbt's compiled SQL of every model run in one
   DuckDB connection over the same raw tables and seeds.

It prints ratios 10x/1x and 100x/1x. Everything goes to a temporary folder (or --work-dir),
never to data/.
"""

from __future__ import annotations

import argparse
import copy
import csv
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extract.paths import SNAPSHOT_DIR  # noqa: E402
from warehouse.config import DBT_PROJECT_DIR, TELEMETRY_OFF  # noqa: E402

NBB_FILE = "nbb/BE2_DF_REGACA38_1.0.json"
TEMPLATE_REGION = "210"  # Antwerpen's series are copied for the generated regions
TEMPLATE_BRANCH = "GG"  # trade's series are copied for the generated branches


# --- scaled input ------------------------------------------------------------------------


def plan(scale: int) -> tuple[int, int, int]:
    """(extra regions, extra branches, extra years) for roughly `scale` times the rows. Years
    are prepended, and the regional accounts start in 1995 (the domain check refuses earlier
    years): at most MAX_EXTRA_YEARS, the rest of the volume comes from regions and branches."""
    if scale <= 1:
        return 0, 0, 0
    base_regions, base_branches, base_years = 7, 44, 21
    years = min(round(base_years * scale ** (1 / 3)) - base_years, MAX_EXTRA_YEARS)
    f = (scale * base_years / (base_years + years)) ** (1 / 2)
    regions = round(base_regions * f) - base_regions
    branches = round(base_branches * f) - base_branches
    return regions, branches, years


MAX_EXTRA_YEARS = 2003 - 1995


def scaled_snapshot(scale: int, target: Path) -> dict:
    """Write a snapshot folder with an NBB message about `scale` times the embedded one, beside
    the embedded files of the other publishers."""
    manifest = json.loads((SNAPSHOT_DIR / "manifest.json").read_text())
    message = json.loads((SNAPSHOT_DIR / NBB_FILE).read_text())
    extra_regions, extra_branches, extra_years = plan(scale)
    structure = message["data"]["structures"][0]
    dims = sorted(structure["dimensions"]["series"], key=lambda d: d["keyPosition"])
    pos = {d["id"]: i for i, d in enumerate(dims)}
    nuts, branch = dims[pos["NUTS"]], dims[pos["BRANCH"]]
    (time_dim,) = structure["dimensions"]["observation"]
    series = message["data"]["dataSets"][0]["series"]

    # More years: prepended, each a copy of the first year's value (growth 0).
    first_year = int(time_dim["values"][0]["id"])
    new_years = [str(first_year - n) for n in range(extra_years, 0, -1)]
    time_dim["values"] = [{"id": y, "name": y} for y in new_years] + time_dim["values"]
    for s in series.values():
        obs = s["observations"]
        shifted = {str(int(k) + extra_years): v for k, v in obs.items()}
        if "0" in obs:
            for n in range(extra_years):
                shifted[str(n)] = list(obs["0"])
        s["observations"] = shifted

    def add_codes(dim: dict, prefix: str, count: int) -> list[int]:
        start = len(dim["values"])
        for n in range(count):
            code = f"{prefix}{n:03d}"
            dim["values"].append({"id": code, "name": f"Generated {code}"})
        return list(range(start, start + count))

    def clone(key_pos: int, template_code: str, dim: dict, new: list[int], factor: float):
        template = next(i for i, v in enumerate(dim["values"]) if v["id"] == template_code)
        for key, s in list(series.items()):
            parts = key.split(":")
            if parts[key_pos] != str(template):
                continue
            for idx in new:
                parts2 = list(parts)
                parts2[key_pos] = str(idx)
                s2 = copy.deepcopy(s)
                for v in s2["observations"].values():
                    if v and v[0] is not None:
                        v[0] = round(v[0] * factor, 1)
                series[":".join(parts2)] = s2

    new_regions = add_codes(nuts, "9", extra_regions)
    new_branches = add_codes(branch, "Z", extra_branches)
    clone(pos["NUTS"], TEMPLATE_REGION, nuts, new_regions, 0.3)
    clone(pos["BRANCH"], TEMPLATE_BRANCH, branch, new_branches, 0.01)

    target.mkdir(parents=True, exist_ok=True)
    data = json.dumps(message, separators=(",", ":")).encode()
    (target / NBB_FILE).parent.mkdir(parents=True, exist_ok=True)
    (target / NBB_FILE).write_bytes(data)
    entry = next(f for f in manifest["files"] if f["path"] == NBB_FILE)
    entry["sha256"] = hashlib.sha256(data).hexdigest()
    entry["bytes"] = len(data)
    # The other publishers' files go along unchanged: the checks need every indicator.
    for other in manifest["files"]:
        if other["path"] != NBB_FILE:
            (target / other["path"]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(SNAPSHOT_DIR / other["path"], target / other["path"])
    manifest["snapshot_id"] = f"bench-{scale}x"
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return {
        "regions": [nuts["values"][i]["id"] for i in new_regions],
        "branches": [branch["values"][i]["id"] for i in new_branches],
        "years": len(time_dim["values"]),
        "bytes": len(data),
    }


def scaled_project(added: dict, target: Path) -> Path:
    """A copy of the dbt project whose seeds know the generated regions and branches."""
    shutil.copytree(
        DBT_PROJECT_DIR, target, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages")
    )
    seeds = target / "seeds"
    with (seeds / "regions.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    for n, code in enumerate(added["regions"]):
        rows.append(
            {
                **{f: "" for f in fields},
                "region_code": f"BEX{n:03d}",
                "region_level": "arrondissement",
                "parent_region_code": "BE21",
                "nbb_nuts_code": code,
                "refnis_code": str(90000 + n),
                "name_nl": f"Generated {code}",
                "name_en": f"Generated {code}",
                "name_fr": f"Generated {code}",
                "is_flemish_province": "false",
                "sort_order": str(1000 + n),
            }
        )
    _write_csv(seeds / "regions.csv", fields, rows)
    with (seeds / "nbb_branches.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    for n, code in enumerate(added["branches"]):
        rows.append(
            {
                **{f: "" for f in fields},
                "branch_code": code,
                "sector_code": code,
                "branch_level": "section",
                "label_en": f"Generated {code}",
                "label_nl": f"Generated {code}",
                "is_manufacturing": "false",
                "sort_order": str(1000 + n),
            }
        )
    _write_csv(seeds / "nbb_branches.csv", fields, rows)
    return target


def _write_csv(path: Path, fields: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# --- one scale, in its own process ---------------------------------------------------------


def worker(snapshot_dir: Path, project_dir: Path, work: Path) -> dict:
    """Run the stages' plain functions; print per-stage seconds as JSON."""
    os.environ.update(TELEMETRY_OFF)
    from extract.extraction import extract_snapshot
    from flows.nightly_refresh import run_checks
    from warehouse.build.dbt_runner import run_dbt_build
    from warehouse.config import DataPaths
    from warehouse.load.stage import load_build
    from warehouse.meta.run_log import new_run_id
    from warehouse.publish import exports
    from warehouse.publish.swap import publish

    paths = DataPaths(work / "data")
    paths.ensure()
    run_id = new_run_id()
    times: dict[str, float] = {}

    def timed(name, fn, *args, **kw):
        started = time.perf_counter()
        out = fn(*args, **kw)
        times[name] = round(time.perf_counter() - started, 2)
        return out

    extracted = timed("extract", extract_snapshot, snapshot_dir, paths.raw_store, run_id)
    loaded = timed("load", load_build, paths, run_id, extracted, echo=lambda _: None)
    build_file = loaded.path
    result = timed(
        "dbt_build", run_dbt_build, build_file, project_dir=project_dir, echo=lambda _: None
    )
    bare_copy = work / "bare" / build_file.name
    bare_copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(build_file, bare_copy)
    report = timed("expectations", run_checks, build_file)

    def _publish():
        exports.write_exports(build_file, paths, run_id)
        publish(build_file, paths)
        exports.activate(paths, run_id)

    timed("publish", _publish)
    times["bare_duckdb_models"] = bare_models(bare_copy, result.target_path)
    times["dbt_models_execution"] = dbt_model_seconds(result.target_path)
    usage = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    return {
        "seconds": times,
        "raw_rows": loaded.rows,
        "checks_passed": bool(report.success),
        "failed_checks": [r.name for r in report.failed],
        "max_rss_mib": round(usage / 1024, 1),
        "published_bytes": paths.published.stat().st_size,
    }


def _models_in_run_order(target: Path) -> list[dict]:
    manifest = json.loads((target / "manifest.json").read_text())
    results = json.loads((target / "run_results.json").read_text())["results"]
    nodes = manifest["nodes"]
    return [
        {**nodes[r["unique_id"]], "execution_time": r["execution_time"]}
        for r in results
        if r["unique_id"].startswith("model.")
    ]


def dbt_model_seconds(target: Path) -> float:
    return round(sum(m["execution_time"] for m in _models_in_run_order(target)), 2)


def bare_models(db_file: Path, target: Path) -> float:
    """dbt's compiled SQL for every model, in dbt's order, in one DuckDB connection."""
    import duckdb

    models = _models_in_run_order(target)
    con = duckdb.connect(str(db_file))
    try:
        started = time.perf_counter()
        for m in models:
            con.execute(f"CREATE OR REPLACE TABLE {m['relation_name']} AS {m['compiled_code']}")
        seconds = time.perf_counter() - started
    finally:
        con.close()
    return round(seconds, 2)


# --- the driver ----------------------------------------------------------------------------


def run_measured(cmd: list[str], env: dict) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds and max RSS (MiB, the process and its children) of a command."""
    wrapper = (
        "import resource, subprocess, sys, json\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "r = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps({'rc': p.returncode, 'rss_kib': r, 'out': p.stdout, "
        "'err': p.stderr}))\n"
    )
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, env=env
    )
    wall = time.perf_counter() - started
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    done = subprocess.CompletedProcess(cmd, result["rc"], result["out"], result["err"])
    return wall, result["rss_kib"] / 1024, done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scales",
        default=os.environ.get("LIMWH_BENCH_SCALES", "1,10,100"),
        help="data volume factors, comma-separated (default 1,10,100; $LIMWH_BENCH_SCALES)",
    )
    parser.add_argument("--work-dir", help="keep the bench's files here (default: a temp dir)")
    parser.add_argument("--worker", nargs=3, metavar=("SNAPSHOT", "PROJECT", "WORK"))
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(*(Path(p) for p in args.worker))))
        return 0

    scales = sorted({int(s) for s in args.scales.split(",") if s.strip()} | {1})
    work = Path(args.work_dir or tempfile.mkdtemp(prefix="limwh-bench-")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, **TELEMETRY_OFF)
    env.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
    env.setdefault("PREFECT_HOME", str(work / "prefect_home"))
    limwh = Path(sys.executable).with_name("limwh")
    print(f"bench in {work} ({os.cpu_count()} CPU(s)); scales {scales}", flush=True)

    if not bench_cli_refresh(limwh, work / "cli-data", env):
        return 1
    # 3-5. Scaled volumes, the stages without Prefect, one process each.
    results = {}
    for scale in scales:
        result = bench_scale(scale, work, env)
        if result is None:
            return 1
        results[scale] = result
    print_ratios(results, scales)
    (work / "bench.json").write_text(json.dumps(results, indent=2))
    print(f"\nresults: {work / 'bench.json'}")
    return 0


def bench_cli_refresh(limwh: Path, data: Path, env: dict) -> bool:
    """The refresh as an operator runs it: cold, then no-op."""
    wall, rss, cold = run_measured([str(limwh), "refresh", "--data-dir", str(data)], env)
    if cold.returncode != 0:
        print(cold.stdout[-3000:], cold.stderr[-3000:])
        return False
    runs = [json.loads(line) for line in (data / "runs.jsonl").read_text().splitlines()]
    stages = runs[-1]["stage_seconds"]
    print("\ncold full refresh (limwh refresh, Prefect ephemeral API included)")
    for stage, seconds in stages.items():
        print(f"  {stage:<14}{seconds:8.2f} s")
    print(f"  {'stages':<14}{sum(stages.values()):8.2f} s")
    print(f"  {'wall':<14}{wall:8.2f} s   (the rest is Python, Prefect and dbt start-up)")
    print(f"  {'max RSS':<14}{rss:8.1f} MiB")
    wall_noop, rss_noop, noop = run_measured([str(limwh), "refresh", "--data-dir", str(data)], env)
    said = "no-op" in noop.stdout
    print(
        f"\nno-op refresh: {wall_noop:.2f} s wall, max RSS {rss_noop:.1f} MiB, "
        f"{'skipped the rebuild' if said else 'DID NOT SKIP'} (exit {noop.returncode})"
    )
    return True


def bench_scale(scale: int, work: Path, env: dict) -> dict | None:
    """One data volume in its own process: the stages' plain functions, timed."""
    folder = work / f"scale-{scale}x"
    shutil.rmtree(folder, ignore_errors=True)
    added = scaled_snapshot(scale, folder / "snapshot")
    project = scaled_project(added, folder / "dbt_project")
    wall, rss, proc = run_measured(
        [sys.executable, __file__, "--worker", str(folder / "snapshot"), str(project), str(folder)],
        env,
    )
    if proc.returncode != 0:
        print(f"\n{scale}x failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        return None
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    r["wall"], r["max_rss_mib"], r["input_bytes"] = wall, rss, added["bytes"]
    s = r["seconds"]
    print(
        f"\n{scale}x: {r['raw_rows']:,} raw rows ({added['bytes'] / 1e6:.1f} MB SDMX-JSON; "
        f"+{len(added['regions'])} regions, +{len(added['branches'])} branches, "
        f"{added['years']} years); checks {'pass' if r['checks_passed'] else 'FAIL'}"
    )
    for stage in ("extract", "load", "dbt_build", "expectations", "publish"):
        print(f"  {stage:<14}{s[stage]:8.2f} s")
    print(f"  {'wall':<14}{wall:8.2f} s   max RSS {rss:.1f} MiB")
    print(
        f"  dbt vs bare DuckDB: dbt build {s['dbt_build']:.2f} s (seeds, models, tests); "
        f"its models {s['dbt_models_execution']:.2f} s; the same compiled SQL in one "
        f"DuckDB connection {s['bare_duckdb_models']:.2f} s"
    )
    return r


def print_ratios(results: dict[int, dict], scales: list[int]) -> None:
    base = results[1]
    for scale in scales:
        if scale == 1:
            continue
        r = results[scale]
        ratios = ", ".join(
            f"{k} {r['seconds'][k] / base['seconds'][k]:.1f}"
            for k in ("load", "dbt_build", "expectations", "publish")
            if base["seconds"][k]
        )
        print(
            f"\nratio {scale}x/1x: rows {r['raw_rows'] / base['raw_rows']:.1f}, "
            f"wall {r['wall'] / base['wall']:.2f}, max RSS "
            f"{r['max_rss_mib'] / base['max_rss_mib']:.2f}; per stage: {ratios}"
        )


if __name__ == "__main__":
    sys.exit(main())
