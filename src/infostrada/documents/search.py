"""Full-text search over cases, behind one small module for both databases.

What is searched: the case's signature, title, description, JRWA class,
department, parties (names, PESEL/NIP/REGON), its incoming items (numbers,
subjects, senders' references) and the titles and extracted text of every
document in its file. Results are limited to the cases the official may see
(documents.access) inside the database query, not after it.

Polish inflects heavily ("działka", "działki", "działkach"). A dictionary
stemmer (pystempel) was measured: 9.6 s and 185 MB per worker process to load
its good table, and wrong stems with the small one; instead each query word
is matched as a prefix of its first letters (at most six, at
least four), which finds the inflected forms of the same word. See
docs/decisions/0010-full-text-search.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from infostrada.audit.context import Actor
from infostrada.documents import access
from infostrada.documents.models import (
    Case,
    CaseParty,
    Document,
    DocumentVersion,
    IncomingItem,
    SearchEntry,
)
from infostrada.tenancy.models import Unit
from infostrada.tenancy.text import fold

MAX_BODY_CHARS = 400_000  # PostgreSQL's tsvector holds at most 1 MB
MAX_TERMS = 8
WINDOW = 1000  # newest visible hits ranked (search_cases)
_WORD = re.compile(r"\w+")
# DEPT.JRWA.NUMBER.YEAR (instrukcja kancelaryjna § 53), e.g. ZP.6730.12.2026 or
# OR-I.0012.3.2026: no spaces, at least four dot-separated parts, the year last.
_SIGNATURE = re.compile(r"[^\s.]+(?:\.[^\s.]+){2,}\.\d{4}")


def normalise(text: str) -> str:
    """Lower case without diacritics: the platform's one folding (tenancy.text.fold)."""
    return fold(text)


def terms(query: str) -> list[str]:
    """The query's words as index terms: numbers exact, words as short prefixes.

    A word is cut to its first letters (at most six; three letters less than
    its length, but never fewer than four or than the word) and matched as a
    prefix: "działkach" → "dzialk*" finds działka, działki, działkach.
    """
    out: list[str] = []
    for word in _WORD.findall(normalise(query))[:MAX_TERMS]:
        if any(ch.isdigit() for ch in word):
            out.append(word)
        else:
            keep = min(6, max(min(len(word), 4), len(word) - 3))
            out.append(word[:keep] + "*")
    return out


_INDEXED_PREFIX = re.compile(r"[a-z]{4,6}")


def _pg_term(term: str) -> str:
    """A query term as PostgreSQL tsquery syntax.

    The index holds the 4-, 5- and 6-letter prefixes of every a-z word as
    words of their own (migration documents.0004), so such a prefix is looked
    up as one exact word, not merged from every word that starts with it.
    """
    if not term.endswith("*"):
        return f"'{term}'"
    prefix = term[:-1]
    return f"'{prefix}'" if _INDEXED_PREFIX.fullmatch(prefix) else f"'{prefix}':*"


def case_text(
    case: Case, parties: Iterable[CaseParty] | None = None, *, with_files: bool = True
) -> str:
    """Everything searchable about one case, normalised, capped in size.

    ``parties`` given are used instead of reading them; ``with_files=False``
    says the case has no items and no documents yet (just opened from
    nothing), so none are read.
    """
    unit_id = case.unit_id
    parts: list[str] = [
        case.signature,
        case.signature.replace(".", " "),
        case.title,
        case.description,
        f"{case.class_symbol} {case.class_title}",
        case.department.symbol,
        case.department.name,
        case.closing_note,
    ]
    if parties is None:
        parties = CaseParty.objects.for_unit(unit_id).filter(case=case)
    for party in parties:
        parts += [party.correspondent_name, party.pesel, party.nip, party.regon, party.city]
    if not with_files:
        return normalise("\n".join(p for p in parts if p))
    for item in IncomingItem.objects.for_unit(unit_id).filter(case=case):
        parts += [
            item.register_number,
            item.subject,
            item.sender_reference,
            item.correspondent_name,
        ]
    documents = Document.objects.for_unit(unit_id).filter(case=case).order_by("position")
    latest: dict[int, str] = {}
    for document_id, text in (
        DocumentVersion.objects.for_unit(unit_id)
        .filter(document__case=case)
        .order_by("document_id", "number")
        .values_list("document_id", "text")
    ):
        latest[document_id] = text
    size = sum(len(p) for p in parts if p)
    for document in documents:
        parts.append(document.title)
        text = latest.get(document.pk, "")
        room = MAX_BODY_CHARS - size
        if room <= 0:
            break
        parts.append(text[:room])
        size += len(document.title) + min(len(text), room)
    return normalise("\n".join(p for p in parts if p))


def reindex_case(case: Case) -> None:
    """Rebuild the case's search row (inside the operation's transaction)."""
    body = case_text(case)
    SearchEntry.objects.for_unit(case.unit_id).update_or_create(
        case=case, defaults={"unit_id": case.unit_id, "body": body}
    )


def index_new_case(case: Case, parties: list[CaseParty]) -> None:
    """Index a case opened from nothing in this transaction, without reading it back.

    Its parties are the ones just written and it has no items or documents:
    eight fewer queries than ``reindex_case`` on the path every opening takes.
    """
    SearchEntry.objects.create(
        unit_id=case.unit_id, case=case, body=case_text(case, parties, with_files=False)
    )


def reindex_cases(cases: Any) -> int:
    count = 0
    for case in cases.select_related("department"):
        with transaction.atomic():
            reindex_case(case)
        count += 1
    return count


def ranked_page(cases: QuerySet[Case], ranked: list[int], limit: int) -> list[Case]:
    """The first ``limit`` ranked case ids that ``cases`` (with its filters) holds, in rank order.

    Which ids pass is asked for ids only, then only the page's cases are
    loaded: up to 500 ranked cases were loaded whole to show 50.
    """
    passing = set(cases.filter(pk__in=ranked).values_list("pk", flat=True))
    page = [pk for pk in ranked if pk in passing][:limit]
    found = {c.pk: c for c in cases.filter(pk__in=page)}
    return [found[pk] for pk in page]


def search_cases(
    actor: Actor | Any, unit: Unit, query: str, *, limit: int = 50
) -> list[tuple[int, float]]:
    """(case id, score) of the visible cases matching every word, best first.

    A query that is exactly a visible case's signature puts that case first:
    term ranking alone favours whichever case repeats the signature's numbers
    most (an appeal quoting it, a case with many parcels numbered alike).

    Visibility is checked per hit (an index lookup of the hit's case), so the
    cost follows the number of hits, not the number of cases the official may
    see. A query matching more than ``WINDOW`` visible cases ranks the newest
    ``WINDOW`` of them (a single common word matches a third of a large
    unit's cases; ranking all of them costs seconds and adds nothing a
    second word would not). See docs/decisions/0010-full-text-search.md.
    """
    exact = _exact_signature(actor, unit, query)
    hits = _ranked_hits(actor, unit, query, limit)
    if exact is None:
        return hits
    best = hits[0][1] if hits else 0.0
    return [(exact, best), *[hit for hit in hits if hit[0] != exact]][:limit]


def _exact_signature(actor: Actor | Any, unit: Unit, query: str) -> int | None:
    """The visible case whose signature is the whole query (``ZP.6730.12.2026``), if any.

    Looked up by the (unit, signature) unique index, as typed and in capitals
    (department symbols are capitals; people type "zp.6730.12.2026" too).
    """
    typed = query.strip()
    if not _SIGNATURE.fullmatch(typed):
        return None
    return (
        access.visible_cases(actor, unit)
        .filter(signature__in={typed, typed.upper()})
        .values_list("pk", flat=True)
        .first()
    )


def _ranked_hits(actor: Actor | Any, unit: Unit, query: str, limit: int) -> list[tuple[int, float]]:
    query_terms = terms(query)
    if not query_terms:
        return []
    visible_sql, visible_params = (
        access.visible_cases(actor, unit)
        .order_by()
        .filter(pk=RawSQL("e.case_id", ()))
        .values("pk")
        .query.sql_with_params()
    )
    if connection.vendor == "postgresql":
        tsquery = " & ".join(_pg_term(t) for t in query_terms)
        sql = (
            "SELECT case_id, score FROM ("  # noqa: S608 (compiled by Django)
            "SELECT e.case_id, ts_rank(e.tsv, q) AS score "
            "FROM documents_searchentry e, to_tsquery('simple', %s) q "
            "WHERE e.tsv @@ q AND e.unit_id = %s "
            f"AND EXISTS ({visible_sql}) "
            "ORDER BY e.id DESC LIMIT %s) hits "
            "ORDER BY score DESC, case_id DESC LIMIT %s"
        )
        params = [tsquery, unit.pk, *visible_params, WINDOW, limit]
    else:
        match = " ".join(f'"{t[:-1]}"*' if t.endswith("*") else f'"{t}"' for t in query_terms)
        sql = (
            "SELECT case_id, score FROM ("  # noqa: S608 (compiled by Django)
            "SELECT e.case_id, bm25(documents_searchentry_fts) AS score "
            "FROM documents_searchentry_fts "
            "JOIN documents_searchentry e ON e.id = documents_searchentry_fts.rowid "
            "WHERE documents_searchentry_fts MATCH %s AND e.unit_id = %s "
            f"AND EXISTS ({visible_sql}) "
            "ORDER BY documents_searchentry_fts.rowid DESC LIMIT %s) "
            "ORDER BY score, case_id DESC LIMIT %s"
        )
        params = [match, unit.pk, *visible_params, WINDOW, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], float(row[1])) for row in cursor.fetchall()]
