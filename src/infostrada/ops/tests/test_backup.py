"""Backup, then restore into an empty installation: files, audit chains and seals work.

The backup is taken from the test database (SQLite or PostgreSQL, whichever
the suite runs on); the restore runs as operators run it, ``infostrada
restore`` in its own process with its own empty data directory (and, on
PostgreSQL, its own empty database), followed by ``audit-verify``,
``check-files`` and sealing a document with the unit's restored seal.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from infostrada.documents.models import DocumentVersion
from infostrada.documents.tests.conftest import ezd, register  # noqa: F401 — the fixture

# Several `infostrada` processes per test: ~1-2 min on a busy 2-core machine, so
# these run with the served-process tests (`make test-served`, on both databases).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.served]

SEAL_A_DOCUMENT = """
from infostrada.documents import seal
from infostrada.documents.tests.conftest import pdf_bytes
from infostrada.tenancy.models import Unit
unit = Unit.objects.get(slug="lubicz")
sealed = seal.seal_pdf(unit, pdf_bytes("Decyzja"), reason="Decyzja", signer_name="Gmina Lubicz")
print("SEALED", seal.verify_signatures(sealed, "application/pdf")[0])
"""


@pytest.fixture(autouse=True)
def _drop_restored_databases():  # type: ignore[no-untyped-def]
    yield
    if connection.vendor == "postgresql":
        db = settings.DATABASES["default"]
        admin = {"host": db["HOST"], "port": db["PORT"] or 5432, "user": db["USER"]}
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as pg:
            for name in ("restored", "nosecrets"):
                pg.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}_{name}"')


def _target(tmp_path: Path, name: str) -> dict[str, str]:
    """The environment of an empty installation: own data dir, own empty database."""
    data = tmp_path / name
    env = {k: v for k, v in os.environ.items() if not k.startswith("INFOSTRADA_")}
    env.pop("PYTEST_CURRENT_TEST", None)
    env["INFOSTRADA_DATA_DIR"] = str(data)
    env["DJANGO_SETTINGS_MODULE"] = "infostrada.settings"
    if connection.vendor == "postgresql":
        db = settings.DATABASES["default"]
        target = f"{db['NAME']}_{name}"[:63]
        admin = {"host": db["HOST"], "port": db["PORT"] or 5432, "user": db["USER"]}
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{target}"')
            pg.execute(f'CREATE DATABASE "{target}"')
        env["INFOSTRADA_DATABASE_URL"] = (
            f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{target}"
        )
    else:
        env["INFOSTRADA_DATABASE_URL"] = f"sqlite:///{data / 'infostrada.sqlite3'}"
    return env


def infostrada(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "infostrada.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_backup_then_restore_into_an_empty_installation(ezd, tmp_path, settings):  # noqa: F811
    settings.AUDIT_SIGNING_KEY_FILE = str(tmp_path / "source" / "audit_signing_key.pem")
    register(ezd, subject="Pismo przed kopią")
    register(ezd, subject="Drugie pismo")
    call_command("audit_checkpoint")  # the restored audit log must match its signed anchor
    archive = tmp_path / "kopia.tar.gz"
    call_command("backup", str(archive))
    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and "secrets/secret_key" in names
    assert "secrets/audit_signing_key.pem" in names
    versions = DocumentVersion.objects.for_unit(ezd.unit).count()
    assert sum(n.startswith("media/documents/") for n in names) == versions

    env = _target(tmp_path, "restored")
    restored = infostrada(env, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert f"{versions} stored versions" in restored.stdout
    for check in ("audit-verify", "check-files"):
        result = infostrada(env, check)
        assert result.returncode == 0, result.stderr
    assert "consistent with checkpoint" in infostrada(env, "audit-verify").stdout
    sealed = infostrada(env, "shell", "-c", SEAL_A_DOCUMENT)
    assert sealed.returncode == 0, sealed.stderr
    assert "SEALED valid" in sealed.stdout
    print(f"\nrestore ({connection.vendor}): {restored.stdout.strip()}")


def test_a_restore_without_the_secrets_says_so_at_once_and_changes_nothing(ezd, tmp_path):  # noqa: F811
    register(ezd)
    archive = tmp_path / "bez-sekretow.tar.gz"
    call_command("backup", str(archive), "--without-secrets")
    env = _target(tmp_path, "nosecrets")
    refused = infostrada(env, "restore", str(archive))
    assert refused.returncode == 2
    assert "made without its secrets" in refused.stderr
    data = Path(env["INFOSTRADA_DATA_DIR"])
    assert not (data / "media").exists() or not any((data / "media").rglob("*.*"))
    tables = infostrada(
        env,
        "shell",
        "-c",
        "from django.db import connection as c; print(len(c.introspection.table_names()))",
    )
    assert tables.stdout.strip().splitlines()[-1] == "0"
    # with the original secret key in the environment the same archive restores
    env["INFOSTRADA_SECRET_KEY"] = settings.SECRET_KEY
    restored = infostrada(env, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
