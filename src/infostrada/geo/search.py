"""Finding parcels for the geoportal: by identifier, by precinct and number, by address.

One search box takes three kinds of query (``/<unit>/geoportal/szukaj/?q=``):

* a parcel identifier as the register writes it, ``041504_2.0001.123/4``, or
  its beginning (``041504_2.0001``); the URL form with ``-`` for ``/`` and the
  TERC code without its underscore are accepted too;
* a precinct (obręb) by name or number and a parcel number:
  ``Lubicz Dolny 123/4``, ``0001 123/4``, ``Grabowiec dz. 12``; a number alone
  finds it in every precinct, and ``123`` also finds ``123/1``, ``123/2``
  (the parts of a divided parcel);
* an address, case- and diacritics-insensitive: ``torunska 12 lubicz``.

Identifier and precinct/number queries are answered through the indexes on
Parcel ((unit, identifier) and (unit, precinct, number)). An address is matched
word by word, which a B-tree index cannot do case- and accent-insensitively on
both databases, so each unit's distinct addresses and its precincts are kept
normalised in Django's cache under a key that changes whenever the unit's
parcels or layers change (count, highest id, the layers' last update): an
import invalidates it, no process keeps state of its own, and the lookup then
reads only the matching parcels by (unit, address).

A parcel's identifier contains ``/`` (``123/4``); in URLs it is written with
``-`` instead (``041504_2.0001.123-4``), which no identifier contains.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _

from infostrada.geo.identifiers import IdentifierError, parse_parcel_id, valid_parcel_number
from infostrada.geo.models import Layer, Parcel, Precinct
from infostrada.tenancy.models import Unit
from infostrada.tenancy.text import fold

MAX_QUERY = 100
LIMIT = 50
CACHE_SECONDS = 3600
# Words that addresses write in different ways ("ul. Toruńska", "Toruńska"):
# left out of the query unless nothing else remains.
_ADDRESS_NOISE = frozenset({"ul", "al", "os", "pl", "nr", "dz", "m"})
_WORD = re.compile(r"[^\W_]+")
_TERC_PART = re.compile(r"^(\d{6})_?(\d)(?=\.|$)")
_PARTIAL_ID = re.compile(r"^\d{6}_\d(?:\.\d{1,4}(?:\.(?:AR_\d{1,4}\.?)?[\d/]*)?)?\.?$")
_NUMBER = r"\d{1,6}(?:[/-]\d{1,6})?"
_PRECINCT_AND_NUMBER = re.compile(
    rf"^(?P<precinct>.+?)[\s,.]+(?:(?:dz|działka|dzialka|nr)\.?\s*)?(?P<number>{_NUMBER})$",
    re.IGNORECASE,
)
_NUMBER_ONLY = re.compile(rf"^(?:(?:dz|działka|dzialka|nr)\.?\s*)?(?P<number>{_NUMBER})$", re.I)


def normalise(text: str) -> str:
    """Lower case without diacritics, as every finder folds (``tenancy.text.fold``)."""
    return fold(text)


def words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(normalise(text)))


# -- identifiers in URLs ------------------------------------------------------


def url_identifier(identifier: str) -> str:
    """The URL form of a parcel identifier: ``/`` written as ``-``."""
    return identifier.replace("/", "-")


def identifier_from_url(value: str) -> str:
    """The register's identifier from its URL form; IdentifierError if it is none."""
    if "/" in value:
        raise IdentifierError(value)
    return str(parse_parcel_id(value.replace("-", "/")))


def number_key(number: str) -> tuple[int, ...]:
    """``123/4`` → (123, 4): parcel numbers in natural order (9 before 10)."""
    return tuple(int(p) if p.isdigit() else 0 for p in number.split("/"))


def unit_teryt_of(terc_part: str) -> str:
    """The TERC of the unit keeping a parcel from its identifier's ``WWPPGG_R``.

    The town (4) and rural area (5) of an urban-rural gmina belong to the gmina
    (type 3); districts (8) and delegations (9) to their city (type 1).
    """
    digits = terc_part.replace("_", "")
    kind = digits[6:7]
    return digits[:6] + {"4": "3", "5": "3", "8": "1", "9": "1"}.get(kind, kind)


# -- results ------------------------------------------------------------------


@dataclass(frozen=True)
class ParcelHit:
    unit_id: int
    unit_slug: str
    identifier: str
    precinct: str
    precinct_name: str
    number: str
    address: str
    feature_id: int
    bbox: tuple[float, float, float, float]  # EPSG:2180
    matched: str  # "identifier", "precinct" or "address"

    @property
    def url_identifier(self) -> str:
        return url_identifier(self.identifier)

    @property
    def sort_key(self) -> tuple[str, tuple[int, ...], str]:
        return (self.precinct, number_key(self.number), self.identifier)


@dataclass
class SearchResult:
    query: str
    hits: list[ParcelHit] = field(default_factory=list)
    more: bool = False  # more matches than LIMIT
    problem: str = ""  # why nothing was searched


# -- the per-unit index of precincts and addresses ------------------------------


@dataclass(frozen=True)
class UnitIndex:
    precincts: dict[str, str]  # WWPPGG_R.OOOO -> name ("" when no Precinct row)
    # One line per distinct address: " its normalised words \t the address itself".
    # A single string pickles into the cache and back at memory speed, and a
    # regular expression runs over all of it in C.
    addresses: str


def _stamp(unit: Unit) -> str:
    parcels = Parcel.objects.for_unit(unit).aggregate(n=Count("id"), last=Max("id"))
    layers = Layer.objects.for_unit(unit).aggregate(changed=Max("updated_at"))
    changed = layers["changed"].timestamp() if layers["changed"] else 0
    return f"{parcels['n']}-{parcels['last'] or 0}-{changed:.6f}"


def unit_index(unit: Unit) -> UnitIndex:
    """The unit's precincts and normalised addresses, from the cache when unchanged."""
    key = f"geo:search-index:v2:{unit.pk}:{_stamp(unit)}"
    index = cache.get(key)
    if index is None:
        precincts = dict.fromkeys(
            Parcel.objects.for_unit(unit).order_by().values_list("precinct", flat=True).distinct(),
            "",
        )
        precincts.update(Precinct.objects.for_unit(unit).values_list("identifier", "name"))
        addresses = (
            Parcel.objects.for_unit(unit)
            .exclude(address="")
            .order_by()
            .values_list("address", flat=True)
            .distinct()
        )
        lines = (
            f" {' '.join(words(a))} \t{a}" for a in addresses if "\t" not in a and "\n" not in a
        )
        index = UnitIndex(precincts=precincts, addresses="\n".join(lines))
        cache.set(key, index, CACHE_SECONDS)
    return index


# -- the search ---------------------------------------------------------------


_HIT_FIELDS = (
    "unit_id",
    "identifier",
    "precinct",
    "number",
    "address",
    "feature_id",
    "feature__minx",
    "feature__miny",
    "feature__maxx",
    "feature__maxy",
)


def _hits(unit: Unit, condition: Q, matched: str, limit: int = LIMIT + 1) -> list[ParcelHit]:
    rows = (
        Parcel.objects.for_unit(unit)
        .filter(condition)
        .order_by("identifier")
        .values_list(*_HIT_FIELDS)[:limit]
    )
    return [
        ParcelHit(
            unit_id=unit_id,
            unit_slug=unit.slug,
            identifier=identifier,
            precinct=precinct,
            precinct_name="",
            number=number,
            address=address,
            feature_id=feature_id,
            bbox=tuple(box),  # type: ignore[arg-type]
            matched=matched,
        )
        for (unit_id, identifier, precinct, number, address, feature_id, *box) in rows
    ]


def _identifier_text(query: str) -> str:
    """The query written as an identifier would be: no spaces, ``_`` in the TERC, ``/``."""
    text = query.replace(" ", "")
    text = _TERC_PART.sub(r"\1_\2", text)
    head, dot, tail = text.rpartition(".")
    if dot and "-" in tail:
        text = f"{head}.{tail.replace('-', '/')}"
    return text


_ID_PARTS = re.compile(r"^(?P<terc>\d{6}_\d)\.(?P<code>\d{4})(?:\.(?P<number>[\d/]*))?$")


def _identifier_condition(ident: str) -> Q:
    """Parcels with this identifier, or whose identifier begins so.

    Kept to index ranges: a whole identifier is one entry of (unit,
    identifier); a precinct and the beginning of a number read one precinct
    of (unit, precinct, number) — a LIKE over all of a unit's identifiers
    would not use the index on SQLite (LIKE there ignores case).
    """
    try:
        full = parse_parcel_id(ident)
    except IdentifierError:
        full = None
    if full is not None:
        if full.sheet or "/" in full.number:
            return Q(identifier=str(full))
        return Q(precinct=full.precinct_id) & _number_condition(full.number)
    parts = _ID_PARTS.match(ident.rstrip("."))
    if parts is not None:
        condition = Q(precinct=f"{parts['terc']}.{parts['code']}")
        if parts["number"]:
            condition &= Q(number__startswith=parts["number"])
        return condition
    return Q(identifier__startswith=ident.rstrip("."))


def _number_condition(number: str) -> Q:
    """``123/4`` exactly; ``123`` also as the parts ``123/…`` of a divided parcel."""
    if "/" in number:
        return Q(number=number)
    return Q(number=number) | Q(number__startswith=f"{number}/")


def _matching_precincts(index: UnitIndex, text: str) -> list[str]:
    """Precincts named (or numbered, or identified) by ``text``."""
    wanted = " ".join(words(text))
    if not wanted:
        return []
    found = []
    for identifier, name in index.precincts.items():
        code = identifier.rpartition(".")[2]
        if wanted.isdigit():
            if code.isdigit() and int(code) == int(wanted):
                found.append(identifier)
        elif normalise(identifier) == wanted.replace(" ", "_", 1).replace(" ", "."):
            found.append(identifier)
        else:
            name_words = " ".join(words(name))
            if name_words and (
                name_words == wanted or (len(wanted) >= 3 and name_words.startswith(wanted))
            ):
                found.append(identifier)
    return found


def _token_pattern(token: str) -> str:
    """A word starting with ``token``; a number only whole (12 finds 12 and 12a, not 120)."""
    pattern = " " + re.escape(token)
    return pattern + "(?![0-9])" if any(ch.isdigit() for ch in token) else pattern


def _address_matches(index: UnitIndex, tokens: Sequence[str], limit: int) -> list[str]:
    """Addresses having every token (the longest one scanned for first)."""
    first = max(tokens, key=len)
    lines = re.compile(rf"^([^\t\n]*{_token_pattern(first)}[^\t\n]*)\t(.*)$", re.MULTILINE)
    others = [re.compile(_token_pattern(t)) for t in tokens if t != first]
    found: list[str] = []
    for match in lines.finditer(index.addresses):
        if all(p.search(match.group(1)) for p in others):
            found.append(match.group(2))
            if len(found) >= limit:
                break
    return found


def search_parcels(
    query: str, *, units: Sequence[Unit], region: QuerySet[Unit] | None = None
) -> SearchResult:
    """Parcels of ``units`` matching ``query``.

    An identifier names its gmina (TERC), so identifiers are also looked up in
    the unit of ``region`` (e.g. the gminy of a powiat) that the TERC points to.
    """
    text = " ".join((query or "").split())[:MAX_QUERY]
    result = SearchResult(query=text)
    if not text:
        result.problem = _("Type a parcel identifier, a precinct and parcel number, or an address.")
        return result
    by_teryt = {u.teryt: u for u in units if u.teryt}
    hits: dict[str, ParcelHit] = {}

    def add(found: list[ParcelHit]) -> None:
        for hit in found:
            hits.setdefault(hit.identifier, hit)

    ident = _identifier_text(text)
    terc = _TERC_PART.match(ident)
    if terc is not None and (_PARTIAL_ID.match(ident) or _looks_complete(ident)):
        teryt = unit_teryt_of(terc.group(0))
        unit = by_teryt.get(teryt)
        if unit is None and region is not None:
            unit = region.filter(teryt=teryt).first()
        if unit is None:
            result.problem = _("This identifier belongs to a unit outside this geoportal.")
            return result
        add(_hits(unit, _identifier_condition(ident), "identifier"))
        return _finish(result, hits)

    for unit in units:
        index = unit_index(unit)
        number_only = _NUMBER_ONLY.match(text)
        pair = _PRECINCT_AND_NUMBER.match(text)
        if number_only is not None:
            number = number_only["number"].replace("-", "/")
            if valid_parcel_number(number) and index.precincts:
                condition = Q(precinct__in=list(index.precincts)) & _number_condition(number)
                add(_hits(unit, condition, "precinct"))
        elif pair is not None:
            number = pair["number"].replace("-", "/")
            precincts = _matching_precincts(index, pair["precinct"])
            if precincts and valid_parcel_number(number):
                condition = Q(precinct__in=precincts) & _number_condition(number)
                add(_hits(unit, condition, "precinct"))
        if any(ch.isalpha() for ch in text):
            tokens = list(words(text))
            tokens = [t for t in tokens if t not in _ADDRESS_NOISE] or tokens
            addresses = _address_matches(index, tokens, LIMIT + 1)
            if addresses:
                add(_hits(unit, Q(address__in=addresses), "address"))
        if len(hits) > LIMIT:
            break
    return _finish(result, hits)


def _looks_complete(ident: str) -> bool:
    try:
        parse_parcel_id(ident)
    except IdentifierError:
        return False
    return True


_ORDER = {"identifier": 0, "precinct": 1, "address": 2}


def _finish(result: SearchResult, hits: dict[str, ParcelHit]) -> SearchResult:
    ordered = sorted(hits.values(), key=lambda h: (_ORDER[h.matched], h.sort_key))
    result.more = len(ordered) > LIMIT
    shown = ordered[:LIMIT]
    names = (
        dict(
            Precinct.objects.filter(
                unit_id__in={h.unit_id for h in shown}, identifier__in={h.precinct for h in shown}
            ).values_list("identifier", "name")
        )
        if shown
        else {}
    )
    result.hits = [replace(h, precinct_name=names.get(h.precinct, "")) for h in shown]
    return result
