"""The Polish catalogue is complete and compiled; English is the message ids."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

import infostrada

LOCALE = Path(infostrada.__file__).parent / "locale" / "pl" / "LC_MESSAGES"


def _entries(po: str):
    """(msgid, msgstrs, flags) of each entry, parsed with the standard library only."""
    entries, flags, msgid, strs, current = [], "", None, [], None

    def close():
        if msgid is not None:
            entries.append((msgid, strs, flags))

    for line in [*po.splitlines(), ""]:
        if not line.strip():
            close()
            flags, msgid, strs, current = "", None, [], None
        elif line.startswith("#,"):
            flags = line
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid "):
            msgid, current = line[6:].strip('"'), "id"
        elif line.startswith("msgid_plural"):
            current = "plural"
        elif line.startswith("msgstr"):
            strs.append(line.split(" ", 1)[1].strip('"'))
            current = "str"
        elif line.startswith('"'):
            if current == "id":
                msgid += line.strip('"')
            elif current == "str":
                strs[-1] += line.strip('"')
    return entries


def test_every_polish_message_is_translated():
    po = (LOCALE / "django.po").read_text()
    missing = [
        msgid
        for msgid, strs, flags in _entries(po)
        if msgid and (not all(strs) or "fuzzy" in flags)
    ]
    assert missing == [], f"untranslated or fuzzy: {missing[:10]}"


def test_every_message_of_the_code_is_in_the_catalogue(tmp_path, monkeypatch, settings):
    """``make messages`` on a copy of the code adds nothing untranslated to the catalogue.

    The check above only sees what the catalogue holds; this one extracts the
    messages of every module and template (as ``make messages`` does) and
    fails on any that the committed catalogue lacks.
    """
    if shutil.which("xgettext") is None:
        pytest.skip("xgettext (gettext) is not installed")
    source = Path(infostrada.__file__).parent
    copy = tmp_path / "infostrada"
    shutil.copytree(
        source, copy, ignore=shutil.ignore_patterns("__pycache__", "tests", "static", "*.mo")
    )
    settings.LOCALE_PATHS = [str(copy / "locale")]
    monkeypatch.chdir(copy)
    call_command(
        "makemessages", locale=["pl"], no_obsolete=True, ignore_patterns=["tests/*"], verbosity=0
    )
    po = (copy / "locale" / "pl" / "LC_MESSAGES" / "django.po").read_text()
    missing = [
        msgid
        for msgid, strs, flags in _entries(po)
        if msgid and (not all(strs) or "fuzzy" in flags)
    ]
    assert missing == [], f"{len(missing)} messages without a translation, e.g. {missing[:10]}"


def test_compiled_catalogue_is_up_to_date(tmp_path):
    try:
        subprocess.run(
            ["msgfmt", "-o", str(tmp_path / "x.mo"), str(LOCALE / "django.po")], check=True
        )
    except FileNotFoundError:
        pytest.skip("msgfmt (gettext) is not installed")
    assert (tmp_path / "x.mo").read_bytes() == (LOCALE / "django.mo").read_bytes()


def test_polish_is_served(db):
    with translation.override("pl"):
        assert translation.gettext("Skip to main content") != "Skip to main content"
