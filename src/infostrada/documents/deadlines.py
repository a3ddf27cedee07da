"""Deadlines of administrative proceedings under the KPA.

Kodeks postępowania administracyjnego (Dz.U. 2024 poz. 572, as amended):
- art. 35 § 3: a case that needs explanatory proceedings is settled within
  one month, a particularly complex one within two months, from the start of
  the proceedings (art. 61 § 3: for an application, the day the authority
  received it);
- art. 35 § 5: periods of suspension (and delays caused by the party or
  beyond the authority's control) are not counted;
- art. 57 § 3: a deadline in months ends on the day of the last month that
  corresponds by number to the starting day, or on the last day of that month
  if it has no such day;
- art. 57 § 4: a deadline ending on a public holiday or a Saturday ends on
  the next working day (Ustawa o dniach wolnych od pracy; Sundays are
  public holidays too).
"""

from __future__ import annotations

import calendar
import datetime
from functools import lru_cache

import holidays

from infostrada.documents.models.cases import DeadlineKind

MONTHS = {DeadlineKind.ONE_MONTH: 1, DeadlineKind.TWO_MONTHS: 2}
# Officials' lists mark a deadline this close as due soon.
DUE_SOON_DAYS = 7


@lru_cache(maxsize=64)
def _polish_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.Poland(years=year).keys())


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _polish_holidays(day.year)


def add_months(start: datetime.date, months: int) -> datetime.date:
    """KPA art. 57 § 3: the same day number, or the month's last day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def next_working_day(day: datetime.date) -> datetime.date:
    """KPA art. 57 § 4: move off Saturdays, Sundays and public holidays."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def statutory_deadline(
    kind: str,
    started_on: datetime.date,
    *,
    suspended_days: int = 0,
    custom: datetime.date | None = None,
) -> datetime.date | None:
    """The date by which the case must be settled, or None without a fixed date."""
    if kind in MONTHS:
        end = add_months(started_on, MONTHS[kind])
    elif kind == DeadlineKind.CUSTOM and custom is not None:
        end = custom
    else:
        return None
    return next_working_day(end + datetime.timedelta(days=suspended_days))


def days_remaining(deadline: datetime.date | None, today: datetime.date) -> int | None:
    return None if deadline is None else (deadline - today).days
