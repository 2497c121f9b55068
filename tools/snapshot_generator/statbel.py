"""Statbel's files, real: the VAT-liable enterprises (a ZIP of pipe-separated TXT per year, the
province figures in Statbel's column names) and the VAT starters (a be.STAT view result),
from the published figures in facts/, unchanged and official (the latest starters year is
provisional, which the warehouse tells from the retrieval date)."""

from __future__ import annotations

from tools.publisher_layouts.statbel import bestat_json
from tools.snapshot_generator.codes import (
    EMPLOYER_CLASSES,
    FLEMISH_PROVINCES,
    NACE_SECTIONS,
    PROVINCE_NAMES,
    STATBEL_VAT_COLUMNS,
)
from tools.snapshot_generator.outputs import (
    Calibration,
    Output,
    csv_text,
    printed,
    read_facts,
    zip_bytes,
)

GENERATOR = "tools/snapshot_generator/statbel.py"


def statbel_vat_enterprises(cal: Calibration) -> list[Output]:
    facts = read_facts("statbel_vat_enterprises_by_province.csv")
    by_year: dict[int, list[dict[str, str]]] = {}
    for row in facts:
        by_year.setdefault(int(row["year"]), []).append(row)
    outputs = []
    for year in sorted(by_year):
        rows = []
        for r in by_year[year]:
            refnis = int(r["refnis_province"])
            nl, fr = PROVINCE_NAMES[refnis]
            cls = r["employer_class"]
            section = r["nace_section"]
            rows.append(
                [
                    year,
                    refnis,
                    nl,
                    fr,
                    section,
                    *NACE_SECTIONS[section],
                    cls,
                    *EMPLOYER_CLASSES[cls],
                    int(r["vat_enterprises"]),
                ]
            )
        text = csv_text(rows, "|", STATBEL_VAT_COLUMNS)
        name = f"TF_VAT_NACE_EMPL_{year}"
        outputs.append(
            Output(
                source_id="statbel_vat_enterprises",
                path=f"statbel/{name}.zip",
                url_parameters={"year": str(year)},
                generator=GENERATOR,
                payload=zip_bytes(f"{name}.txt", text),
                modelled_series=[],
                note="Published figures, aggregated from districts (CD_ADM_DSTR_REFNIS) to "
                "provinces (CD_PROV_REFNIS) in Statbel's own layout. 2022 is not in the extract.",
            )
        )

    def total(refnis: set[int], section: str, year: int) -> int:
        return sum(
            int(r["vat_enterprises"])
            for r in facts
            if int(r["year"]) == year and int(r["refnis_province"]) in refnis
            and r["nace_section"] == section
        )  # fmt: skip

    flemish = set(FLEMISH_PROVINCES)
    for section, code in (("ALL", "TOTAL"), ("C", "C")):
        a, b = total({70000}, section, 2013), total({70000}, section, 2023)
        fa, fb = total(flemish, section, 2013), total(flemish, section, 2023)
        cal.check(
            f"T1.vat_enterprises.{code}.2013", printed(f"T1.vat_enterprises.{code}.2013"), a, 0.5
        )
        cal.check(
            f"T1.vat_enterprises.{code}.2023", printed(f"T1.vat_enterprises.{code}.2023"), b, 0.5
        )
        cal.check(
            f"T1.vat_enterprises.{code}.change_pct.BE2",
            printed(f"T1.vat_enterprises.{code}.change_pct.BE2"),
            100 * (fb / fa - 1),
            0.05,
        )
    return outputs


def statbel_vat_starters(cal: Calibration) -> list[Output]:
    facts = read_facts("statbel_vat_starters_stoppers_by_province.csv")
    cells = []
    for r in facts:
        section = r["nace_section"]
        if section == "ALL":
            label = None  # be.STAT: a null dimension is the total over it
        elif section == "X":
            label = "Onbekende economische activiteit"
        else:
            label = f"{section} {NACE_SECTIONS[section][0]}"
        cells.append(
            {
                "Jaar": r["year"],
                "Provincie": PROVINCE_NAMES[int(r["refnis_province"])][0],
                "Sectie": label,
                "Aantal oprichtingen": int(r["starters"]),
            }
        )
    payload = bestat_json(cells)

    def starters(refnis: set[int], year: int) -> int:
        return sum(
            int(r["starters"])
            for r in facts
            if int(r["year"]) == year and int(r["refnis_province"]) in refnis
            and r["nace_section"] == "ALL"
        )  # fmt: skip

    for region, refnis in (("", {70000}), (".BE2", set(FLEMISH_PROVINCES))):
        for a, b in ((2013, 2018), (2018, 2023)):
            fid = f"X.vat_starters_growth.{a}-{b}{region}"
            cagr = 100 * ((starters(refnis, b) / starters(refnis, a)) ** (1 / (b - a)) - 1)
            cal.check(fid, printed(fid), cagr, 0.05)
    return [
        Output(
            source_id="statbel_vat_starters",
            path="statbel/bestat_vat_starters.json",
            generator=GENERATOR,
            payload=payload,
            modelled_series=[],
            note="Published figures, as a be.STAT view result (first registrations by year, "
            "province and section). 2025 is provisional: estimated from monthly totals, its "
            "sections do not add up to the total.",
        )
    ]
