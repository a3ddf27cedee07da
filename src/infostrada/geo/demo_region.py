"""What the geoportal's demo draws: Toruń and Gmina Lubicz, in PUWG 1992 (EPSG:2180).

Everything here is made up for the demo, but placed where it belongs: the
outlines, the Vistula and the Drwęca, the main road and the precincts follow
the real places roughly (Toruń's centre near 470 000 E, 572 500 N; Lubicz
8-12 km east of it, on the Drwęca). The precinct names are the real districts
and villages; their numbers, borders, streets and parcels are synthetic and
are not the cadastre (EGiB) of either unit.
"""

from __future__ import annotations

from dataclasses import dataclass

INF = float("inf")


@dataclass(frozen=True)
class PrecinctSpec:
    code: int
    name: str
    seed: tuple[float, float]  # its core (EPSG:2180)
    zones: tuple[tuple[float, str], ...]  # (radius from the core, demo_layout profile)
    streets: bool = True  # named streets; villages without them number houses by village


@dataclass(frozen=True)
class UnitSpec:
    slug: str
    terc: str  # 7 digits
    outline: tuple[tuple[float, float], ...]
    precincts: tuple[PrecinctSpec, ...]
    postcode: str
    post_office: str  # the postal locality of villages without streets
    streets_per_precinct: bool  # villages: street names repeat between villages
    town: str = ""  # one town: its name ends every address


# fmt: off
VISTULA = (
    (493_000, 565_100), (484_500, 566_800), (481_000, 567_800), (478_600, 568_800),
    (476_000, 569_900), (473_500, 571_000), (471_000, 571_900), (468_500, 572_200),
    (466_000, 572_600), (463_000, 573_500), (458_500, 575_000),
)
VISTULA_HALF_WIDTH = 170.0
DRWECA = (
    (492_800, 579_000), (489_000, 576_200), (486_200, 574_900), (483_600, 573_600),
    (481_900, 572_900), (480_600, 571_400), (479_700, 569_900), (479_200, 568_500),
)
DRWECA_HALF_WIDTH = 22.0
# A national road through Lubicz Górny (synthetic course), 30 m between its borders.
MAIN_ROAD = ((477_300, 575_000), (480_000, 574_000), (482_800, 574_500), (486_000, 575_600),
             (492_500, 577_600))
MAIN_ROAD_HALF_WIDTH = 15.0

TORUN = UnitSpec(
    slug="torun",
    terc="0463011",
    outline=(
        (459_500, 571_000), (460_500, 576_500), (463_500, 579_000), (468_000, 579_800),
        (472_500, 579_300), (476_300, 578_600), (477_600, 576_000), (477_000, 573_200),
        (478_400, 570_800), (478_700, 568_300), (476_500, 566_600), (472_000, 566_200),
        (467_000, 566_800), (462_500, 568_000),
    ),
    precincts=(
        PrecinctSpec(1, "Stare Miasto", (470_500, 572_650), ((450, "centre"), (INF, "large"))),
        PrecinctSpec(
            2, "Bydgoskie Przedmieście", (467_600, 573_300),
            ((300, "centre"), (700, "suburban"), (INF, "forest")),
        ),
        PrecinctSpec(
            3, "Chełmińskie Przedmieście", (469_000, 575_000),
            ((350, "centre"), (800, "estate"), (INF, "large")),
        ),
        PrecinctSpec(
            4, "Jakubskie Przedmieście", (472_600, 572_700),
            ((300, "centre"), (850, "industrial"), (INF, "large")),
        ),
        PrecinctSpec(
            5, "Mokre", (471_300, 574_700), ((650, "estate"), (1000, "suburban"), (INF, "large"))
        ),
        PrecinctSpec(6, "Rubinkowo", (474_000, 574_300), ((950, "estate"), (INF, "large"))),
        PrecinctSpec(
            7, "Na Skarpie", (475_800, 573_200),
            ((650, "estate"), (1150, "industrial"), (INF, "large")),
        ),
        PrecinctSpec(8, "Wrzosy", (470_700, 577_300), ((650, "suburban"), (INF, "forest"))),
        PrecinctSpec(
            9, "Bielany", (466_200, 575_700), ((600, "estate"), (950, "large"), (INF, "forest"))
        ),
        PrecinctSpec(
            10, "Koniuchy", (473_500, 576_700),
            ((500, "suburban"), (1000, "industrial"), (INF, "fields")),
        ),
        PrecinctSpec(
            11, "Grębocin nad Strugą", (476_200, 577_300), ((500, "suburban"), (INF, "fields"))
        ),
        PrecinctSpec(12, "Kaszczorek", (477_000, 570_800), ((500, "suburban"), (INF, "fields"))),
        PrecinctSpec(13, "Barbarka", (464_000, 577_700), ((200, "suburban"), (INF, "forest"))),
        PrecinctSpec(
            14, "Podgórz", (468_200, 570_500),
            ((300, "centre"), (700, "suburban"), (INF, "forest")),
        ),
        PrecinctSpec(
            15, "Rudak", (471_200, 569_900),
            ((450, "suburban"), (850, "industrial"), (INF, "large")),
        ),
        PrecinctSpec(16, "Stawki", (465_300, 570_900), ((600, "suburban"), (INF, "forest"))),
        PrecinctSpec(17, "Czerniewice", (474_600, 568_900), ((450, "suburban"), (INF, "forest"))),
        PrecinctSpec(18, "Glinki", (468_400, 568_100), ((300, "suburban"), (INF, "forest"))),
        PrecinctSpec(19, "Katarzynka", (476_600, 567_600), ((250, "village"), (INF, "forest"))),
    ),
    postcode="87-100",
    post_office="Toruń",
    streets_per_precinct=False,
    town="Toruń",
)

LUBICZ = UnitSpec(
    slug="lubicz",
    terc="0415042",
    outline=(
        (474_000, 579_600), (476_000, 582_000), (481_000, 582_800), (486_500, 582_300),
        (489_800, 579_500), (490_000, 574_000), (488_800, 569_800), (486_000, 567_000),
        (480_000, 567_200), (476_000, 569_000), (476_500, 573_500), (475_000, 577_000),
    ),
    precincts=(
        PrecinctSpec(
            1, "Brzezinko", (485_800, 580_200), ((400, "village"), (INF, "fields")), False
        ),
        PrecinctSpec(
            2, "Grabowiec", (482_600, 578_700), ((400, "village"), (INF, "fields")), False
        ),
        PrecinctSpec(3, "Grębocin", (478_200, 576_300), ((1000, "suburban"), (INF, "fields"))),
        PrecinctSpec(4, "Gronowo", (484_600, 576_700), ((550, "village"), (INF, "fields"))),
        PrecinctSpec(5, "Jedwabno", (484_300, 570_900), ((400, "village"), (INF, "fields")), False),
        PrecinctSpec(6, "Józefowo", (479_900, 575_000), ((450, "suburban"), (INF, "fields"))),
        PrecinctSpec(7, "Kopanino", (481_900, 570_200), ((400, "village"), (INF, "forest")), False),
        PrecinctSpec(8, "Krobia", (479_200, 578_900), ((400, "village"), (INF, "fields")), False),
        PrecinctSpec(
            9, "Lubicz Dolny", (481_300, 572_600),
            ((350, "estate"), (1000, "suburban"), (INF, "fields")),
        ),
        PrecinctSpec(
            10, "Lubicz Górny", (482_700, 574_300),
            ((800, "suburban"), (1300, "industrial"), (INF, "fields")),
        ),
        PrecinctSpec(
            11, "Mierzynek", (476_900, 580_100), ((350, "village"), (INF, "fields")), False
        ),
        PrecinctSpec(
            12, "Młyniec Drugi", (488_500, 571_700), ((350, "village"), (INF, "forest")), False
        ),
        PrecinctSpec(
            13, "Młyniec Pierwszy", (486_300, 570_700), ((400, "village"), (INF, "forest"))
        ),
        PrecinctSpec(
            14, "Nowa Wieś", (480_700, 581_700), ((400, "village"), (INF, "fields")), False
        ),
        PrecinctSpec(15, "Rogowo", (488_700, 577_200), ((400, "village"), (INF, "fields")), False),
        PrecinctSpec(16, "Rogówko", (486_700, 573_900), ((450, "village"), (INF, "fields"))),
        PrecinctSpec(17, "Złotoria", (479_600, 569_500), ((650, "suburban"), (INF, "forest"))),
    ),
    postcode="87-162",
    post_office="Lubicz",
    streets_per_precinct=True,
)

# fmt: on

UNITS = (LUBICZ, TORUN)

# Street names: trees, flowers and birds, writers and artists, towns of the region, and the
# plain words every Polish village has. Towns use each once; villages repeat them.
_STREET_WORDS = """
Lipowa Klonowa Dębowa Brzozowa Sosnowa Świerkowa Jodłowa Modrzewiowa Topolowa Wierzbowa
Olchowa Jesionowa Grabowa Bukowa Kasztanowa Akacjowa Jaworowa Cisowa Jarzębinowa Głogowa
Leszczynowa Orzechowa Wiązowa Morwowa Wiśniowa Czereśniowa Jabłoniowa Gruszowa Śliwkowa
Malinowa Porzeczkowa Agrestowa Poziomkowa Jagodowa Różana Tulipanowa Storczykowa Fiołkowa
Konwaliowa Bzowa Jaśminowa Makowa Chabrowa Liliowa Słonecznikowa Wrzosowa Goździkowa
Astrowa Irysowa Piwoniowa Stokrotkowa Rumiankowa Narcyzowa Hiacyntowa Lawendowa Słowicza
Skowronkowa Jaskółcza Sikorkowa Czaplowa Bociania Żurawia Gołębia Sokola Orla Krucza
Szpacza Dzięciołowa Mickiewicza Słowackiego Kopernika Sienkiewicza Prusa Reymonta
Żeromskiego Konopnickiej Orzeszkowej Kochanowskiego Reja Krasickiego Fredry Norwida
Wyspiańskiego Tuwima Broniewskiego Gałczyńskiego Herberta Miłosza Szymborskiej Chopina
Moniuszki Matejki Kossaka Grottgera Kościuszki Pułaskiego Traugutta Kilińskiego Staszica
Kołłątaja Lelewela Batorego Chrobrego Sobieskiego Jagiellońska Piastowska Bydgoska Grudziądzka
Chełmińska Lubicka Gdańska Warszawska Poznańska Olsztyńska Lipnowska Włocławska
Inowrocławska Golubska Brodnicka Wąbrzeska Ciechocińska Kowalewska Aleksandrowska Łysomicka
Polna Leśna Łąkowa Ogrodowa Słoneczna Spacerowa Cicha Krótka Długa Wąska Szeroka Spokojna
Wesoła Zielona Kwiatowa Szkolna Kościelna Młyńska Rzeczna Wodna Nadrzeczna Graniczna
Boczna Prosta Kręta Widokowa Parkowa Sportowa Pogodna Jasna Miodowa Złota Srebrna Piaskowa
Kamienna Gliniana Rolnicza Żytnia Pszenna Owsiana Jęczmienna Gryczana Lniana Kolejowa
Przemysłowa Składowa Fabryczna Rzemieślnicza Handlowa Kupiecka Targowa Hutnicza Ceglana
Wiejska Dworska Ogrodnicza Sadowa Pszczela Bałtycka Zacisze Bursztynowa Koralowa
Szmaragdowa Rubinowa Perłowa Diamentowa Kryształowa Tęczowa Księżycowa Gwiaździsta
Promienna Wiosenna Letnia Jesienna Zimowa Majowa Czerwcowa Lipcowa Sierpniowa Wrześniowa
Astronomów Geodetów Kartografów Ogrodników Pszczelarzy Rybaków Flisaków Kowali Cieśli
Murarzy Stolarzy Szewców Piekarzy Młynarzy Garncarzy Tkaczy Żeglarzy Lotników Harcerzy
Bema Sowińskiego Dąbrowskiego Kasprowicza Tetmajera Asnyka Kraszewskiego Rejtana Jasińskiego
Kordeckiego Czarnieckiego Żółkiewskiego Chodkiewicza Zamoyskiego Skargi Długosza Modrzewskiego
Hallera Sikorskiego Andersa Maczka Witosa Paderewskiego Korczaka Kolberga Wieniawskiego
Szymanowskiego Paganiniego Kiepury Modrzejewskiej Solskiego Osterwy Boya-Żeleńskiego Iwaszkiewicza
Dąbrowskiej Nałkowskiej Kruczkowskiego Przybosia Baczyńskiego Lechonia Staffa Leśmiana
Krakowska Lubelska Kielecka Radomska Płocka Sierpecka Rypińska Chełmżyńska Kujawska Pomorska
Mazowiecka Wielkopolska Śląska Kaszubska Warmińska Mazurska Podlaska Kociewska Dobrzyńska
Sarnia Jelenia Lisia Zajęcza Borsucza Wilcza Rysia Żubrowa Łosia Wiewiórcza Bobrowa Kunia
Kalinowa Tarninowa Wiklinowa Trzcinowa Paprociowa Konopna Chmielowa Ziołowa Mokra Sucha
Stawowa Źródlana Jeziorna Brzegowa Wydmowa Borowa Grzybowa Zbożowa Kłosowa Żniwna
Kurpiowska Uroczysko Zakątek Ustronie Przylesie Podgórna Górna Dolna Środkowa Nowa
"""
STREETS = _STREET_WORDS.split()
MAIN_STREETS = ("Toruńska", "Główna", "Szosa Lubicka", "Szosa Chełmińska", "Szosa Okrężna")
