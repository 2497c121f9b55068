"""Byte-for-byte reproducible containers: a ZIP and an Excel workbook with fixed times."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from datetime import datetime

FIXED_TIME = (2026, 11, 27, 0, 0, 0)


def zip_bytes(members: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, payload in members.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, payload, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buffer.getvalue()


def workbook_bytes(sheets: Mapping[str, Sequence[Sequence[object]]]) -> bytes:
    """A workbook with one sheet per (title, rows), identical run to run."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    fixed = datetime(*FIXED_TIME)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "limburg-warehouse"
    buffer = io.BytesIO()
    wb.save(buffer)
    # openpyxl stamps the members and the core properties with the current time.
    src = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    stamp = fixed.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    members = {}
    for item in src.infolist():
        data = src.read(item.filename)
        if item.filename == "docProps/core.xml":
            data = re.sub(
                rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                rb"\g<1>" + stamp + rb"\3",
                data,
            )
        members[item.filename] = data
    return zip_bytes(members)
