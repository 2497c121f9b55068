"""The publishers' own codes the generated files carry: REFNIS provinces, NACE-BEL sections,
Statbel's employer classes, and each file's header."""

from __future__ import annotations

FLEMISH_PROVINCES = {  # REFNIS -> (NUTS, Dutch name, French name)
    10000: ("BE21", "Provincie Antwerpen", "Province d'Anvers"),
    20001: ("BE24", "Provincie Vlaams-Brabant", "Province du Brabant flamand"),
    30000: ("BE25", "Provincie West-Vlaanderen", "Province de Flandre occidentale"),
    40000: ("BE23", "Provincie Oost-Vlaanderen", "Province de Flandre orientale"),
    70000: ("BE22", "Provincie Limburg", "Province de Limbourg"),
}

OTHER_PROVINCES = {
    20002: ("Provincie Waals-Brabant", "Province du Brabant wallon"),
    50000: ("Provincie Henegouwen", "Province du Hainaut"),
    60000: ("Provincie Luik", "Province de Liège"),
    80000: ("Provincie Luxemburg", "Province du Luxembourg"),
    90000: ("Provincie Namen", "Province de Namur"),
}

PROVINCE_NAMES = {k: v[1:] for k, v in FLEMISH_PROVINCES.items()} | OTHER_PROVINCES

NACE_SECTIONS = {  # NACE-BEL 2008 sections: Dutch, French
    "A": ("Landbouw, bosbouw en visserij", "Agriculture, sylviculture et pêche"),
    "B": ("Winning van delfstoffen", "Industries extractives"),
    "C": ("Industrie", "Industrie manufacturière"),
    "D": ("Productie en distributie van elektriciteit, gas, stoom en gekoelde lucht",
          "Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné"),
    "E": ("Distributie van water; afval- en afvalwaterbeheer en sanering",
          "Production et distribution d'eau; assainissement, gestion des déchets et dépollution"),
    "F": ("Bouwnijverheid", "Construction"),
    "G": ("Groot- en detailhandel; reparatie van auto's en motorfietsen",
          "Commerce de gros et de détail; réparation d'automobiles et de motocycles"),
    "H": ("Vervoer en opslag", "Transports et entreposage"),
    "I": ("Verschaffen van accommodatie en maaltijden", "Hébergement et restauration"),
    "J": ("Informatie en communicatie", "Information et communication"),
    "K": ("Financiële activiteiten en verzekeringen", "Activités financières et d'assurance"),
    "L": ("Exploitatie van en handel in onroerend goed", "Activités immobilières"),
    "M": ("Vrije beroepen en wetenschappelijke en technische activiteiten",
          "Activités spécialisées, scientifiques et techniques"),
    "N": ("Administratieve en ondersteunende diensten",
          "Activités de services administratifs et de soutien"),
    "O": ("Openbaar bestuur en defensie; verplichte sociale verzekeringen",
          "Administration publique et défense; sécurité sociale obligatoire"),
    "P": ("Onderwijs", "Enseignement"),
    "Q": ("Menselijke gezondheidszorg en maatschappelijke dienstverlening",
          "Santé humaine et action sociale"),
    "R": ("Kunst, amusement en recreatie", "Arts, spectacles et activités récréatives"),
    "S": ("Overige diensten", "Autres activités de services"),
    "T": ("Huishoudens als werkgever", "Activités des ménages en tant qu'employeurs"),
    "U": ("Extraterritoriale organisaties en lichamen",
          "Activités des organisations et organismes extraterritoriaux"),
    "X": ("Onbekende activiteit", "Activité inconnue"),
    "ALL": ("Totaal", "Total"),
}  # fmt: skip

EMPLOYER_CLASSES = {
    "00": ("Geen werknemers", "Pas de salariés"),
    "01": ("1 tot 4 werknemers", "1 à 4 salariés"),
    "02": ("5 tot 9 werknemers", "5 à 9 salariés"),
    "03": ("10 tot 19 werknemers", "10 à 19 salariés"),
    "04": ("20 tot 49 werknemers", "20 à 49 salariés"),
    "05": ("50 tot 99 werknemers", "50 à 99 salariés"),
    "06": ("100 tot 199 werknemers", "100 à 199 salariés"),
    "07": ("200 tot 249 werknemers", "200 à 249 salariés"),
    "08": ("250 tot 499 werknemers", "250 à 499 salariés"),
    "09": ("500 tot 999 werknemers", "500 à 999 salariés"),
    "10": ("1000 tot 1999 werknemers", "1000 à 1999 salariés"),
    "11": ("2000 tot 2999 werknemers", "2000 à 2999 salariés"),
    "12": ("3000 tot 3999 werknemers", "3000 à 3999 salariés"),
    "13": ("4000 tot 4999 werknemers", "4000 à 4999 salariés"),
    "14": ("5000 tot 9999 werknemers", "5000 à 9999 salariés"),
    "15": ("10000 werknemers en meer", "10000 salariés et plus"),
}

STATBEL_VAT_COLUMNS = [
    "CD_YEAR",
    "CD_PROV_REFNIS",
    "TX_PROV_DESCR_NL",
    "TX_PROV_DESCR_FR",
    "CD_NACE",
    "TX_NACE_NL",
    "TX_NACE_FR",
    "CD_NIS_STAT_UNT_CLS",
    "TX_NIS_STAT_UNT_CLS_NL",
    "TX_NIS_STAT_UNT_CLS_FR",
    "MS_NUM_VAT",
]

FLEMISH_REGION_REFNIS = 2000

REGION_NAME = "Vlaams Gewest"
