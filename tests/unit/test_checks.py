"""Response checks: the publishers' real captured messages pass and give their schema
fingerprint; HTML, cut-off bodies, unsafe ZIPs and changed schemas are refused by name."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import pytest

from extract.catalog import load_catalog
from extract.checks import check_body, compare_fingerprints
from extract.formats.sniffing import Fingerprint, safe_unzip
from extract.http import FetchError
from extract.snapshot import load_manifest
from warehouse.config import PROJECT_ROOT

# ../shared beside the clone (or beside the folder of worktrees that holds it).
REFERENCE_FORMATS = next(
    (
        p / "shared" / "reference" / "formats"
        for p in (PROJECT_ROOT.parent, PROJECT_ROOT.parent.parent)
        if (p / "shared" / "reference" / "formats").is_dir()
    ),
    PROJECT_ROOT.parent / "shared" / "reference" / "formats",
)
CATALOG = load_catalog()
URL = "https://example.test/data"


def reference(name: str) -> bytes:
    path = REFERENCE_FORMATS / name
    if not path.exists():
        pytest.skip(f"reference message not present: {path}")
    return path.read_bytes()


def test_real_nbb_message_passes_and_gives_its_dimensions() -> None:
    body = reference("nbb_sdmx_json_2_0_response_DF_EXR.json")
    # DF_EXR is another dataflow: same checks, without DF_REGACA38's expected dimensions.
    dataset = dataclasses.replace(CATALOG.get("nbb_regaca38"), dimensions=None)
    checked = check_body(dataset, URL, body, content_type="application/vnd.sdmx.data+json")
    assert checked.fingerprint.kind == "dimensions"
    assert "TIME_PERIOD" in checked.fingerprint.names
    with pytest.raises(FetchError) as caught:
        check_body(dataset, URL, body[: len(body) // 2])
    assert caught.value.fault == "truncated"


def test_real_eurostat_json_stat_passes_and_gives_its_id_list() -> None:
    body = reference("eurostat_jsonstat_2_0_response_nama_10r_3empers_2018.json")
    dataset = CATALOG.get("eurostat_employment_rate")
    checked = check_body(dataset, URL, body, content_type="application/json")
    assert checked.fingerprint == Fingerprint(
        "dimensions", ("freq", "unit", "wstatus", "nace_r2", "geo", "time")
    )
    with pytest.raises(FetchError, match="truncated"):
        check_body(dataset, URL, body[:-200])


def test_wrong_content_type_is_refused() -> None:
    dataset = CATALOG.get("statbel_vat_enterprises")
    with pytest.raises(FetchError, match="content type 'image/png'"):
        check_body(dataset, URL, b"PK...", content_type="image/png")


def test_compare_fingerprints_names_the_change() -> None:
    dataset = CATALOG.get("eurostat_employment_rate")
    old = Fingerprint("dimensions", ("freq", "unit", "geo", "time"))
    compare_fingerprints(dataset, URL, old, old)
    compare_fingerprints(dataset, URL, None, old)
    with pytest.raises(FetchError, match="dimension 'geo' renamed to 'region'"):
        compare_fingerprints(
            dataset, URL, old, Fingerprint("dimensions", ("freq", "unit", "region", "time"))
        )
    with pytest.raises(FetchError, match="new dimension\\(s\\) 'sex'"):
        compare_fingerprints(dataset, URL, old, Fingerprint("dimensions", (*old.names, "sex")))
    with pytest.raises(FetchError, match="another order"):
        compare_fingerprints(dataset, URL, old, Fingerprint("dimensions", old.names[::-1]))


def _zip(infos: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for info, payload in infos:
            zf.writestr(info, payload)
    return buf.getvalue()


@pytest.mark.parametrize("name", ["../x.txt", "/etc/x.txt", "a/../../x.txt", "C:/x.txt", "..\\x"])
def test_zip_member_outside_its_folder_is_refused(name: str) -> None:
    with pytest.raises(FetchError, match="outside its folder"):
        safe_unzip("s", URL, _zip([(name, b"a|b\n")]))


def test_zip_symlink_is_refused() -> None:
    info = zipfile.ZipInfo("link.txt")
    info.external_attr = 0o120777 << 16
    with pytest.raises(FetchError, match="symbolic link"):
        safe_unzip("s", URL, _zip([(info, b"/etc/passwd")]))


def test_zip_unpacked_size_is_capped_before_inflating() -> None:
    body = _zip([("big.txt", b"0" * 2_000_000)])
    with pytest.raises(FetchError, match="over the cap"):
        safe_unzip("s", URL, body, max_unpacked=1_000_000)
    assert safe_unzip("s", URL, body)["big.txt"] == b"0" * 2_000_000


def test_cut_off_zip_is_truncated() -> None:
    body = _zip([("a.txt", b"a|b\n1|2\n" * 100)])
    with pytest.raises(FetchError) as caught:
        safe_unzip("s", URL, body[: len(body) - 30])
    assert caught.value.fault == "truncated"


def test_no_test_file_is_committed_from_shared() -> None:
    # The captured messages are other projects' files: read from ../shared, never copied in.
    names = {p.name for p in Path(PROJECT_ROOT).rglob("*.json") if ".venv" not in p.parts}
    assert "nbb_sdmx_json_2_0_response_DF_EXR.json" not in names


_SNAPSHOT = load_manifest()


@pytest.mark.parametrize("entry", _SNAPSHOT.files, ids=lambda e: e.path)
def test_every_embedded_file_passes_the_live_checks(entry) -> None:
    """A publisher serving the snapshot's file (every format with a loader) is accepted, with a
    fingerprint naming its schema; the same file once more compares equal."""
    dataset = CATALOG.get(entry.source_id)
    checked = check_body(dataset, URL, _SNAPSHOT.read_bytes(entry), filename=entry.path)
    assert checked.fingerprint.names and all(checked.fingerprint.names)
    compare_fingerprints(dataset, URL, checked.fingerprint, checked.fingerprint)


def test_be_stat_view_with_a_renamed_label_is_refused() -> None:
    (entry,) = _SNAPSHOT.entries("statbel_vat_starters")
    dataset = CATALOG.get(entry.source_id)
    body = _SNAPSHOT.read_bytes(entry)
    good = check_body(dataset, URL, body).fingerprint
    assert good.kind == "columns" and "Aantal oprichtingen" in good.names
    renamed = check_body(dataset, URL, body.replace(b'"Provincie"', b'"Provincie (zetel)"'))
    with pytest.raises(FetchError, match="'Provincie' renamed to 'Provincie \\(zetel\\)'"):
        compare_fingerprints(dataset, URL, good, renamed.fingerprint)
