"""The committed NBB snapshot is what the generator promises: calibrated, consistent, historical."""

from __future__ import annotations

import numpy as np
import pytest

from extract.formats.sdmx_json import parse_sdmx_json
from extract.snapshot import load_manifest
from tools.snapshot_generator.calibration import REGIONS, Dataset, load_targets, report
from tools.snapshot_generator.nbb import REFERENCE_CSV
from tools.snapshot_generator.nbb_model import round_preserving_sum
from tools.snapshot_generator.structure import (
    A38_PARENTS,
    ATOM_IDS,
    ATOMS,
    MANUFACTURING_ATOMS,
    YEARS,
)

LEAVES = [leaf for atom in ATOM_IDS for leaf in ATOMS[atom]]
C_LEAVES = [leaf for atom in MANUFACTURING_ATOMS for leaf in ATOMS[atom]]
PROVINCES = ["210", "220", "230", "240", "250"]


@pytest.fixture(scope="module")
def series() -> dict[tuple[str, str, str], np.ndarray]:
    snapshot = load_manifest()
    (entry,) = snapshot.entries("nbb_regaca38")
    parsed = parse_sdmx_json(
        snapshot.read_bytes(entry), source_id=entry.source_id, filename=entry.path
    )
    out: dict[tuple[str, str, str], np.ndarray] = {}
    for record in parsed.records():
        key = (record["NUTS"], record["ITEM"], record["BRANCH"])
        values = out.setdefault(key, np.full(len(YEARS), np.nan))
        values[YEARS.index(int(record["TIME_PERIOD"]))] = record["OBS_VALUE"]
    return out


def _atoms(series, item: str) -> np.ndarray:
    out = np.zeros((len(REGIONS), len(ATOM_IDS), len(YEARS)))
    for r, nuts in enumerate(["220", "200"]):
        for a, atom in enumerate(ATOM_IDS):
            out[r, a] = sum(series[(nuts, item, leaf)] for leaf in ATOMS[atom])
    return out


def test_every_regional_accounts_figure_of_the_article_is_reproduced(series):
    targets = load_targets(REFERENCE_CSV)
    dataset = Dataset(
        E=_atoms(series, "EMPLOY"),
        G=_atoms(series, "B1G000"),
        H=_atoms(series, "HRWTOT"),
        Q=np.array([series[("220", "B1QCAP", "TOT")], series[("200", "B1QCAP", "TOT")]]),
    )
    misses = [(t.figure_id, t.value, got) for t, got, ok in report(dataset, targets) if not ok]
    assert len(targets) >= 150
    assert misses == []


@pytest.mark.parametrize("item", ["EMPLOY", "HRWEMP", "HRWTOT", "B1G000"])
def test_published_totals_are_the_sums_of_their_parts(series, item):
    for nuts in ["000", "200", *PROVINCES]:
        total = sum(series[(nuts, item, leaf)] for leaf in LEAVES)
        np.testing.assert_allclose(series[(nuts, item, "TOT")], total, atol=0.051)
        manufacturing = sum(series[(nuts, item, leaf)] for leaf in C_LEAVES)
        np.testing.assert_allclose(series[(nuts, item, "C")], manufacturing, atol=0.051)
        for parent, children in A38_PARENTS.items():
            parts = sum(series[(nuts, item, c)] for c in children)
            np.testing.assert_allclose(series[(nuts, item, parent)], parts, atol=0.051)
    for branch in [*LEAVES, "C", "TOT"]:
        provinces = sum(series[(p, item, branch)] for p in PROVINCES)
        np.testing.assert_allclose(series[("200", item, branch)], provinces, atol=0.051)


def test_ford_genk_closure_shows_in_limburgs_automotive_employment(series):
    automotive = series[("220", "EMPLOY", "29")]
    drop_2015 = automotive[YEARS.index(2015)] / automotive[YEARS.index(2014)] - 1
    assert drop_2015 < -0.5
    assert automotive[YEARS.index(2014)] < automotive[YEARS.index(2013)]
    # The jobs disappear: they do not move to the other provinces.
    others = sum(series[(p, "EMPLOY", "29")] for p in ["210", "230", "240", "250"])
    assert others[YEARS.index(2015)] <= others[YEARS.index(2014)] * 1.03


def test_every_value_is_positive(series):
    for key, values in series.items():
        assert np.all(values > 0), key


def test_round_preserving_sum_keeps_the_rounded_total():
    values = np.array([1.26, 2.26, 3.26, 0.22])
    rounded = round_preserving_sum(values, values.sum(), 1)
    assert rounded.sum() == pytest.approx(7.0)
    assert np.all(np.abs(rounded - values) < 0.1)
    integers = round_preserving_sum(np.array([0.5, 0.5, 0.5, 0.5]), 2.0, 0)
    assert integers.sum() == 2.0
