"""RSZ's decentralised statistics workbook (localunit-val-nl-YYYYQ.xlsx): sheets tabelN, six
title rows, the header in row 7 (province, arrondissement, sector columns, Totaal), provinces
in column A followed by their arrondissements in column B."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tools.publisher_layouts.containers import workbook_bytes

SECTION_LABELS = {
    "A": "A Landbouw, bosbouw en visserij",
    "B": "B Winning van delfstoffen",
    "C": "C Industrie",
    "D": "D Productie en distributie van elektriciteit, gas, stoom en gekoelde lucht",
    "E": "E Distributie van water; afval- en afvalwaterbeheer en sanering",
    "F": "F Bouwnijverheid",
    "G": "G Groot- en detailhandel; reparatie van auto's en motorfietsen",
    "H": "H Vervoer en opslag",
    "I": "I Verschaffen van accommodatie en maaltijden",
    "J": "J Informatie en communicatie",
    "K": "K Financiële activiteiten en verzekeringen",
    "L": "L Exploitatie van en handel in onroerend goed",
    "M": "M Vrije beroepen en wetenschappelijke en technische activiteiten",
    "N": "N Administratieve en ondersteunende diensten",
    "O": "O Openbaar bestuur en defensie; verplichte sociale verzekeringen",
    "P": "P Onderwijs",
    "Q": "Q Menselijke gezondheidszorg en maatschappelijke dienstverlening",
    "R": "R Kunst, amusement en recreatie",
    "S": "S Overige diensten",
    "T": "T Huishoudens als werkgever",
    "U": "U Extraterritoriale organisaties en lichamen",
}
QUARTER_WORDS = {1: "1ste", 2: "2de", 3: "3de", 4: "4de"}


@dataclass(frozen=True)
class RszRow:
    """One row of the cross-tab: a province or region (column A), or an arrondissement
    (column B); counts by section letter, and the total."""

    name: str
    counts: Mapping[str, int | str]
    total: int | str
    arrondissement: bool = False


@dataclass(frozen=True)
class RszWorkbook:
    year: int
    quarter: int
    rows: Sequence[RszRow]
    sections: Sequence[str] = field(default_factory=lambda: list(SECTION_LABELS))
    header_row: int = 7  # where the header goes (a fixture moves it to test the check)
    relabel: Mapping[str, str] = field(default_factory=dict)  # section -> another label

    def file_name(self) -> str:
        return f"localunit-val-nl-{self.year}{self.quarter}.xlsx"


def _title(book: RszWorkbook, table: int, what: str) -> list[list[object]]:
    rows: list[list[object]] = [
        [f"RSZ - Gedecentraliseerde statistiek - {QUARTER_WORDS[book.quarter]} kwartaal "
         f"{book.year}"],
        [f"Tabel {table}: {what} volgens provincie, arrondissement en activiteitssector "
         "(NACE-BEL 2008), naar plaats van tewerkstelling"],
        [f"Toestand op het einde van het {QUARTER_WORDS[book.quarter]} kwartaal {book.year}"],
    ]  # fmt: skip
    while len(rows) < book.header_row - 1:
        rows.append([])
    return rows


def _table(book: RszWorkbook, table: int, what: str, scale: int) -> list[list[object]]:
    labels = [book.relabel.get(s, SECTION_LABELS[s]) for s in book.sections]
    header = ["Provincie", "Arrondissement", *labels]
    out = [*_title(book, table, what), [*header, "Totaal"]]
    for row in book.rows:
        cells = [_scaled(row.counts.get(s, ""), scale) for s in book.sections]
        names = ["", row.name] if row.arrondissement else [row.name, ""]
        out.append([*names, *cells, _scaled(row.total, scale)])
    out += [[], ["Bron: RSZ - Gedecentraliseerde statistiek"]]
    return out


def _scaled(value: int | str, scale: int) -> int | str:
    return value * scale if isinstance(value, int) else value


def rsz_workbook_bytes(book: RszWorkbook) -> bytes:
    """tabel1 counts jobs (arbeidsplaatsen), tabel2 establishment units: the parser must pick
    the second by its title."""
    return workbook_bytes(
        {
            "tabel1": _table(book, 1, "Aantal arbeidsplaatsen", 9),
            "tabel2": _table(book, 2, "Aantal vestigingseenheden", 1),
        }
    )
