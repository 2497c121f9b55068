"""What every format's body check shares: the fingerprint of a file's schema, the context a
check rejects in, and readers for the parts of a file a check looks at (JSON, a delimited
header line, the first row of a workbook, ZIP members unpacked safely).

A check only sniffs: reading values is the parsers' job. A rejection is a `FetchError` naming
the source, the URL, the kind of fault and the problem.
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

from extract.http import FetchError

__all__ = [
    "MAX_MEMBERS",
    "MAX_UNPACKED_BYTES",
    "Fingerprint",
    "Sniffed",
    "Sniffing",
    "delimited_fingerprint",
    "json_document",
    "safe_unzip",
    "xlsx_header_fingerprint",
]

MAX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_MEMBERS = 1000


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
class Sniffed:
    """An accepted file: its bytes, its schema fingerprint and, for an archive, its members."""

    body: bytes
    fingerprint: Fingerprint
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sniffing:
    """Where a body check runs: the source, the URL (or inbox path), the file's name, the
    dimensions the catalog insists on, and the cap on unpacked archive size."""

    source_id: str
    url: str
    format_id: str
    name: str
    dimensions: tuple[str, ...] | None = None
    max_unpacked: int = MAX_UNPACKED_BYTES

    def reject(self, fault: str, problem: str) -> FetchError:
        return FetchError(self.source_id, self.url, fault, problem)


def json_document(body: bytes, at: Sniffing) -> object:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise at.reject("format", f"not UTF-8 text at byte {exc.start}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated"):
            raise at.reject(
                "truncated",
                f"JSON stops inside an open value at character {exc.pos} of {len(text)}",
            ) from None
        raise at.reject("format", f"invalid JSON at line {exc.lineno}: {exc.msg}") from None


def delimited_fingerprint(data: bytes, name: str, sep: str, at: Sniffing) -> Fingerprint:
    """The column names of a delimited text file's header line."""
    text = data[:65536].decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise at.reject("empty", f"{name}: no header line")
    header = next(csv.reader(io.StringIO(lines[0]), delimiter=sep))
    columns = tuple(c.strip() for c in header)
    if len(columns) < 2:
        raise at.reject("format", f"{name}: header {lines[0][:80]!r} is not {sep!r}-separated")
    if len(lines) < 2:
        raise at.reject("empty", f"{name}: a header and no data rows")
    return Fingerprint("columns", columns)


_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def xlsx_header_fingerprint(members: dict[str, bytes], at: Sniffing) -> Fingerprint:
    """The first non-empty row of the first worksheet, from the sheet XML (no Excel library)."""
    if "xl/workbook.xml" not in members:
        raise at.reject("format", "not an Excel workbook (no xl/workbook.xml)")
    sheets = sorted(m for m in members if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", m))
    if not sheets:
        raise at.reject("format", "Excel workbook without worksheets")
    shared: list[str] = []
    try:
        if "xl/sharedStrings.xml" in members:
            root = ElementTree.fromstring(members["xl/sharedStrings.xml"])
            for si in root.findall("m:si", _NS):
                shared.append("".join(t.text or "" for t in si.iter(f"{{{_NS['m']}}}t")))
        sheet = ElementTree.fromstring(members[sheets[0]])
    except ElementTree.ParseError as exc:
        raise at.reject("format", f"Excel XML does not parse: {exc}") from None
    for row in sheet.iter(f"{{{_NS['m']}}}row"):
        names = tuple(x.strip() for x in _row_texts(row, shared))
        if any(names):
            return Fingerprint("header row", names)
    raise at.reject("empty", f"worksheet {sheets[0]} has no rows")


def _row_texts(row: ElementTree.Element, shared: Sequence[str]) -> list[str]:
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
    return cells


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
        return {
            info.filename: _read_member(archive, info, source_id, url)
            for info in infos
            if not info.is_dir()
        }


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source_id: str, url: str):
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
    return data


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
