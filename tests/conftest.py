"""Session-wide test settings: no telemetry from dbt, Prefect or Great Expectations."""

from __future__ import annotations

import os

from warehouse.config import TELEMETRY_OFF

# Set before any test imports dbt, Prefect or GX (they read these at import or first use).
for _key, _value in TELEMETRY_OFF.items():
    os.environ[_key] = _value
