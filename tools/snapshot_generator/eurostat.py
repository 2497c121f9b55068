"""Eurostat's files as JSON-stat 2.0: the employment rate 20-64 (real for BE21-BE23 and BE24 to
2020, the rest modelled) and GDP per inhabitant (a real old vintage, a modelled current one:
NBB's B1QCAP from the embedded NBB file, rounded to EUR 100 as Eurostat publishes it)."""

from __future__ import annotations

import json

from tools.snapshot_generator.outputs import Calibration, Output, noise, printed, read_facts
from tools.snapshot_generator.paths import SNAPSHOT_DIR

GENERATOR = "tools/snapshot_generator/eurostat.py"

GEO_LABELS = {
    "BE": "Belgium",
    "BE2": "Vlaams Gewest",
    "BE21": "Prov. Antwerpen",
    "BE22": "Prov. Limburg (BE)",
    "BE23": "Prov. Oost-Vlaanderen",
    "BE24": "Prov. Vlaams-Brabant",
    "BE25": "Prov. West-Vlaanderen",
}


def jsonstat(
    *,
    dataset: str,
    label: str,
    updated: str,
    dims: list[tuple[str, str, list[str], dict[str, str]]],
    values: dict[tuple[str, ...], float],
    status: dict[tuple[str, ...], str] | None = None,
) -> bytes:
    """A JSON-stat 2.0 dataset as Eurostat's dissemination API serves it: `value` keyed by the
    flat row-major index over the dimension sizes, absent cells left out."""
    ids = [d[0] for d in dims]
    sizes = [len(d[2]) for d in dims]
    position = [{code: i for i, code in enumerate(d[2])} for d in dims]

    def flat(key: tuple[str, ...]) -> int:
        index = 0
        for k, code in enumerate(key):
            index = index * sizes[k] + position[k][code]
        return index

    value = {str(flat(k)): v for k, v in sorted(values.items(), key=lambda kv: flat(kv[0]))}
    status_out = {
        str(flat(k)): s for k, s in sorted((status or {}).items(), key=lambda kv: flat(kv[0]))
    }
    document = {
        "version": "2.0",
        "class": "dataset",
        "label": label,
        "source": "ESTAT",
        "updated": updated,
        "value": value,
        "status": status_out,
        "id": ids,
        "size": sizes,
        "dimension": {
            dim_id: {
                "label": dim_label,
                "category": {
                    "index": {code: i for i, code in enumerate(codes)},
                    "label": {code: labels.get(code, code) for code in codes},
                },
            }
            for dim_id, dim_label, codes, labels in dims
        },
        "extension": {
            "lang": "EN",
            "id": dataset.upper(),
            "agencyId": "ESTAT",
            "version": "1.0",
            "datastructure": {"id": dataset.upper(), "agencyId": "ESTAT", "version": "1.0"},
            "annotation": [],
            "status": {
                "label": {
                    "b": "break in time series",
                    "p": "provisional",
                    "e": "estimated",
                    "u": "low reliability",
                }
            },
        },
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


EMPLOYMENT_YEARS = range(2000, 2026)

# Population 20-64 weights of the provinces in the Flemish Region (for the modelled BE2).
EMPLOYMENT_WEIGHTS = {"BE21": 0.285, "BE22": 0.13, "BE23": 0.235, "BE24": 0.175, "BE25": 0.175}

BE2_EMPLOYMENT_ANCHORS = {2013: None, 2023: None}  # filled from the printed figures


def eurostat_employment_rate(cal: Calibration) -> list[Output]:
    facts = read_facts("eurostat_employment_rate_20_64_nuts2.csv")
    real = {(r["geo"], int(r["year"])): float(r["value"]) for r in facts}
    values = dict(real)
    modelled_cells: list[str] = []
    # BE24 after 2020: its 2020 level moved with the mean change of BE21-BE23.
    last = max(y for g, y in real if g == "BE24")
    for year in EMPLOYMENT_YEARS:
        if year > last:
            drift = sum(real[(g, year)] - real[(g, last)] for g in ("BE21", "BE22", "BE23")) / 3
            values[("BE24", year)] = round(real[("BE24", last)] + drift, 1)
            modelled_cells.append(f"*.BE24.{year}")
    # BE25 tracks Oost-Vlaanderen plus a small margin. BE2 is the weighted provincial mean plus
    # a correction, interpolated linearly between 2013 and 2023 (constant outside), so that the
    # printed Flemish figures hold exactly (2013: 76.8 - 4.9 = 71.9; 2023: 76.8) and the series
    # stays smooth.
    be2_2023 = printed("F2.employment_rate.2023.BE2")
    anchors = {2013: round(be2_2023 - printed("T1.employment_rate.change.BE2"), 1), 2023: be2_2023}
    mean = {}
    for year in EMPLOYMENT_YEARS:
        values[("BE25", year)] = round(
            values[("BE23", year)] + 0.9 + noise("be25", year, scale=0.3), 1
        )
        mean[year] = sum(EMPLOYMENT_WEIGHTS[g] * values[(g, year)] for g in EMPLOYMENT_WEIGHTS)
    r13, r23 = (anchors[y] - mean[y] for y in (2013, 2023))
    for year in EMPLOYMENT_YEARS:
        share = min(1.0, max(0.0, (year - 2013) / 10))
        values[("BE2", year)] = round(mean[year] + r13 + share * (r23 - r13), 1)
    modelled_cells = ["*.BE2.*", "*.BE25.*", *modelled_cells]
    for fid, geo, year in (
        ("T1.employment_rate.2013", "BE22", 2013),
        ("F2.employment_rate.2014", "BE22", 2014),
        ("F2.employment_rate.2015", "BE22", 2015),
        ("T1.employment_rate.2023", "BE22", 2023),
        ("F2.employment_rate.2024", "BE22", 2024),
        ("F2.employment_rate.2023.BE2", "BE2", 2023),
    ):
        cal.check(fid, printed(fid), values[(geo, year)], 0.05)
    fid = "T1.employment_rate.change.BE2"
    cal.check(fid, printed(fid), values[("BE2", 2023)] - values[("BE2", 2013)], 0.05)
    fid = "T1.employment_rate.change"
    cal.check(fid, printed(fid), values[("BE22", 2023)] - values[("BE22", 2013)], 0.05)
    geos = ["BE2", "BE21", "BE22", "BE23", "BE24", "BE25"]
    years = [str(y) for y in EMPLOYMENT_YEARS]
    cells = {
        ("A", "PC", "T", "Y20-64", geo, str(year)): value for (geo, year), value in values.items()
    }
    payload = jsonstat(
        dataset="lfst_r_lfe2emprt",
        label="Employment rates by sex, age and NUTS 2 region (%)",
        updated="2026-09-15T23:00:00+0200",
        dims=[
            ("freq", "Time frequency", ["A"], {"A": "Annual"}),
            ("unit", "Unit of measure", ["PC"], {"PC": "Percentage"}),
            ("sex", "Sex", ["T"], {"T": "Total"}),
            ("age", "Age class", ["Y20-64"], {"Y20-64": "From 20 to 64 years"}),
            ("geo", "Geopolitical entity (reporting)", geos, GEO_LABELS),
            ("time", "Time", years, {y: y for y in years}),
        ],
        values=cells,
    )
    return [
        Output(
            source_id="eurostat_employment_rate",
            path="eurostat/lfst_r_lfe2emprt.json",
            url_parameters={"start_period": "2000"},
            generator=GENERATOR,
            payload=payload,
            modelled_series=modelled_cells,
            modelled_reason="BE21-BE23 (2000-2025) and BE24 (2000-2020) are Eurostat's published "
            "values (vintage 2026-09-15), unchanged. Modelled, not official: BE2 and BE25 (not in "
            "the reference extract) and BE24 after 2020; BE2's 2013 and 2023 values are the "
            "article's printed Flemish figures.",
            retrieved_at="2026-09-15T00:00:00Z",
        )
    ]


def _nbb_gdp_per_inhabitant() -> dict[tuple[str, int], float]:
    """B1QCAP from the embedded NBB file: the current vintage's model shares NBB's level."""
    from extract.formats.sdmx_json import parse_sdmx_json

    path = SNAPSHOT_DIR / "nbb" / "BE2_DF_REGACA38_1.0.json"
    parsed = parse_sdmx_json(path.read_bytes(), source_id="nbb_regaca38", filename=path.name)
    nuts = {"000": "BE", "200": "BE2", "210": "BE21", "220": "BE22", "230": "BE23",
            "240": "BE24", "250": "BE25"}  # fmt: skip
    out = {}
    for rec in parsed.records():
        if rec["ITEM"] == "B1QCAP" and rec["BRANCH"] == "TOT" and rec["OBS_VALUE"] is not None:
            out[(nuts[rec["NUTS"]], int(rec["TIME_PERIOD"]))] = rec["OBS_VALUE"]
    return out


def eurostat_gdp_per_inhabitant(cal: Calibration) -> list[Output]:
    dims_common = [
        ("freq", "Time frequency", ["A"], {"A": "Annual"}),
        ("unit", "Unit of measure", ["EUR_HAB"], {"EUR_HAB": "Euro per inhabitant"}),
    ]
    facts = read_facts("eurostat_gdp_per_inhabitant_old_vintage.csv")
    old = {(r["geo"], int(r["year"])): float(r["value"]) for r in facts}
    old_geos = sorted({g for g, _ in old}, key=lambda g: (len(g), g))
    old_years = [str(y) for y in sorted({y for _, y in old})]
    old_payload = jsonstat(
        dataset="nama_10r_2gdp",
        label="Gross domestic product (GDP) at current market prices by NUTS 2 regions",
        updated="2020-03-05T23:00:00+0100",
        dims=[
            *dims_common,
            ("geo", "Geopolitical entity (reporting)", old_geos, GEO_LABELS),
            ("time", "Time", old_years, {y: y for y in old_years}),
        ],
        values={("A", "EUR_HAB", g, str(y)): v for (g, y), v in old.items()},
    )
    nbb = _nbb_gdp_per_inhabitant()
    current = {key: round(value / 100) * 100 for key, value in nbb.items()}
    geos = ["BE", "BE2", "BE21", "BE22", "BE23", "BE24", "BE25"]
    geos = [g for g in geos if any(k[0] == g for k in current)]
    years = [str(y) for y in sorted({y for _, y in current})]
    current_payload = jsonstat(
        dataset="nama_10r_2gdp",
        label="Gross domestic product (GDP) at current market prices by NUTS 2 regions",
        updated="2026-03-10T23:00:00+0100",
        dims=[
            *dims_common,
            ("geo", "Geopolitical entity (reporting)", geos, GEO_LABELS),
            ("time", "Time", years, {y: y for y in years}),
        ],
        values={("A", "EUR_HAB", g, str(y)): v for (g, y), v in current.items()},
    )
    cal.check("model.gdp_per_inhabitant.old_vintage_rows", len(facts), len(old), 0)
    return [
        Output(
            source_id="eurostat_gdp_per_inhabitant",
            path="eurostat/nama_10r_2gdp_vintage_2020.json",
            url_parameters={"start_period": "2000"},
            generator=GENERATOR,
            payload=old_payload,
            modelled_series=[],
            retrieved_at="2020-03-06T00:00:00Z",
            note="An older, real vintage (BE2 and BE22, 2000-2018), since revised. The reference "
            "extract does not date it: the retrieval date is set to the first release of 2018 "
            "regional GDP (March 2020).",
        ),
        Output(
            source_id="eurostat_gdp_per_inhabitant",
            path="eurostat/nama_10r_2gdp.json",
            url_parameters={"start_period": "2003"},
            generator=GENERATOR,
            payload=current_payload,
            modelled_series=["*"],
            modelled_reason="Modelled, not official: the current vintage is NBB's modelled "
            "B1QCAP of the embedded NBB file, rounded to EUR 100 as Eurostat publishes it.",
        ),
    ]
