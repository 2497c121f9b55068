"""The modelled NBB series as an SDMX-JSON 2.0 data message of dataflow BE2,DF_REGACA38,1.0, as
NBB.Stat's .Stat Suite serves it."""

from __future__ import annotations

import json

import numpy as np

from tools.snapshot_generator.outputs import RETRIEVED_AT
from tools.snapshot_generator.structure import NBB_NUTS, YEARS

PROVISIONAL_YEARS = {2022, 2023}  # NBB's latest regional-accounts years are provisional


# --- SDMX-JSON 2.0 output ------------------------------------------------------------------

ITEMS = {
    "EMPLOY": ("Number of employees", "NP"),
    "HRWEMP": ("Number of hours worked : Employees", "AB"),
    "HRWTOT": ("Number of hours worked : Total employment", "AB"),
    "B1G000": ("Gross value added at basic prices (B.1g)", "CU"),
    "B1QCAP": ("Gross domestic product per resident", "EU"),
    "POPULA": ("Average population in units", "NP"),
}
NUTS_LABELS = {
    "000": "Belgium",
    "200": "Flemish region",
    "210": "Antwerp (province)",
    "220": "Limburg",
    "230": "East Flanders",
    "240": "Flemish Brabant",
    "250": "West Flanders",
}
UNIT_LABELS = {
    "AB": "Thousand hours",
    "CU": "Current prices in millions of euro",
    "EU": "Euros",
    "NP": "Number of persons",
}
BRANCH_LABELS = {
    "TOT": "Total",
    "C": "Manufacturing (C)",
    "AA": "Agriculture, forestry and fishing (AA)",
    "BB": "Mining and quarrying (BB)",
    "CA": "Manufacture of food products, beverages and tobacco products (CA)",
    "CB": "Manufacture of textiles, wearing apparel and leather products (CB)",
    "CC": "Manufacture of wood and paper products, and printing (CC)",
    "CD": "Manufacture of coke and refined petroleum products (CD)",
    "CE": "Manufacture of chemicals and chemical products (CE)",
    "CF": "Manufacture of basic pharmaceutical products and pharmaceutical preparations (CF)",
    "CG": "Manufacture of rubber and plastics products, and other non-metallic mineral products "
    "(CG)",
    "CH": "Manufacture of basic metals and fabricated metal products, except machinery and "
    "equipment (CH)",
    "CI": "Manufacture of computer, electronic and optical products (CI)",
    "CJ": "Manufacture of electrical equipment (CJ)",
    "CK": "Manufacture of machinery and equipment n.e.c. (CK)",
    "CL": "Manufacture of transport equipment (CL)",
    "CM": "Manufacture of furniture; other manufacturing; repair and installation of machinery "
    "and equipment (CM)",
    "DD": "Electricity, gas, steam and air-conditioning supply (DD)",
    "EE": "Water supply; sewerage, waste management and remediation activities (EE)",
    "FF": "Construction (FF)",
    "GG": "Wholesale and retail trade, repair of motor vehicles and motorcycles (GG)",
    "HH": "Transportation and storage (HH)",
    "II": "Accommodation and food service activities (II)",
    "JA": "Publishing, audiovisual and broadcasting activities (JA)",
    "JB": "Telecommunications (JB)",
    "JC": "Computer programming, consultancy and related activities; information service "
    "activities (JC)",
    "KK": "Financial and insurance activities (KK)",
    "LL": "Real estate activities (LL)",
    "MA": "Legal and accounting activities; activities of head offices; management consultancy "
    "activities; architecture and engineering activities; technical testing and analysis "
    "(MA)",
    "MB": "Scientific research and development (MB)",
    "MC": "Advertising and market research; other professional, scientific and technical "
    "activities; veterinary activities (MC)",
    "NN": "Administrative and support service activities (NN)",
    "OO": "Public administration and defence; compulsory social security (OO)",
    "PP": "Education (PP)",
    "QA": "Human health activities (QA)",
    "QB": "Social work activities (QB)",
    "RR": "Arts, entertainment and recreation (RR)",
    "SS": "Other service activities (SS)",
    "TT": "Activities of households as employers of domestic personnel and undifferentiated "
    "goods and services production of households for own use (TT)",
    "UU": "Extraterritorial activities and bodies (UU)",
    "29": "Manufacture of motor vehicles, trailers and semi-trailers (29)",
    "30": "Manufacture of other transport equipment (30)",
    "73": "Advertising and market research (73)",
    "74_75": "Other professional, scientific and technical activities; veterinary activities "
    "(74-75)",
}


def _codes(values: list[str], labels: dict[str, str]) -> list[dict]:
    return [
        {"id": v, "order": i, "name": labels[v], "names": {"en": labels[v]}}
        for i, v in enumerate(values)
    ]


STATUS_CODES = ["A", "P"]


def to_sdmx_json(series: dict[tuple[str, str, str], np.ndarray]) -> bytes:
    items, nuts, branches = list(ITEMS), list(NBB_NUTS), list(BRANCH_LABELS)
    units = sorted({unit for _, unit in ITEMS.values()})
    dims = [
        ("FREQ", "Frequency", _codes(["A"], {"A": "Annual"})),
        ("ITEM", "Item", _codes(items, {k: v[0] for k, v in ITEMS.items()})),
        ("NUTS", "NUTS", _codes(nuts, NUTS_LABELS)),
        ("BRANCH", "Branch of activity", _codes(branches, BRANCH_LABELS)),
        ("UNIT", "Unit", _codes(units, UNIT_LABELS)),
        ("SECTOR", "Institutional sector", _codes(["S1"], {"S1": "Total economy"})),
    ]
    out_series = {}
    for (nuts_code, item, branch), values in sorted(
        series.items(),
        key=lambda kv: (items.index(kv[0][1]), nuts.index(kv[0][0]), branches.index(kv[0][2])),
    ):
        position = (
            0,
            items.index(item),
            nuts.index(nuts_code),
            branches.index(branch),
            units.index(ITEMS[item][1]),
            0,
        )
        out_series[":".join(map(str, position))] = _series(item, values)
    message = {
        "meta": {
            "schema": "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/data-message/"
            "tools/schemas/2.0.0/sdmx-json-data-schema.json",
            "id": "IREF-SNAPSHOT-DF_REGACA38",
            "prepared": RETRIEVED_AT,
            "test": False,
            "contentLanguages": ["en"],
            "sender": {
                "id": "disseminate_-_DotStat_v8",
                "name": "unknown",
                "names": {"en": "unknown"},
            },
        },
        "data": {
            "dataSets": [
                {
                    "structure": 0,
                    "action": "Information",
                    "links": [
                        {
                            "urn": "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure="
                            "BE2:DSD_REGACA38(1.0)",
                            "rel": "DataStructure",
                        }
                    ],
                    "annotations": [],
                    "series": out_series,
                }
            ],
            "structures": [_structure(dims)],
        },
        "errors": [],
    }
    return (json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _series(item: str, values: np.ndarray) -> dict:
    decimals = 0 if item in ("EMPLOY", "POPULA", "B1QCAP") else 1
    observations = {}
    for y, year in enumerate(YEARS):
        value = round(float(values[y]), decimals)
        value = int(value) if decimals == 0 else value
        observations[str(y)] = [
            value,
            STATUS_CODES.index("P" if year in PROVISIONAL_YEARS else "A"),
        ]
    return {"attributes": [], "annotations": [], "observations": observations}


def _structure(dims: list[tuple[str, str, list[dict]]]) -> dict:
    return {
        "name": "Variables by industry A38 – NUTS 2",
        "names": {"en": "Variables by industry A38 – NUTS 2"},
        "dimensions": {
            "dataSet": [],
            "series": [
                {
                    "id": dim_id,
                    "name": name,
                    "names": {"en": name},
                    "keyPosition": i,
                    "roles": [dim_id],
                    "values": values,
                }
                for i, (dim_id, name, values) in enumerate(dims)
            ],
            "observation": [
                {
                    "id": "TIME_PERIOD",
                    "name": "Time period",
                    "names": {"en": "Time period"},
                    "keyPosition": len(dims),
                    "roles": ["TIME_PERIOD"],
                    "values": [
                        {
                            "start": f"{y}-01-01T00:00:00",
                            "end": f"{y}-12-31T00:00:00",
                            "id": str(y),
                            "name": str(y),
                            "names": {"en": str(y)},
                        }
                        for y in YEARS
                    ],
                }
            ],
        },
        "attributes": {
            "dataSet": [],
            "dimensionGroup": [],
            "series": [],
            "observation": [
                {
                    "id": "OBS_STATUS",
                    "name": "Observation status",
                    "names": {"en": "Observation status"},
                    "roles": ["OBS_STATUS"],
                    "relationship": {"observation": {}},
                    "values": [
                        {"id": "A", "order": 0, "name": "Normal", "names": {"en": "Normal"}},
                        {
                            "id": "P",
                            "order": 1,
                            "name": "Provisional",
                            "names": {"en": "Provisional"},
                        },
                    ],
                }
            ],
        },
        "annotations": [],
        "dataSets": [0],
    }
