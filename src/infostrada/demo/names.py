"""Polish personal names for the demo, with the first name and the surname agreeing.

A Polish surname declined like an adjective has a feminine form: Kowalski →
Kowalska, Czarnecki → Czarnecka, Zawadzki → Zawadzka (the -ski, -cki and -dzki
surnames); a surname declined like a noun (Nowak, Wójcik, Mazur) is the same
for a woman and a man. "Anna Kowalski" is a mistake a Polish reader notices at
once, so every demo person is built here: a first name of one gender and the
surname in that gender's form.
"""

from __future__ import annotations

from infostrada.demo.ezd_words import MEN, SURNAMES, WOMEN

# Adjectival endings in their masculine form (SURNAMES lists masculine forms).
_ADJECTIVAL = ("ski", "cki", "dzki")


def surname_for(surname: str, *, female: bool) -> str:
    """The surname in the form a man or a woman bears (``surname`` is masculine)."""
    if female and surname.endswith(_ADJECTIVAL):
        return surname[:-1] + "a"
    return surname


def person(n: int) -> tuple[str, str, bool]:
    """The ``n``-th demo person: (first name, surname, female), always the same for ``n``."""
    female = n % 2 == 0
    first_names = WOMEN if female else MEN
    first = first_names[(n // 2) % len(first_names)]
    # 7 is coprime with the length of SURNAMES, so consecutive people differ.
    return first, surname_for(SURNAMES[(n * 7) % len(SURNAMES)], female=female), female
