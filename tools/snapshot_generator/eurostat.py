"""Eurostat's files as JSON-stat 2.0, each carrying the published figures of the facts folder
unchanged, with Eurostat's flags: the employment rate 20-64 (all five provinces; the
Flemish Region, which is not in the file, modelled), regional GDP (nama_10r_3gdp, current; and an
old vintage of nama_10r_2gdp) and employment by industry (nama_10r_3empers, two vintages)."""

from __future__ import annotations

import json

from tools.snapshot_generator.outputs import Calibration, Output, printed, read_facts

GENERATOR = "tools/snapshot_generator/eurostat.py"

GEO_LABELS = {
    "EU27_2020": "European Union - 27 countries (from 2020)",
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


def _geo_order(geos) -> list[str]:
    """Eurostat's order: a region before its parts (BE, BE2, BE21, BE211, ..., BE22, ...)."""
    return sorted(set(geos))


def eurostat_employment_rate(cal: Calibration) -> list[Output]:
    facts = read_facts("eurostat_employment_rate_20_64_nuts2.csv")
    values = {(r["geo"], int(r["year"])): float(r["value"]) for r in facts}
    flags = {(r["geo"], int(r["year"])): r["flag"] for r in facts if r["flag"]}
    # BE2 (NUTS 1) is not in the file: the weighted provincial mean plus a correction,
    # interpolated linearly between 2013 and 2023 (constant outside), so that the printed
    # Flemish figures hold exactly (2013: 76.8 - 4.9 = 71.9; 2023: 76.8) and the series stays
    # smooth.
    be2_2023 = printed("F2.employment_rate.2023.BE2")
    anchors = {2013: round(be2_2023 - printed("T1.employment_rate.change.BE2"), 1), 2023: be2_2023}
    mean = {
        year: sum(EMPLOYMENT_WEIGHTS[g] * values[(g, year)] for g in EMPLOYMENT_WEIGHTS)
        for year in EMPLOYMENT_YEARS
    }
    r13, r23 = (anchors[y] - mean[y] for y in (2013, 2023))
    for year in EMPLOYMENT_YEARS:
        share = min(1.0, max(0.0, (year - 2013) / 10))
        values[("BE2", year)] = round(mean[year] + r13 + share * (r23 - r13), 1)
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

    def key(geo: str, year: int) -> tuple[str, ...]:
        return ("A", "PC", "T", "Y20-64", geo, str(year))

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
        values={key(geo, year): value for (geo, year), value in values.items()},
        status={key(geo, year): flag for (geo, year), flag in flags.items()},
    )
    return [
        Output(
            source_id="eurostat_employment_rate",
            path="eurostat/lfst_r_lfe2emprt.json",
            url_parameters={"start_period": "2000"},
            generator=GENERATOR,
            payload=payload,
            modelled_series=["*.BE2.*"],
            modelled_reason="BE21-BE25 (2000-2025) are Eurostat's published values (vintage "
            "2026-09-15), unchanged, with Eurostat's flag e (estimated) on BE24 2021-2024. "
            "Modelled, not official: BE2, a NUTS 1 region that this NUTS 2 extract does not "
            "hold; its 2013 and 2023 values are the article's printed Flemish figures.",
            retrieved_at="2026-09-15T00:00:00Z",
        )
    ]


def eurostat_gdp_per_inhabitant(cal: Calibration) -> list[Output]:
    """Regional GDP: the current vintage of nama_10r_3gdp (MIO_EUR, EUR_HAB and PPS_HAB_EU27_2020
    for Belgium, the Flemish Region, its provinces and arrondissements, 2003-2022, 2022
    provisional) and an old vintage of nama_10r_2gdp (EUR_HAB, BE2 and BE22, 2000-2018)."""
    facts = read_facts("eurostat_gdp_per_inhabitant_old_vintage.csv")
    old = {(r["geo"], int(r["year"])): float(r["value"]) for r in facts}
    old_geos = _geo_order(g for g, _ in old)
    old_years = [str(y) for y in sorted({y for _, y in old})]
    old_payload = jsonstat(
        dataset="nama_10r_2gdp",
        label="Gross domestic product (GDP) at current market prices by NUTS 2 regions",
        updated="2020-03-05T23:00:00+0100",
        dims=[
            ("freq", "Time frequency", ["A"], {"A": "Annual"}),
            ("unit", "Unit of measure", ["EUR_HAB"], {"EUR_HAB": "Euro per inhabitant"}),
            ("geo", "Geopolitical entity (reporting)", old_geos, GEO_LABELS),
            ("time", "Time", old_years, {y: y for y in old_years}),
        ],
        values={("A", "EUR_HAB", g, str(y)): v for (g, y), v in old.items()},
    )
    current = read_facts("eurostat_nama_10r_3gdp_flanders.csv")
    units = ["MIO_EUR", "EUR_HAB", "PPS_HAB_EU27_2020"]
    geos = _geo_order(r["geo"] for r in current)
    years = [str(y) for y in sorted({int(r["year"]) for r in current})]

    def key(row: dict[str, str]) -> tuple[str, ...]:
        return ("A", row["unit"], row["geo"], row["year"])

    current_payload = jsonstat(
        dataset="nama_10r_3gdp",
        label="Gross domestic product (GDP) at current market prices by NUTS 3 region",
        updated="2024-03-07T23:00:00+0100",
        dims=[
            ("freq", "Time frequency", ["A"], {"A": "Annual"}),
            ("unit", "Unit of measure", units, GDP_UNITS),
            ("geo", "Geopolitical entity (reporting)", geos, GEO_LABELS),
            ("time", "Time", years, {y: y for y in years}),
        ],
        values={key(r): float(r["value"]) for r in current},
        status={key(r): r["flag"] for r in current if r["flag"]},
    )
    cal.check("model.gdp_per_inhabitant.old_vintage_rows", len(facts), len(old), 0)
    cal.check("model.gdp.current_vintage_cells", len(current), len({key(r) for r in current}), 0)
    return [
        Output(
            source_id="eurostat_gdp_per_inhabitant",
            path="eurostat/nama_10r_2gdp_vintage_2020.json",
            url="https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data/"
            "nama_10r_2gdp?format=JSON&lang=en&unit=EUR_HAB&geo=BE2&geo=BE22"
            "&sinceTimePeriod=2000",
            generator=GENERATOR,
            payload=old_payload,
            modelled_series=[],
            retrieved_at="2020-03-06T00:00:00Z",
            note="An older, real vintage of nama_10r_2gdp (BE2 and BE22, 2000-2018), since "
            "revised. The reference extract does not date it: the retrieval date is set to the "
            "first release of 2018 regional GDP (March 2020).",
        ),
        Output(
            source_id="eurostat_gdp_per_inhabitant",
            path="eurostat/nama_10r_3gdp.json",
            generator=GENERATOR,
            payload=current_payload,
            modelled_series=[],
            note="Eurostat's published values, unchanged, with its flag p (provisional) on "
            "2022. Arrondissements in NUTS 2021 codes (Limburg: BE223 Tongeren, BE224 Hasselt, "
            "BE225 Maaseik). The reference extract (Eurostat's TSV) does not date its release, "
            "which ends in 2022 (provisional): the file is dated with the snapshot.",
        ),
    ]


GDP_UNITS = {
    "MIO_EUR": "Million euro",
    "EUR_HAB": "Euro per inhabitant",
    "PPS_HAB_EU27_2020": "Purchasing power standard (PPS, EU27 from 2020), per inhabitant in "
    "percentage of the EU27 (from 2020) average",
}
NACE_GROUPS = ["TOTAL", "A", "B-E", "C", "F", "G-J", "G-I", "J", "K-N", "K", "L", "M_N", "O-U",
               "O-Q", "R-U"]  # fmt: skip


def _empers_payload(rows: list[dict[str, str]], updated: str) -> bytes:
    """nama_10r_3empers as the API serves it: thousand persons with one decimal."""
    geos = _geo_order(r["geo"] for r in rows)
    years = [str(y) for y in sorted({int(r["year"]) for r in rows})]
    nace = [n for n in NACE_GROUPS if any(r["nace_r2"] == n for r in rows)]
    return jsonstat(
        dataset="nama_10r_3empers",
        label="Employment (thousand persons) by NUTS 3 region",
        updated=updated,
        dims=[
            ("freq", "Time frequency", ["A"], {"A": "Annual"}),
            ("unit", "Unit of measure", ["THS"], {"THS": "Thousand persons"}),
            ("wstatus", "Activity and employment status", ["EMP"], {"EMP": "Employed persons"}),
            (
                "nace_r2",
                "Statistical classification of economic activities in the European "
                "Community (NACE Rev. 2)",
                nace,
                {},
            ),
            ("geo", "Geopolitical entity (reporting)", geos, GEO_LABELS),
            ("time", "Time", years, {y: y for y in years}),
        ],
        values={
            ("A", "THS", "EMP", r["nace_r2"], r["geo"], r["year"]): round(int(r["value"]) / 1000, 1)
            for r in rows
        },
    )


def eurostat_employment_by_industry(cal: Calibration) -> list[Output]:
    """Total employment (EMP) by NACE group, two real vintages: 2003-2018 as Eurostat had it
    about 2020 (NUTS 2016 codes) and the 2018 cells as revised by mid-2026 (NUTS 2021 codes)."""
    old = read_facts("eurostat_nama_10r_3empers_emp_flanders.csv")
    new = read_facts("eurostat_nama_10r_3empers_emp_2018_vintage_2026.csv")
    for name, rows in (("old", old), ("new", new)):
        cells = {(r["geo"], r["nace_r2"], r["year"]) for r in rows}
        cal.check(f"model.employment_by_industry.{name}_vintage_cells", len(rows), len(cells), 0)
    return [
        Output(
            source_id="eurostat_employment_by_industry",
            path="eurostat/nama_10r_3empers_vintage_2020.json",
            url_parameters={"start_period": "2003"},
            generator=GENERATOR,
            payload=_empers_payload(old, "2020-09-01T23:00:00+0200"),
            modelled_series=[],
            retrieved_at="2020-09-02T00:00:00Z",
            note="Eurostat's published values of about 2020 (2003-2018, NUTS 2016 codes: "
            "Limburg BE221 Hasselt, BE222 Maaseik, BE223 Tongeren), unchanged; the reference "
            "extract (Eurostat's bulk file) carries no flags and no release date: the retrieval "
            "date is set to the autumn 2020 release.",
        ),
        Output(
            source_id="eurostat_employment_by_industry",
            path="eurostat/nama_10r_3empers_2018.json",
            url_parameters={"start_period": "2018"},
            generator=GENERATOR,
            payload=_empers_payload(new, "2026-07-31T23:00:00+0200"),
            modelled_series=[],
            retrieved_at="2026-08-01T00:00:00Z",
            note="The 2018 cells as Eurostat publishes them in 2026 (updated 2026-07-31; NUTS "
            "2021 codes: Limburg BE223 Tongeren, BE224 Hasselt, BE225 Maaseik), unchanged: a "
            "real revision of the older vintage's 2018.",
        ),
    ]
