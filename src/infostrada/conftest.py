"""Fixtures shared by every context's tests."""

from __future__ import annotations

import pytest
from django.utils import translation

from infostrada.tenancy.models import Unit
from infostrada.testing import UnitFactory
from infostrada.testing_browser import launched_chromium


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """One headless Chromium for every browser test of the session (pytest -m browser)."""
    yield from launched_chromium()


@pytest.fixture(autouse=True)
def _plain_static_files(settings):  # type: ignore[no-untyped-def]
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Stored files of a test go to its own temporary directory, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english_messages():  # type: ignore[no-untyped-def]
    """Messages raised by code called directly are asserted in English (the msgids).

    Pages requested through the test client still get Polish, the default
    language, because the locale middleware chooses per request; their tests
    assert the Polish text that officials and residents read.
    """
    with translation.override("en"):
        yield


@pytest.fixture
def region(db) -> Unit:  # type: ignore[no-untyped-def]
    """A small real hierarchy: the województwo, powiat toruński, two of its gminy, Toruń."""
    woj = UnitFactory(
        teryt="04",
        kind="wojewodztwo",
        name="kujawsko-pomorskie",
        official_name="Województwo Kujawsko-Pomorskie",
        slug="kujawsko-pomorskie",
    )
    powiat = UnitFactory(
        teryt="0415",
        kind="powiat",
        name="toruński",
        official_name="Powiat Toruński",
        slug="powiat-torunski",
        parent=woj,
    )
    UnitFactory(
        teryt="0415042",
        kind="gmina_wiejska",
        name="Lubicz",
        official_name="Gmina Lubicz",
        slug="lubicz",
        parent=powiat,
    )
    UnitFactory(
        teryt="0415082",
        kind="gmina_wiejska",
        name="Wielka Nieszawka",
        official_name="Gmina Wielka Nieszawka",
        slug="wielka-nieszawka",
        parent=powiat,
    )
    UnitFactory(
        teryt="0463011",
        kind="miasto_na_prawach_powiatu",
        name="Toruń",
        official_name="Miasto Toruń",
        slug="torun",
        parent=woj,
    )
    return woj


@pytest.fixture
def lubicz(region) -> Unit:  # type: ignore[no-untyped-def]
    return Unit.objects.get(slug="lubicz")


@pytest.fixture
def nieszawka(region) -> Unit:  # type: ignore[no-untyped-def]
    return Unit.objects.get(slug="wielka-nieszawka")
