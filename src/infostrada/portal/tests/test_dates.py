"""Dates are written one way on every page: 07.12.2026 and 07.12.2026 14:05."""

import datetime
import re
from pathlib import Path

import pytest
from django.template import Context, Template, engines
from django.utils import translation

import infostrada


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_formats_in_both_languages(language):
    template = Template(
        '{{ d }}|{{ d|date }}|{{ d|date:"DATE_FORMAT" }}|{{ m|date:"DATETIME_FORMAT" }}|{{ m }}'
    )
    context = Context({"d": datetime.date(2026, 12, 7), "m": datetime.datetime(2026, 12, 7, 14, 5)})
    with translation.override(language):
        assert template.render(context) == (
            "07.12.2026|07.12.2026|07.12.2026|07.12.2026 14:05|07.12.2026 14:05"
        )


# A literal ISO pattern is right only where a machine reads it: a <time datetime>
# attribute, a date input's value, the accessibility statement (its national
# specification prescribes RRRR-MM-DD). Such uses are written with single quotes.
ISO_FOR_PEOPLE = re.compile(r'\|date:"Y-m-d')


def test_no_template_writes_iso_dates_for_people():
    root = Path(infostrada.__file__).parent
    dirs = [Path(d) for d in engines["django"].engine.dirs] + list(root.glob("*/templates"))
    files = sorted({f for d in dirs for f in d.rglob("*.html")})
    assert files
    found = [str(f.relative_to(root)) for f in files if ISO_FOR_PEOPLE.search(f.read_text())]
    assert found == []


def test_a_deadline_in_my_tasks_is_shown_in_the_format():
    from infostrada.documents.templatetags.ezd import deadline

    class Case:
        deadline = datetime.date(2026, 12, 7)
        status = "closed"

    assert str(deadline(Case(), None)) == '<time datetime="2026-12-07">07.12.2026</time>'
