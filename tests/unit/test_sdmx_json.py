"""SDMX-JSON 2.0 parser: hand-written messages in NBB's shape, and NBB's real DF_EXR message."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from extract.errors import SourceFormatError
from extract.formats.sdmx_json import parse_sdmx_json
from warehouse.config import PROJECT_ROOT

REFERENCE_FORMATS = PROJECT_ROOT.parent / "shared" / "reference" / "formats"
NBB_DIMS = ["FREQ", "ITEM", "NUTS", "BRANCH", "UNIT", "SECTOR"]
FILENAME = "nbb/BE2_DF_REGACA38_1.0.json"

CODES = {
    "FREQ": ["A"],
    "ITEM": ["EMPLOY", "B1G000"],
    "NUTS": ["200", "220"],
    "BRANCH": ["TOT", "C", "CA"],
    "UNIT": ["NP", "CU"],
    "SECTOR": ["S1"],
}
YEARS = ["2013", "2014", "2015"]


def _dimension(dim_id: str, codes: list[str], position: int) -> dict[str, Any]:
    return {
        "id": dim_id,
        "name": dim_id.title(),
        "names": {"en": dim_id.title()},
        "keyPosition": position,
        "roles": [dim_id],
        "values": [
            {"id": c, "order": i, "name": c, "names": {"en": c}} for i, c in enumerate(codes)
        ],
    }


def _structure(dims: list[str] | None = None) -> dict[str, Any]:
    dims = dims or NBB_DIMS
    codes = [CODES.get(d, CODES["BRANCH"]) for d in dims]
    return {
        "name": "Variables by industry A38 - NUTS 2",
        "names": {"en": "Variables by industry A38 - NUTS 2"},
        "dimensions": {
            "dataSet": [],
            "series": [
                _dimension(d, c, i) for i, (d, c) in enumerate(zip(dims, codes, strict=True))
            ],
            "observation": [
                {
                    **_dimension("TIME_PERIOD", YEARS, len(dims)),
                    "roles": ["TIME_PERIOD"],
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
                    "roles": ["OBS_STATUS"],
                    "relationship": {"observation": {}},
                    "values": [{"id": "A"}, {"id": "P"}, {"id": "E"}],
                }
            ],
        },
        "annotations": [],
        "dataSets": [0],
    }


def nbb_message(**overrides: Any) -> dict[str, Any]:
    """A small DF_REGACA38-shaped message: 2 series, 5 observations (one missing value)."""
    message = {
        "meta": {
            "schema": "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/data-message/"
            "tools/schemas/2.0.0/sdmx-json-data-schema.json",
            "id": "IREF000001",
            "prepared": "2026-11-27T00:00:00Z",
            "contentLanguages": ["en"],
            "sender": {"id": "disseminate_-_DotStat_v8"},
        },
        "data": {
            "dataSets": [
                {
                    "structure": 0,
                    "action": "Information",
                    "annotations": [],
                    "dimensionGroupAttributes": {"~:~:~:~:~:~": [0]},
                    "series": {
                        # A.EMPLOY.220.TOT.NP.S1
                        "0:0:1:0:0:0": {
                            "attributes": [],
                            "annotations": [],
                            "observations": {
                                "0": [1000.0, 0],
                                "1": [1010.5, 1],
                                "2": [None, None],
                            },
                        },
                        # A.B1G000.200.CA.CU.S1: second observation omits its attribute
                        "0:1:0:2:1:0": {
                            "attributes": [],
                            "observations": {"0": [12.5, 2], "1": [13]},
                        },
                    },
                }
            ],
            "structures": [_structure()],
        },
        "errors": [],
    }
    message.update(overrides)
    return message


def encode(message: Any) -> bytes:
    return json.dumps(message).encode("utf-8")


def parse(data: bytes, **kwargs: Any):
    return parse_sdmx_json(data, source_id="nbb_regaca38", filename=FILENAME, **kwargs)


def parse_error(data: bytes, **kwargs: Any) -> str:
    with pytest.raises(SourceFormatError) as info:
        parse(data, **kwargs)
    message = str(info.value)
    assert "nbb_regaca38" in message
    assert FILENAME in message
    return message


# --- good messages ------------------------------------------------------------------------


def test_parses_nbb_shaped_message() -> None:
    ds = parse(encode(nbb_message()), expected_dimensions=NBB_DIMS)
    assert ds.dimension_ids == (*NBB_DIMS, "TIME_PERIOD")
    assert ds.key_dimension_ids == tuple(NBB_DIMS)
    assert ds.time_dimension_id == "TIME_PERIOD"
    assert ds.attribute_ids == ("OBS_STATUS",)
    assert ds.columns == (*NBB_DIMS, "TIME_PERIOD", "OBS_VALUE", "OBS_STATUS")
    assert ds.series_count == 2
    assert len(ds) == 5
    records = list(ds.records())
    assert records[0] == {
        "FREQ": "A",
        "ITEM": "EMPLOY",
        "NUTS": "220",
        "BRANCH": "TOT",
        "UNIT": "NP",
        "SECTOR": "S1",
        "TIME_PERIOD": "2013",
        "OBS_VALUE": 1000.0,
        "OBS_STATUS": "A",
    }
    assert [r["OBS_STATUS"] for r in records] == ["A", "P", None, "E", None]
    assert [r["OBS_VALUE"] for r in records] == [1000.0, 1010.5, None, 12.5, 13.0]
    assert isinstance(records[-1]["OBS_VALUE"], float)
    assert ds.series_keys()[0] == "A.EMPLOY.220.TOT.NP.S1"
    assert ds.series_keys()[-1] == "A.B1G000.200.CA.CU.S1"
    assert ds.column("TIME_PERIOD") == ["2013", "2014", "2015", "2013", "2014"]


def test_expected_dimensions_may_include_time_period() -> None:
    ds = parse(encode(nbb_message()), expected_dimensions=[*NBB_DIMS, "TIME_PERIOD"])
    assert len(ds) == 5


def test_omitted_attribute_takes_the_declared_default() -> None:
    message = nbb_message()
    message["data"]["structures"][0]["attributes"]["observation"][0]["default"] = "A"
    ds = parse(encode(message))
    assert [r["OBS_STATUS"] for r in ds.records()] == ["A", "P", None, "E", "A"]


def test_series_and_dataset_attributes_are_resolved() -> None:
    message = nbb_message()
    structure = message["data"]["structures"][0]
    structure["attributes"]["series"] = [
        {"id": "UNIT_MULT", "values": [{"id": "0"}, {"id": "6"}]},
        {"id": "DECIMALS", "values": [{"id": "1"}]},
    ]
    structure["attributes"]["dataSet"] = [{"id": "EMBARGO", "values": [{"id": "NONE"}]}]
    dataset = message["data"]["dataSets"][0]
    dataset["attributes"] = [0]
    dataset["series"]["0:0:1:0:0:0"]["attributes"] = [0, None]
    dataset["series"]["0:1:0:2:1:0"]["attributes"] = [1]
    ds = parse(encode(message))
    assert ds.attribute_ids == ("OBS_STATUS", "UNIT_MULT", "DECIMALS", "EMBARGO")
    records = list(ds.records())
    assert (records[0]["UNIT_MULT"], records[0]["DECIMALS"], records[0]["EMBARGO"]) == (
        "0",
        None,
        "NONE",
    )
    assert (records[-1]["UNIT_MULT"], records[-1]["DECIMALS"]) == ("6", None)


def test_several_structures_and_datasets() -> None:
    message = nbb_message()
    data = message["data"]
    second = copy.deepcopy(data["dataSets"][0])
    second["structure"] = 1
    second["series"] = {"0:0:0:1:0:0": {"observations": {"2": [5.0, 0]}}}
    data["dataSets"].append(second)
    data["structures"].append(_structure())
    ds = parse(encode(message))
    assert len(ds) == 6
    assert ds.series_keys()[-1] == "A.EMPLOY.200.C.NP.S1"
    assert ds.series_count == 3


def test_flat_observations_view() -> None:
    message = nbb_message()
    structure = message["data"]["structures"][0]
    series_dims = structure["dimensions"]["series"]
    structure["dimensions"]["observation"] = [*series_dims, *structure["dimensions"]["observation"]]
    structure["dimensions"]["series"] = []
    dataset = message["data"]["dataSets"][0]
    del dataset["series"]
    dataset["observations"] = {"0:0:1:0:0:0:1": [7.0, 1]}
    ds = parse(encode(message), expected_dimensions=NBB_DIMS)
    assert list(ds.records()) == [
        {
            "FREQ": "A",
            "ITEM": "EMPLOY",
            "NUTS": "220",
            "BRANCH": "TOT",
            "UNIT": "NP",
            "SECTOR": "S1",
            "TIME_PERIOD": "2014",
            "OBS_VALUE": 7.0,
            "OBS_STATUS": "P",
        }
    ]


def test_empty_dataset_gives_no_rows_but_the_columns() -> None:
    message = nbb_message()
    message["data"]["dataSets"] = []
    ds = parse(encode(message), expected_dimensions=NBB_DIMS)
    assert len(ds) == 0
    assert ds.dimension_ids == (*NBB_DIMS, "TIME_PERIOD")


# --- errors ---------------------------------------------------------------------------------


def test_html_page_is_rejected() -> None:
    page = (
        b"<!DOCTYPE html>\n<html><head><title>Request Rejected</title></head>"
        b"<body>The requested URL was rejected.</body></html>"
    )
    message = parse_error(page)
    assert "got HTML, not SDMX-JSON" in message
    assert "Request Rejected" in message


def test_xml_is_rejected() -> None:
    message = parse_error(b'<?xml version="1.0"?><message:StructureSpecificData/>')
    assert "got XML" in message


def test_empty_file_is_rejected() -> None:
    assert "empty file" in parse_error(b"")


def test_truncated_json_says_where() -> None:
    data = encode(nbb_message())
    cut = data[: len(data) // 2]
    message = parse_error(cut)
    assert "truncated JSON" in message
    assert "line 1, column" in message


def test_truncated_inside_a_string() -> None:
    message = parse_error(b'{"meta": {"id": "IREF')
    assert "truncated JSON" in message


def test_invalid_json_in_the_middle() -> None:
    message = parse_error(b'{"data": {"dataSets": [}, "x": 1}')
    assert "invalid JSON" in message
    assert "line 1, column" in message


def test_missing_structures() -> None:
    message = nbb_message()
    del message["data"]["structures"]
    text = parse_error(encode(message))
    assert "data.structures" in text
    assert "missing" in text


def test_sdmx_json_1_structure_is_named() -> None:
    message = nbb_message()
    message["data"]["structure"] = message["data"].pop("structures")[0]
    assert "SDMX-JSON 1.0" in parse_error(encode(message))


def test_error_message_without_data_reports_server_error() -> None:
    message = {"meta": {}, "errors": [{"code": 100, "title": "No results found"}]}
    text = parse_error(encode(message))
    assert "missing 'data'" in text
    assert "No results found" in text


def test_renamed_dimension_is_named() -> None:
    message = nbb_message()
    message["data"]["structures"][0] = _structure(
        ["FREQ", "ITEM", "NUTS", "ACTIVITY", "UNIT", "SECTOR"]
    )
    text = parse_error(encode(message), expected_dimensions=NBB_DIMS)
    assert "unexpected dimension set" in text
    assert "missing BRANCH" in text
    assert "unexpected ACTIVITY" in text


def test_missing_dimension_is_named() -> None:
    message = nbb_message()
    message["data"]["structures"][0] = _structure(["FREQ", "ITEM", "NUTS", "BRANCH", "UNIT"])
    text = parse_error(encode(message), expected_dimensions=NBB_DIMS)
    assert "missing SECTOR" in text


def test_reordered_dimensions_are_reported() -> None:
    message = nbb_message()
    message["data"]["structures"][0] = _structure(
        ["FREQ", "NUTS", "ITEM", "BRANCH", "UNIT", "SECTOR"]
    )
    text = parse_error(encode(message), expected_dimensions=NBB_DIMS)
    assert "another order" in text


def test_series_key_with_wrong_number_of_positions() -> None:
    message = nbb_message()
    series = message["data"]["dataSets"][0]["series"]
    series["0:0:1:0:0"] = series.pop("0:0:1:0:0:0")
    text = parse_error(encode(message))
    assert "'0:0:1:0:0'" in text
    assert "5 positions" in text
    assert "6 series dimensions" in text


def test_series_key_index_out_of_range() -> None:
    message = nbb_message()
    series = message["data"]["dataSets"][0]["series"]
    series["0:0:7:0:0:0"] = series.pop("0:0:1:0:0:0")
    text = parse_error(encode(message))
    assert "position 2 (NUTS) is 7, out of range" in text
    assert "NUTS has 2 values" in text


def test_observation_index_out_of_range() -> None:
    message = nbb_message()
    message["data"]["dataSets"][0]["series"]["0:0:1:0:0:0"]["observations"]["9"] = [1.0, 0]
    text = parse_error(encode(message))
    assert "A.EMPLOY.220.TOT.NP.S1" in text
    assert "TIME_PERIOD" in text
    assert "out of range" in text


def test_attribute_index_out_of_range() -> None:
    message = nbb_message()
    message["data"]["dataSets"][0]["series"]["0:0:1:0:0:0"]["observations"]["0"] = [1.0, 5]
    text = parse_error(encode(message))
    assert "OBS_STATUS index 5 is out of range" in text


def test_non_numeric_value() -> None:
    message = nbb_message()
    message["data"]["dataSets"][0]["series"]["0:0:1:0:0:0"]["observations"]["1"] = ["n/a", 0]
    text = parse_error(encode(message))
    assert "non-numeric value" in text
    assert "n/a" in text
    assert "observations['1']" in text
    assert "A.EMPLOY.220.TOT.NP.S1" in text


def test_nan_literal_is_non_numeric() -> None:
    data = encode(nbb_message()).replace(b"[1010.5, 1]", b"[NaN, 1]")
    assert "non-numeric value NaN" in parse_error(data)


def test_duplicate_observation_key_in_the_text() -> None:
    data = encode(nbb_message()).replace(b'"1": [1010.5, 1]', b'"0": [1010.5, 1]')
    text = parse_error(data)
    assert "duplicate observation" in text
    assert "'0'" in text


def test_duplicate_observation_across_datasets() -> None:
    message = nbb_message()
    message["data"]["dataSets"].append(copy.deepcopy(message["data"]["dataSets"][0]))
    text = parse_error(encode(message))
    assert "duplicate observation A.EMPLOY.220.TOT.NP.S1.2013" in text
    assert "data.dataSets[1]" in text


def test_dataset_structure_index_out_of_range() -> None:
    message = nbb_message()
    message["data"]["dataSets"][0]["structure"] = 3
    assert "structure index 3 is out of range" in parse_error(encode(message))


def test_error_is_a_value_error_with_fields() -> None:
    with pytest.raises(ValueError) as info:
        parse(b"<html><body>blocked</body></html>")
    err = info.value
    assert isinstance(err, SourceFormatError)
    assert (err.source_id, err.filename) == ("nbb_regaca38", FILENAME)
    assert "HTML" in err.problem


# --- NBB's real message ----------------------------------------------------------------------


def _reference(name: str) -> Path:
    path = REFERENCE_FORMATS / name
    if not path.exists():
        pytest.skip(f"reference file not available: {path}")
    return path


def test_real_nbb_exr_message() -> None:
    path = _reference("nbb_sdmx_json_2_0_response_DF_EXR.json")
    ds = parse_sdmx_json(path.read_bytes(), source_id="nbb_exr", filename=path.name)
    assert ds.dimension_ids == ("FREQ", "EXR_CURRENCY", "TIME_PERIOD")
    assert ds.attribute_ids == ("OBS_STATUS", "DECIMALS")
    assert ds.series_count == 199
    assert len(ds) == 597
    by_key = {(r["FREQ"], r["EXR_CURRENCY"], r["TIME_PERIOD"]): r for r in ds.records()}
    usd_2024 = by_key[("A", "USD", "2024")]
    assert usd_2024["OBS_VALUE"] == pytest.approx(1.0824)
    assert usd_2024["OBS_STATUS"] == "A"
    assert usd_2024["DECIMALS"] == "4"
    assert by_key[("M", "AUD", "2026-03")]["OBS_VALUE"] == pytest.approx(1.6469909090909)
    # Expecting NBB's regional dimensions on this message must fail and name them.
    with pytest.raises(SourceFormatError, match="missing ITEM, NUTS, BRANCH, UNIT, SECTOR"):
        parse_sdmx_json(
            path.read_bytes(), source_id="nbb_exr", filename=path.name, expected_dimensions=NBB_DIMS
        )
