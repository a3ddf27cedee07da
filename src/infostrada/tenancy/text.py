"""Text folding for finders: what a resident types without Polish letters still matches.

A resident on a phone or a foreign keyboard types "Torun", "Lodz" or "zagorz";
the names are "Toruń", "Łódź", "Zagórz". Every finder compares names folded
the same way: lower case, diacritics dropped. Unicode decomposes ą, ć, ę, ń,
ó, ś, ź, ż into a base letter and a combining mark, but ł/Ł (and ß, đ) are
letters of their own with no decomposition, so they are mapped first.

This module sits in the lowest layer (tenancy) so that every context may use
it: the unit finder here, the geoportal's parcel and address search above.
"""

from __future__ import annotations

import unicodedata

# Letters NFKD does not decompose into a base letter plus a mark.
_SPECIAL = str.maketrans({"ł": "l", "Ł": "l", "ß": "ss", "đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower case without diacritics: ``fold("Łódź") == fold("lodz") == "lodz"``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL).lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
