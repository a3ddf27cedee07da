"""Polish words for the synthetic EZD data (demo.scale_ezd).

Subjects and case titles per JRWA class of the demo JRWA, varied enough that
full-text search means something: a class's matters repeat, while places,
plots, parties and objects vary. Places and streets are those of Gmina Lubicz.
"""

from __future__ import annotations


def _words(text: str, sep: str) -> list[str]:
    """A list written as one separated string (keeps long word lists compact)."""
    return text.split(sep)


# Polish words for subjects and titles, varied so that full-text search means
# something: a JRWA class's matters repeat, places and parties vary.
PLACES = _words(
    "Lubicz Dolny,Lubicz Górny,Grębocin,Gronowo,Gronówko,Złotoria,Krobia,Mierzynek,"
    "Rogowo,Rogówko,Jedwabno,Kopanino,Brzeźno,Nowa Wieś,Józefowo,Młyniec Pierwszy,"
    "Młyniec Drugi,Grabowiec,Świerczynki,Biskupice",
    ",",
)
STREETS = _words(
    "Polna,Lipowa,Leśna,Szkolna,Toruńska,Kwiatowa,Ogrodowa,Słoneczna,Długa,Brzozowa,"
    "Akacjowa,Wiśniowa,Spacerowa,Kościelna,Jana Pawła II,Klonowa,Dworcowa,Parkowa",
    ",",
)
MEN = _words(
    "Jan,Piotr,Andrzej,Krzysztof,Tomasz,Paweł,Michał,Marcin,Grzegorz,Józef,Adam,"
    "Łukasz,Zbigniew,Jerzy,Tadeusz,Mateusz,Dariusz,Mariusz,Wojciech,Ryszard",
    ",",
)
WOMEN = _words(
    "Anna,Maria,Katarzyna,Małgorzata,Agnieszka,Barbara,Ewa,Krystyna,Elżbieta,Zofia,"
    "Magdalena,Joanna,Aleksandra,Monika,Teresa,Danuta,Natalia,Karolina,Marta,Beata",
    ",",
)
# surname stems: "-ski" and "-cki" take "-ska"/"-cka" for women
SURNAMES = _words(
    "Nowak,Kowalski,Wiśniewski,Wójcik,Kowalczyk,Kamiński,Lewandowski,Zieliński,"
    "Szymański,Woźniak,Dąbrowski,Kozłowski,Jankowski,Mazur,Kwiatkowski,Krawczyk,"
    "Piotrowski,Grabowski,Nowakowski,Pawłowski,Michalski,Nowicki,Adamczyk,Dudek,"
    "Zając,Wieczorek,Jabłoński,Król,Majewski,Olszewski,Jaworski,Wróbel,Malinowski,"
    "Pawlak,Witkowski,Walczak,Stępień,Górski,Rutkowski,Michalak,Sikora,Ostrowski,"
    "Baran,Duda,Szewczyk,Tomaszewski,Pietrzak,Marciniak,Wróblewski,Zalewski,"
    "Jakubowski,Jasiński,Zawadzki,Sadowski,Bąk,Chmielewski,Włodarczyk,Borkowski,"
    "Czarnecki,Sawicki,Sokołowski,Urbański,Kubiak,Maciejewski,Szczepański,Kucharski",
    ",",
)
INSTITUTIONS = _words(
    "Energa-Operator SA Oddział w Toruniu;Polska Spółka Gazownictwa sp. z o.o.;"
    "Państwowe Gospodarstwo Wodne Wody Polskie, Zarząd Zlewni w Toruniu;"
    "Starostwo Powiatowe w Toruniu;Regionalna Dyrekcja Ochrony Środowiska w Bydgoszczy;"
    "Urząd Skarbowy w Toruniu;Komenda Miejska Policji w Toruniu;"
    "Zakład Gospodarki Komunalnej w Lubiczu;Orange Polska SA;"
    "Kujawsko-Pomorski Urząd Wojewódzki w Bydgoszczy;Regionalna Izba Obrachunkowa w Bydgoszczy;"
    "Państwowy Powiatowy Inspektor Sanitarny w Toruniu;Zarząd Dróg Powiatowych w Toruniu;"
    "Agro-Trans sp. z o.o.;Przedsiębiorstwo Budowlane Budrex sp. z o.o.;"
    "Gminna Spółdzielnia Samopomoc Chłopska w Lubiczu;Bank Spółdzielczy w Toruniu;"
    "Toruńskie Wodociągi sp. z o.o.;Fundacja Rozwoju Wsi Kujawskiej;"
    "Stowarzyszenie Przyjaciół Ziemi Lubickiej;Ochotnicza Straż Pożarna w Grębocinie",
    ";",
)
# JRWA class -> (weight among cases, [(letter subject, case title)], {placeholder: words})
WZ = _words(
    "budowy budynku mieszkalnego jednorodzinnego;budowy dwóch budynków mieszkalnych "
    "w zabudowie bliźniaczej;rozbudowy budynku gospodarczego;budowy garażu wolnostojącego;"
    "budowy hali magazynowej z częścią biurową;zmiany sposobu użytkowania budynku na usługowy;"
    "budowy budynku inwentarskiego;budowy wiaty rolniczej;nadbudowy budynku mieszkalnego;"
    "budowy pawilonu handlowego;budowy warsztatu samochodowego;budowy budynku usługowego",
    ";",
)
ICP = _words(
    "budowa sieci wodociągowej;budowa kanalizacji sanitarnej;budowa linii kablowej "
    "średniego napięcia;budowa stacji bazowej telefonii komórkowej;przebudowa drogi gminnej;"
    "budowa gazociągu średniego ciśnienia;budowa ścieżki rowerowej;budowa oświetlenia "
    "ulicznego;budowa sieci światłowodowej",
    ";",
)
DSU = _words(
    "budowa farmy fotowoltaicznej o mocy do 1 MW;budowa fermy drobiu;budowa chlewni;"
    "rozbudowa zakładu przetwórstwa drewna;budowa stacji paliw;wydobycie kruszywa ze złoża;"
    "budowa instalacji do przetwarzania odpadów;budowa biogazowni rolniczej",
    ";",
)
USE = _words(
    "zabudowę mieszkaniową jednorodzinną;zabudowę usługową;tereny produkcyjno-składowe;"
    "zabudowę zagrodową;tereny rekreacyjne;zieleń urządzoną",
    ";",
)
INFO = _words(
    "wydatków na promocję gminy w {year} r.;umów na zimowe utrzymanie dróg;zatrudnienia "
    "w urzędzie gminy;zamówień publicznych udzielonych w {year} r.;dotacji dla klubów "
    "sportowych;kosztów przebudowy drogi w miejscowości {place};wynagrodzeń kierowników "
    "jednostek gminnych;decyzji o warunkach zabudowy wydanych w obrębie {place};gospodarki "
    "odpadami komunalnymi;kontroli przeprowadzonych w urzędzie w {year} r.",
    ";",
)
COMPLAINT = _words(
    "opieszałość pracownika w załatwieniu sprawy;stan drogi gminnej w miejscowości {place};"
    "brak odśnieżania ul. {street} w miejscowości {place};hałas z zakładu przy ul. "
    "{street};zanieczyszczenie rowu melioracyjnego w miejscowości {place};nieprawidłowy "
    "odbiór odpadów komunalnych;zachowanie pracownika urzędu;brak oświetlenia ulicznego "
    "w miejscowości {place}",
    ";",
)
TAX = [
    (
        "Korekta informacji o nieruchomościach i obiektach budowlanych (IN-1) za {year} r.",
        "Podatek od nieruchomości za {year} r.: korekta informacji IN-1",
    ),
    (
        "Wniosek o rozłożenie na raty zaległości w podatku od nieruchomości",
        "Rozłożenie na raty zaległości w podatku od nieruchomości",
    ),
    (
        "Wniosek o umorzenie zaległości podatkowej wraz z odsetkami",
        "Umorzenie zaległości podatkowej wraz z odsetkami",
    ),
    (
        "Odwołanie od decyzji ustalającej wysokość podatku od nieruchomości za {year} r.",
        "Odwołanie od decyzji wymiarowej, podatek od nieruchomości {year}",
    ),
    (
        "Informacja o nabyciu nieruchomości: działka nr {plot}, obręb {place}",
        "Wymiar podatku od nieruchomości po nabyciu działki nr {plot}, obręb {place}",
    ),
]
CLASSES: dict[str, tuple[int, list[tuple[str, str]], dict[str, list[str]]]] = {
    "6727": (
        24,
        [
            (
                "Wniosek o wydanie wypisu i wyrysu z miejscowego planu zagospodarowania "
                "przestrzennego dla działki nr {plot}, obręb {place}",
                "Wypis i wyrys z planu miejscowego, działka nr {plot}, obręb {place}",
            ),
            (
                "Wniosek o wydanie zaświadczenia o przeznaczeniu działki nr {plot} "
                "w planie miejscowym, obręb {place}",
                "Zaświadczenie o przeznaczeniu działki nr {plot} w planie, obręb {place}",
            ),
        ],
        {},
    ),
    "6730": (
        18,
        [
            (
                "Wniosek o ustalenie warunków zabudowy dla {obj} na działce nr {plot} "
                "w miejscowości {place}",
                "Ustalenie warunków zabudowy dla {obj}, działka nr {plot}, {place}",
            )
        ],
        {"obj": WZ},
    ),
    "6733": (
        8,
        [
            (
                "Wniosek o ustalenie lokalizacji inwestycji celu publicznego: {obj} "
                "w miejscowości {place}",
                "Lokalizacja inwestycji celu publicznego: {obj}, {place}",
            )
        ],
        {"obj": ICP},
    ),
    "6220": (
        4,
        [
            (
                "Wniosek o wydanie decyzji o środowiskowych uwarunkowaniach dla "
                "przedsięwzięcia: {obj}, działka nr {plot}, obręb {place}",
                "Środowiskowe uwarunkowania: {obj}, {place}",
            )
        ],
        {"obj": DSU},
    ),
    "6721": (
        6,
        [
            (
                "Wniosek do miejscowego planu zagospodarowania przestrzennego obrębu "
                "{place}: przeznaczenie działki nr {plot} na {obj}",
                "Wniosek do planu miejscowego obrębu {place}, działka nr {plot}",
            ),
            (
                "Uwagi do projektu planu miejscowego obrębu {place} dotyczące działki nr {plot}",
                "Uwagi do projektu planu miejscowego obrębu {place}",
            ),
        ],
        {"obj": USE},
    ),
    "3120": (22, TAX, {}),
    "1431": (
        8,
        [
            (
                "Wniosek o udostępnienie informacji publicznej dotyczącej {obj}",
                "Udostępnienie informacji publicznej dotyczącej {obj}",
            )
        ],
        {"obj": INFO},
    ),
    "0520": (
        6,
        [
            ("Skarga na {obj}", "Skarga na {obj}"),
            (
                "Petycja w sprawie budowy chodnika w miejscowości {place}",
                "Petycja: budowa chodnika w miejscowości {place}",
            ),
        ],
        {"obj": COMPLAINT},
    ),
    "0150": (
        4,
        [
            (
                "Wniosek o zmianę regulaminu organizacyjnego urzędu w zakresie {obj}",
                "Zmiana regulaminu organizacyjnego: {obj}",
            )
        ],
        {"obj": ["obsługi interesantów", "godzin pracy kasy", "zadań referatów"]},
    ),
}
# Letters that are settled without a case: department symbol -> subjects.
MISC: dict[str, list[str]] = {
    "OR": [
        "Zaproszenie na szkolenie: {obj}",
        "Zawiadomienie o sesji Rady Powiatu Toruńskiego",
        "Pismo w sprawie numeracji porządkowej budynku przy ul. {street}, {place}",
        "Pismo w sprawie dzierżawy gruntu gminnego w miejscowości {place}",
        "Ogłoszenie o naborze wniosków w programie {obj}",
        "Prośba o wsparcie festynu rodzinnego w miejscowości {place}",
    ],
    "FN": [
        "Faktura VAT nr FV/{number}/{year} za {obj}",
        "Wniosek o wydanie zaświadczenia o niezaleganiu w podatkach",
        "Wniosek o zwrot nadpłaty w podatku rolnym",
        "Informacja Regionalnej Izby Obrachunkowej o wynikach kontroli",
    ],
    "ZP": [
        "Zawiadomienie starosty o wszczęciu postępowania: {obj}, {place}",
        "Wniosek o zezwolenie na usunięcie drzew z działki nr {plot} w miejscowości {place}",
        "Zgłoszenie robót budowlanych na działce nr {plot}, obręb {place}",
        "Uzgodnienie projektu decyzji o warunkach zabudowy dla działki nr {plot}",
    ],
}
MISC_WORDS = {
    "OR": [
        "ochrona danych osobowych w administracji",
        "nowelizacja Kodeksu postępowania administracyjnego",
        "dostępność cyfrowa",
        "e-Doręczenia w praktyce urzędu",
        "Czyste Powietrze",
        "Moja Woda",
    ],
    "FN": [
        "energię elektryczną",
        "usługi telekomunikacyjne",
        "wywóz odpadów",
        "materiały biurowe",
        "paliwo do samochodów służbowych",
    ],
    "ZP": ICP,
}
CLOSING = {
    "6727": ["Wydano wypis i wyrys", "Wydano zaświadczenie"],
    "6730": ["Wydano decyzję o warunkach zabudowy", "Odmówiono ustalenia warunków zabudowy"],
    "3120": ["Wydano decyzję", "Wydano postanowienie", "Sprawę załatwiono pismem"],
    "1431": ["Udostępniono informację", "Wydano decyzję o odmowie udostępnienia"],
    "0520": ["Skargę uznano za bezzasadną", "Skargę uwzględniono"],
}
DEFAULT_CLOSING = ["Sprawę załatwiono", "Wydano decyzję", "Postępowanie umorzono"]
CHANNELS = ["paper"] * 9 + ["epuap"] * 5 + ["email"] * 3 + ["edelivery"] * 2 + ["portal"]
REFERENCES = ["WOO", "GN", "ZD", "WOŚ", "SA", "NK", "RIO", "OR", "DT"]
INSTRUCTIONS = [
    "Proszę o załatwienie.",
    "Do rozpatrzenia.",
    "Proszę o przygotowanie odpowiedzi.",
    "Do wiadomości i wykorzystania.",
    "",
]
