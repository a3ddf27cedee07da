"""The demo region: real units of województwo kujawsko-pomorskie.

Units and their TERC codes come from the GUS extract shipped in
``tenancy/data``; the contact data below are the offices' public postal
addresses, with demo e-mail addresses on a reserved domain so that the demo
never writes to a real office.
"""

from __future__ import annotations

# TERC code -> (postal address, demo e-mail slug)
DEMO_UNITS: dict[str, tuple[str, str]] = {
    "04": ("Plac Teatralny 2, 87-100 Toruń", "marszalkowski"),
    "0461011": ("ul. Jezuicka 1, 85-102 Bydgoszcz", "bydgoszcz"),
    "0463011": ("ul. Wały gen. Sikorskiego 8, 87-100 Toruń", "torun"),
    "0415": ("ul. Towarowa 4-6, 87-100 Toruń", "powiat-torunski"),
    "0415042": ("ul. Toruńska 21, 87-162 Lubicz", "lubicz"),
    "0415082": ("ul. Mostowa 62, 87-165 Cierpice", "wielka-nieszawka"),
    "0403022": ("ul. Bydgoska 9, 86-070 Dąbrowa Chełmińska", "dabrowa-chelminska"),
}
PARTNER = {
    "slug": "kpodr",
    "name": "KPODR Minikowo",
    "official_name": "Kujawsko-Pomorski Ośrodek Doradztwa Rolniczego w Minikowie",
    "address": "Minikowo, 89-122 Minikowo",
}
DEMO_EMAIL_DOMAIN = "demo.infostrada.invalid"

# Login part per role (Polish, as officials would name themselves).
ROLE_LOGINS = {
    "unit_admin": "admin",
    "chancellery": "kancelaria",
    "case_officer": "referent",
    "approver": "kierownik",
    "secretary": "sekretarz",
    "bip_editor": "bip",
    "register_keeper": "rejestry",
    "gis_operator": "gis",
    "participation_coordinator": "konsultacje",
    "archivist": "archiwum",
}
CITIZENS = [
    ("jan.kowalski", "Jan", "Kowalski", (1980, 5, 14), 1),
    ("maria.nowak", "Maria", "Nowak", (1992, 11, 3), 0),
    ("adam.wisniewski", "Adam", "Wiśniewski", (2001, 2, 27), 1),
]
