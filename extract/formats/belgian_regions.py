"""Belgium's regions and provinces as the publishers name them in Dutch, with their REFNIS
codes: be.STAT, RSZ and VDAB label their rows by name, not by code."""

from __future__ import annotations

__all__ = ["COUNTRY", "region_by_name"]

COUNTRY = 1000
_PROVINCES = {
    "antwerpen": 10000,
    "vlaams-brabant": 20001,
    "waals-brabant": 20002,
    "west-vlaanderen": 30000,
    "oost-vlaanderen": 40000,
    "henegouwen": 50000,
    "luik": 60000,
    "limburg": 70000,
    "luxemburg": 80000,
    "namen": 90000,
}
_REGIONS = {
    "vlaams gewest": 2000,
    "vlaanderen": 2000,
    "waals gewest": 3000,
    "wallonië": 3000,
    "brussels hoofdstedelijk gewest": 4000,
    "brussels hoofdst. gew.": 4000,
    "brussels gewest": 4000,
}
_COUNTRY_NAMES = {"belgië", "belgie", "rijk", "het rijk", "totaal rijk"}


def region_by_name(name: str) -> tuple[int, str] | None:
    """(REFNIS code, level) of a province, region or Belgium named in Dutch ('Provincie
    Limburg', 'Limburg', 'Vlaams Gewest', 'Rijk'), or None for any other name."""
    key = " ".join(str(name).split()).lower()
    key = key.removeprefix("provincie ").removeprefix("prov. ").strip()
    if key in _PROVINCES:
        return _PROVINCES[key], "province"
    if key in _REGIONS:
        return _REGIONS[key], "region"
    if key in _COUNTRY_NAMES:
        return COUNTRY, "country"
    return None
