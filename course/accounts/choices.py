"""Fixed lists offered at registration. Core: labels are marked for translation only."""

from __future__ import annotations

from course.problems import N_

ORG_TYPES: dict[str, str] = {
    "police": N_("Police"),
    "social": N_("Social services"),
    "ngo": N_("NGO"),
    "migration": N_("Migration service"),
    "employment": N_("Employment service"),
    "education": N_("Education"),
    "health": N_("Health care"),
    "other": N_("Other"),
}

REGIONS: dict[str, str] = {
    "vinnytsia": N_("Vinnytsia Oblast"),
    "volyn": N_("Volyn Oblast"),
    "dnipropetrovsk": N_("Dnipropetrovsk Oblast"),
    "donetsk": N_("Donetsk Oblast"),
    "zhytomyr": N_("Zhytomyr Oblast"),
    "zakarpattia": N_("Zakarpattia Oblast"),
    "zaporizhzhia": N_("Zaporizhzhia Oblast"),
    "ivano-frankivsk": N_("Ivano-Frankivsk Oblast"),
    "kyiv-oblast": N_("Kyiv Oblast"),
    "kirovohrad": N_("Kirovohrad Oblast"),
    "luhansk": N_("Luhansk Oblast"),
    "lviv": N_("Lviv Oblast"),
    "mykolaiv": N_("Mykolaiv Oblast"),
    "odesa": N_("Odesa Oblast"),
    "poltava": N_("Poltava Oblast"),
    "rivne": N_("Rivne Oblast"),
    "sumy": N_("Sumy Oblast"),
    "ternopil": N_("Ternopil Oblast"),
    "kharkiv": N_("Kharkiv Oblast"),
    "kherson": N_("Kherson Oblast"),
    "khmelnytskyi": N_("Khmelnytskyi Oblast"),
    "cherkasy": N_("Cherkasy Oblast"),
    "chernivtsi": N_("Chernivtsi Oblast"),
    "chernihiv": N_("Chernihiv Oblast"),
    "crimea": N_("Autonomous Republic of Crimea"),
    "kyiv-city": N_("Kyiv city"),
    "sevastopol-city": N_("Sevastopol city"),
    "other": N_("Other / abroad"),
}
