"""The ``datetime`` parameter of OGC API - Features: an instant or an interval, checked.

OGC API - Features Part 1 (OGC 17-069r4), 7.15.4: the value is a date-time
of RFC 3339 (section 5.6: ``2018-02-12T23:20:50Z``, an offset or ``Z``
required, fractions of a second allowed) or an interval of two of them
separated by ``/``, where an open end is ``..`` or empty
(``2018-02-12T00:00:00Z/..``, ``../2018-03-18T12:31:12Z``). Dates alone
(RFC 3339 ``full-date``) are taken too, as the reference implementation
(ldproxy) and the OGC test suite's date ranges use them.

The layers have no time dimension, so a valid value selects every feature
(the standard leaves to the server which temporal property, if any, is
used); an invalid one is a 400, never silently ignored.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from infostrada.geo.ogc.common import OgcError, bad_request

_DATE = r"\d{4}-\d{2}-\d{2}"
_TIME = r"\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})"
_INSTANT = re.compile(rf"(?P<date>{_DATE})(?:[Tt](?P<time>{_TIME}))?")
_OPEN = ("", "..")


@dataclass(frozen=True)
class Interval:
    """A closed interval of UTC instants; None is an open end (an instant: start == end)."""

    start: datetime.datetime | None
    end: datetime.datetime | None


def _invalid(raw: str) -> OgcError:
    return bad_request(
        _(
            "Parameter datetime must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z, "
            "a date, or an interval of them separated by /, with .. for an open end; "
            "not %(value)r."
        )
        % {"value": raw}
    )


def _instant(text: str, raw: str, *, end: bool) -> datetime.datetime:
    """One instant in UTC; a date alone is its first (start) or last (end) moment."""
    match = _INSTANT.fullmatch(text)
    if match is None:
        raise _invalid(raw)
    try:
        day = datetime.date.fromisoformat(match["date"])
        if match["time"] is None:
            moment = datetime.time.max if end else datetime.time.min
            return datetime.datetime.combine(day, moment, datetime.UTC)
        time = match["time"].upper()
        if time[6:8] == "60":  # RFC 3339 allows a leap second; Python's datetime does not
            time = time[:6] + "59" + time[8:]
        value = datetime.datetime.fromisoformat(f"{match['date']}T{time}")
    except ValueError:  # 2026-02-30, 25:00, an offset of +24:00
        raise _invalid(raw) from None
    return value.astimezone(datetime.UTC)


def parse_datetime(raw: str | None) -> Interval | None:
    """The interval a ``datetime`` value selects (None when absent); OgcError when invalid."""
    if raw is None:
        return None
    text = raw.strip()
    if "/" not in text:
        if text in _OPEN:
            raise _invalid(raw)
        moment = _instant(text, raw, end=False)
        if _INSTANT.fullmatch(text)["time"] is None:  # type: ignore[index]
            return Interval(moment, _instant(text, raw, end=True))
        return Interval(moment, moment)
    first, _slash, second = text.partition("/")
    if first == "" and second == "":  # "/": nothing said at all
        raise _invalid(raw)
    start = None if first in _OPEN else _instant(first, raw, end=False)
    end = None if second in _OPEN else _instant(second, raw, end=True)
    if start is not None and end is not None and start > end:
        raise bad_request(
            _("In a datetime interval the start must not be later than the end (%(value)s).")
            % {"value": raw}
        )
    return Interval(start, end)
