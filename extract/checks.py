"""Checks on a fetched (or dropped-in) file before it may enter the raw store.

A file is accepted only if:
- its content type fits the dataset's format (when the server names one);
- its body is what the format promises: not empty, not an HTML page (NBB's firewall answers
  HTTP 200 with one), not cut off (JSON that ends inside a value, a ZIP without its central
  directory or with a bad CRC);
- ZIPs unpack safely: no absolute member path, no `..`, no link, and a cap on the unpacked
  size (a zip bomb is refused before it is inflated);
- its schema fingerprint (SDMX-JSON dimension ids, JSON-stat `id` list, CSV/TXT column names,
  the Excel header row) equals the last good one of the same source, or names what changed.

This module only sniffs the formats; reading their values is the parsers' job (`extract/*.py`,
registered in `warehouse/load.py`). SDMX-JSON is the exception: its parser is run in full, so
an NBB message that would not load is refused here already.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.etree import ElementTree

from extract.catalog import Dataset
from extract.errors import SourceFormatError
from extract.http import FetchError
from extract.sdmx_json import parse_sdmx_json

__all__ = [
    "MAX_UNPACKED_BYTES",
    "CheckedFile",
    "Fingerprint",
    "check_body",
    "compare_fingerprints",
    "fingerprint",
    "safe_unzip",
]

MAX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_MEMBERS = 1000

# Content types each format may come with (lower case, parameters stripped). A server that
# names none is judged by the body alone.
CONTENT_TYPES = {
    "sdmx-json-2.0": ("application/vnd.sdmx.data+json", "application/json", "text/json"),
    "json-stat-2.0": ("application/json", "text/json", "application/vnd.json-stat+json"),
    "sdmx-csv": ("application/vnd.sdmx.data+csv", "text/csv", "text/plain"),
    "statbel-txt-zip": (
        "application/zip",
        "application/x-zip-compressed",
        "application/octet-stream",
        "application/x-zip",
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/octet-stream",
        "application/zip",
        "application/vnd.ms-excel",
    ),
    "be-stat-csv": ("text/csv", "text/plain", "application/csv", "application/octet-stream"),
}
# The publishers' own Excel layouts (RSZ's table, Arvastat's export) are workbooks like any
# other: the same content types and the same sniff.
EXCEL_FORMATS = ("xlsx", "rsz-xlsx", "arvastat-xlsx")
for _fmt in EXCEL_FORMATS[1:]:
    CONTENT_TYPES[_fmt] = CONTENT_TYPES["xlsx"]

_HTML = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)


@dataclass(frozen=True)
class Fingerprint:
    """The names a file's schema is made of, and what kind of names they are."""

    kind: str  # "dimensions" | "columns" | "header row"
    names: tuple[str, ...]

    def to_json(self) -> dict:
        return {"kind": self.kind, "names": list(self.names)}

    @classmethod
    def from_json(cls, raw: dict) -> Fingerprint:
        return cls(kind=str(raw["kind"]), names=tuple(str(n) for n in raw["names"]))


@dataclass(frozen=True)
class CheckedFile:
    body: bytes
    fingerprint: Fingerprint
    members: tuple[str, ...] = ()  # ZIP members, when the file is an archive


def _reject(dataset: Dataset, url: str, fault: str, problem: str) -> FetchError:
    return FetchError(dataset.id, url, fault, problem)


def check_content_type(dataset: Dataset, url: str, content_type: str | None) -> None:
    if not content_type:
        return
    media = content_type.split(";")[0].strip().lower()
    if media in ("text/html", "application/xhtml+xml"):
        raise _reject(dataset, url, "html", f"served as {media}, not {dataset.format}")
    allowed = CONTENT_TYPES.get(dataset.format, ())
    if allowed and media not in allowed:
        raise _reject(
            dataset,
            url,
            "content-type",
            f"content type {media!r} does not fit format {dataset.format} "
            f"(expected one of {', '.join(allowed)})",
        )


def check_body(
    dataset: Dataset,
    url: str,
    body: bytes,
    *,
    content_type: str | None = None,
    filename: str | None = None,
    max_unpacked: int = MAX_UNPACKED_BYTES,
) -> CheckedFile:
    """Accept `body` as a file of `dataset`'s format, or raise FetchError naming the fault."""
    if not body.strip():
        raise _reject(dataset, url, "empty", f"empty body ({len(body)} bytes)")
    head = body[:4096].lstrip(b"\xef\xbb\xbf")
    if _HTML.match(head) or (head.lstrip()[:1] == b"<" and b"<html" in body[:65536].lower()):
        title = _TITLE.search(body[:65536])
        shown = ""
        if title:
            shown = " (page title: " + " ".join(title.group(1).decode("utf-8", "replace").split())
            shown = shown[:100] + ")"
        raise _reject(dataset, url, "html", f"got an HTML page, not {dataset.format}{shown}")
    check_content_type(dataset, url, content_type)
    name = filename or PurePosixPath(url.split("?")[0]).name or dataset.id
    fmt = dataset.format
    if fmt == "sdmx-json-2.0":
        return CheckedFile(body, _sdmx_json(dataset, url, body, name))
    if fmt == "json-stat-2.0":
        return CheckedFile(body, _json_stat(dataset, url, body))
    if fmt == "sdmx-csv":
        return CheckedFile(body, _delimited(dataset, url, body, name, ","))
    if fmt == "statbel-txt-zip":
        members = safe_unzip(dataset.id, url, body, max_unpacked=max_unpacked)
        texts = [m for m in members if m.lower().endswith((".txt", ".csv"))]
        if not texts:
            raise _reject(
                dataset, url, "format", f"ZIP holds no .txt/.csv file (members: {list(members)})"
            )
        first = texts[0]
        return CheckedFile(
            body, _delimited(dataset, url, members[first], first, "|"), tuple(members)
        )
    if fmt == "be-stat-csv":
        # be.STAT exports are ';'-separated; a ',' or tab export of the same view is accepted.
        first = body[:4096].decode("utf-8-sig", errors="replace").split("\n", 1)[0]
        sep = max(";,\t", key=first.count)
        return CheckedFile(body, _delimited(dataset, url, body, name, sep))
    if fmt in EXCEL_FORMATS:
        members = safe_unzip(dataset.id, url, body, max_unpacked=max_unpacked)
        return CheckedFile(body, _xlsx_header(dataset, url, members), tuple(members))
    raise _reject(dataset, url, "format", f"no check for format {fmt!r}")


# --- formats ----------------------------------------------------------------------------------


def _json(dataset: Dataset, url: str, body: bytes) -> object:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _reject(dataset, url, "format", f"not UTF-8 text at byte {exc.start}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated"):
            raise _reject(
                dataset,
                url,
                "truncated",
                f"JSON stops inside an open value at character {exc.pos} of {len(text)}",
            ) from None
        raise _reject(
            dataset, url, "format", f"invalid JSON at line {exc.lineno}: {exc.msg}"
        ) from None


def _sdmx_json(dataset: Dataset, url: str, body: bytes, name: str) -> Fingerprint:
    try:
        parsed = parse_sdmx_json(
            body, source_id=dataset.id, filename=name, expected_dimensions=dataset.dimensions
        )
    except SourceFormatError as exc:
        problem = exc.problem
        fault = "format"
        if "truncated" in problem:
            fault = "truncated"
        elif "HTML" in problem:
            fault = "html"
        elif "dimension set" in problem:
            fault = "schema"
        where = f" at {exc.location}" if exc.location else ""
        raise _reject(dataset, url, fault, f"{problem}{where}") from None
    if not parsed.rows:
        raise _reject(dataset, url, "empty", "SDMX-JSON message without observations")
    return Fingerprint("dimensions", parsed.dimension_ids)


def _json_stat(dataset: Dataset, url: str, body: bytes) -> Fingerprint:
    doc = _json(dataset, url, body)
    if not isinstance(doc, dict):
        raise _reject(dataset, url, "format", "JSON-stat: top level is not an object")
    if "error" in doc and "value" not in doc:
        raise _reject(
            dataset, url, "format", f"the API reports an error: {str(doc['error'])[:200]}"
        )
    if doc.get("class") != "dataset" or not str(doc.get("version", "")).startswith("2"):
        raise _reject(
            dataset,
            url,
            "format",
            f"not a JSON-stat 2.0 dataset (class {doc.get('class')!r}, "
            f"version {doc.get('version')!r})",
        )
    ids, size, dims = doc.get("id"), doc.get("size"), doc.get("dimension")
    if not (isinstance(ids, list) and isinstance(size, list) and isinstance(dims, dict)):
        raise _reject(dataset, url, "format", "JSON-stat: missing id, size or dimension")
    if len(ids) != len(size) or any(i not in dims for i in ids):
        raise _reject(dataset, url, "format", "JSON-stat: id, size and dimension disagree")
    if "value" not in doc:
        raise _reject(dataset, url, "format", "JSON-stat: no value")
    return Fingerprint("dimensions", tuple(str(i) for i in ids))


def _delimited(dataset: Dataset, url: str, data: bytes, name: str, sep: str) -> Fingerprint:
    text = data[:65536].decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise _reject(dataset, url, "empty", f"{name}: no header line")
    header = next(csv.reader(io.StringIO(lines[0]), delimiter=sep))
    columns = tuple(c.strip() for c in header)
    if len(columns) < 2:
        raise _reject(
            dataset, url, "format", f"{name}: header {lines[0][:80]!r} is not {sep!r}-separated"
        )
    if len(lines) < 2:
        raise _reject(dataset, url, "empty", f"{name}: a header and no data rows")
    return Fingerprint("columns", columns)


_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _xlsx_header(dataset: Dataset, url: str, members: dict[str, bytes]) -> Fingerprint:
    """The first non-empty row of the first worksheet, from the sheet XML (no Excel library)."""
    if "xl/workbook.xml" not in members:
        raise _reject(dataset, url, "format", "not an Excel workbook (no xl/workbook.xml)")
    sheets = sorted(m for m in members if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", m))
    if not sheets:
        raise _reject(dataset, url, "format", "Excel workbook without worksheets")
    shared: list[str] = []
    try:
        if "xl/sharedStrings.xml" in members:
            root = ElementTree.fromstring(members["xl/sharedStrings.xml"])
            for si in root.findall("m:si", _NS):
                shared.append("".join(t.text or "" for t in si.iter(f"{{{_NS['m']}}}t")))
        sheet = ElementTree.fromstring(members[sheets[0]])
    except ElementTree.ParseError as exc:
        raise _reject(dataset, url, "format", f"Excel XML does not parse: {exc}") from None
    for row in sheet.iter(f"{{{_NS['m']}}}row"):
        cells = []
        for c in row.findall("m:c", _NS):
            kind = c.get("t")
            v = c.find("m:v", _NS)
            if kind == "s" and v is not None and (v.text or "").isdigit():
                idx = int(v.text or 0)
                cells.append(shared[idx] if idx < len(shared) else "")
            elif kind == "inlineStr":
                cells.append("".join(t.text or "" for t in c.iter(f"{{{_NS['m']}}}t")))
            else:
                cells.append(v.text if v is not None and v.text else "")
        names = tuple(x.strip() for x in cells)
        if any(names):
            return Fingerprint("header row", names)
    raise _reject(dataset, url, "empty", f"worksheet {sheets[0]} has no rows")


# --- ZIP ----------------------------------------------------------------------------------------


def safe_unzip(
    source_id: str, url: str, body: bytes, *, max_unpacked: int = MAX_UNPACKED_BYTES
) -> dict[str, bytes]:
    """Members of a ZIP held in memory, refusing traversal, links and oversized content.

    Nothing is written to disk: the members come back as bytes, keyed by their (checked) name.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
    except zipfile.BadZipFile as exc:
        fault = "truncated" if body[:2] == b"PK" else "format"
        raise FetchError(source_id, url, fault, f"not a readable ZIP: {exc}") from None
    with archive:
        infos = archive.infolist()
        if not infos:
            raise FetchError(source_id, url, "empty", "ZIP without members")
        if len(infos) > MAX_MEMBERS:
            raise FetchError(
                source_id, url, "zip", f"ZIP has {len(infos)} members (cap {MAX_MEMBERS})"
            )
        total = 0
        for info in infos:
            _check_member(source_id, url, info)
            total += info.file_size
        if total > max_unpacked:
            raise FetchError(
                source_id,
                url,
                "zip",
                f"ZIP would unpack to {total:,} bytes, over the cap of {max_unpacked:,}",
            )
        out: dict[str, bytes] = {}
        for info in infos:
            if info.is_dir():
                continue
            try:
                with archive.open(info) as fh:
                    data = fh.read(info.file_size + 1)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
                raise FetchError(
                    source_id, url, "truncated", f"ZIP member {info.filename!r} is damaged: {exc}"
                ) from None
            if len(data) != info.file_size:
                raise FetchError(
                    source_id,
                    url,
                    "zip",
                    f"ZIP member {info.filename!r} unpacks to another size than it declares",
                )
            out[info.filename] = data
        return out


def _check_member(source_id: str, url: str, info: zipfile.ZipInfo) -> None:
    name = info.filename
    path = PurePosixPath(name.replace("\\", "/"))
    if (
        name.startswith(("/", "\\"))
        or re.match(r"^[A-Za-z]:", name)
        or ".." in path.parts
        or "\x00" in name
    ):
        raise FetchError(
            source_id, url, "zip", f"ZIP member {name!r} would be written outside its folder"
        )
    mode = info.external_attr >> 16
    if mode and (mode & 0o170000) == 0o120000:
        raise FetchError(source_id, url, "zip", f"ZIP member {name!r} is a symbolic link")


# --- fingerprints -------------------------------------------------------------------------------


def fingerprint(dataset: Dataset, body: bytes) -> Fingerprint:
    """The schema fingerprint of an already accepted file (raises like check_body otherwise)."""
    return check_body(dataset, dataset.id, body).fingerprint


def compare_fingerprints(
    dataset: Dataset, url: str, last_good: Fingerprint | None, new: Fingerprint
) -> None:
    """Raise FetchError(fault='schema') naming what changed since the last good file."""
    if last_good is None or last_good == new:
        return
    what = "dimension" if new.kind == "dimensions" else "column"
    old_names, new_names = list(last_good.names), list(new.names)
    missing = [n for n in old_names if n not in new_names]
    added = [n for n in new_names if n not in old_names]
    parts = []
    if len(missing) == 1 and len(added) == 1 and len(old_names) == len(new_names):
        parts.append(f"{what} {missing[0]!r} renamed to {added[0]!r}")
    else:
        if missing:
            parts.append(f"{what}(s) {', '.join(map(repr, missing))} missing")
        if added:
            parts.append(f"new {what}(s) {', '.join(map(repr, added))}")
    if not parts:
        parts.append(f"same {what}s in another order: {_join(new_names)}")
    raise FetchError(
        dataset.id,
        url,
        "schema",
        f"{'; '.join(parts)} (last good {new.kind}: {_join(old_names)})",
    )


def _join(names: Sequence[str]) -> str:
    shown = ", ".join(names[:20])
    return shown + (", ..." if len(names) > 20 else "")
