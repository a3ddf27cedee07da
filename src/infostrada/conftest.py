"""Fixtures shared by every context's tests."""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.utils import translation

from infostrada.tenancy.models import Unit
from infostrada.testing import UnitFactory
from infostrada.testing_browser import launched_chromium


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """One headless Chromium for every browser test of the session (pytest -m browser)."""
    yield from launched_chromium()


@pytest.fixture(scope="session", autouse=True)
def _collected_static_files() -> None:
    """Pages render through the production storage, so static files are collected first.

    ``collectstatic`` into the configured STATIC_ROOT, as ``make demo`` does, once
    per session: the manifest storage then names every file a template asks for,
    and a page that asks for a file nobody ships fails here as it fails for users.
    An exclusive lock on STATIC_ROOT serialises the xdist workers; a stamp (the
    source files' names, sizes and times plus the manifest's hash) lets a later
    session skip the 4 s of hashing and compressing when nothing changed, and is
    never trusted across a change of any source file or of the manifest.
    """
    root = Path(django_settings.STATIC_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    stamp = root / ".collected-for-tests"
    with (root / ".collect.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not stamp.exists() or stamp.read_text() != _static_state(root):
            call_command("collectstatic", interactive=False, verbosity=0)
            stamp.write_text(_static_state(root))
    # This process may have opened the storage (and read an older manifest)
    # before another xdist worker collected: read the manifest now on disk.
    if hasattr(staticfiles_storage, "load_manifest"):
        hashed, manifest_hash = staticfiles_storage.load_manifest()
        staticfiles_storage.hashed_files, staticfiles_storage.manifest_hash = hashed, manifest_hash


def _static_state(root: Path) -> str:
    digest = hashlib.sha256(str(django_settings.STORAGES["staticfiles"]).encode())
    for finder in finders.get_finders():
        for path, storage in sorted(finder.list([]), key=lambda found: found[0]):
            info = os.stat(storage.path(path))
            digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    manifest = root / "staticfiles.json"
    digest.update(manifest.read_bytes() if manifest.exists() else b"no manifest")
    return digest.hexdigest()


@pytest.fixture(scope="session")
def live_server(request, _collected_static_files):  # type: ignore[no-untyped-def]
    """pytest-django's live server, with static files served as in production.

    pytest-django answers ``/static/`` from the apps' source folders (the
    finders), which know none of the manifest's fingerprinted names; without
    that wrapper WhiteNoise, in the middleware, serves the collected
    STATIC_ROOT exactly as it does behind ``infostrada serve``.
    """
    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.static_handler = _no_static_handler
    server.start()
    yield server
    server.stop()


def _no_static_handler(app):  # type: ignore[no-untyped-def]
    return app


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
