"""One archive with everything an installation needs to come back: database, files, secrets.

Layout of the archive (a gzip'd tar, written with mode 0600 because it holds
the secrets):

``manifest.json``
    format version, time, database vendor, the migrations applied, counts,
    and a fingerprint of the seal password (an HMAC, not the password);
``database/infostrada.sqlite3``
    SQLite: a consistent copy made with SQLite's online backup API (a plain
    file copy of a live WAL database can miss committed pages still in the
    ``-wal`` file, or catch a page half-written);
``database/postgresql.dump``
    PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot of the
    database; restored with ``pg_restore`` into an empty database);
``media/...``
    every stored file (EZD versions, archival packages, audit checkpoints);
``secrets/secret_key``, ``secrets/seal_password``, ``secrets/audit_signing_key.pem``
    the installation's secret key and, when one is configured, the seal
    password; without them the units' seals (PKCS#12 in the database) cannot
    be opened. The audit log's checkpoint key (ADR 0016), when one exists:
    without it the restored installation cannot check its own checkpoints
    and ``audit-verify`` reports them unverifiable. ``--without-secrets``
    leaves them out (for a copy kept where the secrets must not go); the
    restore then needs the original secrets in its environment, and checks
    them before it writes anything.

A restore goes into an empty installation of the same database vendor, then
verifies itself: every stored version's file against its hash
(``check-files``) and every audit chain (``audit-verify``).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
CHECK_MESSAGE = b"infostrada backup: seal password check"


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


@dataclass
class Secrets:
    secret_key: str
    seal_password: str = ""  # the configured one; empty when derived from the secret key


@dataclass
class RestoreReport:
    vendor: str
    files: int
    versions_checked: int = 0
    file_problems: list[str] = field(default_factory=list)
    chains_checked: int = 0
    chain_problems: list[str] = field(default_factory=list)


def seal_fingerprint(secrets: Secrets) -> str:
    """What tells, without revealing it, whether a seal password is the backup's."""
    from infostrada.documents.seal import seal_password_for

    password = seal_password_for(secrets.secret_key, secrets.seal_password)
    return hmac.new(password, CHECK_MESSAGE, hashlib.sha256).hexdigest()


def current_secrets() -> Secrets:
    return Secrets(settings.SECRET_KEY, getattr(settings, "SEAL_PASSWORD", "") or "")


def _vendor() -> str:
    return connections["default"].vendor


def _pg_env_and_args() -> tuple[dict[str, str], list[str]]:
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, args


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not on PATH; install the PostgreSQL client tools.")
    return path


def _dump_database(directory: Path) -> str:
    vendor = _vendor()
    if vendor == "sqlite":
        target = directory / "infostrada.sqlite3"
        source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)  # SQLite's online backup: consistent while others write
        finally:
            copy.close()
            source.close()
        return "database/infostrada.sqlite3"
    if vendor == "postgresql":
        env, args = _pg_env_and_args()
        target = directory / "postgresql.dump"
        done = subprocess.run(  # noqa: S603 — the client tool with our own arguments
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        return "database/postgresql.dump"
    raise BackupError(f"backup of a {vendor} database is not supported")


def _applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connections["default"])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(datetime.datetime.now(datetime.UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def create_backup(path: Path, *, with_secrets: bool = True) -> dict[str, Any]:
    """Write the archive to ``path`` (atomically: a partial file is never left as it)."""
    media = Path(settings.MEDIA_ROOT)
    secrets = current_secrets()
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="infostrada-backup-") as tmp:
        database = _dump_database(Path(tmp))
        files = [p for p in sorted(media.rglob("*")) if p.is_file()] if media.exists() else []
        manifest = {
            "format": FORMAT,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "vendor": _vendor(),
            "database": database,
            "migrations": _applied_migrations(),
            "files": len(files),
            "secrets": with_secrets,
            "seal_password_configured": bool(secrets.seal_password),
            "seal_fingerprint": seal_fingerprint(secrets),
        }
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
            archive.add(Path(tmp) / PurePosixPath(database).name, arcname=database)
            for file in files:
                archive.add(file, arcname=f"media/{file.relative_to(media).as_posix()}")
            if with_secrets:
                _add_bytes(archive, "secrets/secret_key", secrets.secret_key.encode())
                if secrets.seal_password:
                    _add_bytes(archive, "secrets/seal_password", secrets.seal_password.encode())
                audit_key = Path(settings.AUDIT_SIGNING_KEY_FILE)
                if audit_key.is_file():
                    _add_bytes(archive, AUDIT_KEY_MEMBER, audit_key.read_bytes())
    os.replace(partial, path)
    return manifest


def _read_member(archive: tarfile.TarFile, name: str) -> bytes | None:
    try:
        member = archive.getmember(name)
    except KeyError:
        return None
    handle = archive.extractfile(member)
    return handle.read() if handle else None


def _secrets_for_restore(archive: tarfile.TarFile, manifest: dict[str, Any]) -> Secrets | None:
    """Check, before anything is written, that the seals will open; return what to keep.

    Returns the archive's secrets to install, or None when this installation's
    own (from the environment) are the right ones.
    """
    key = _read_member(archive, "secrets/secret_key")
    env_key = os.environ.get("INFOSTRADA_SECRET_KEY", "")
    env_seal = os.environ.get("INFOSTRADA_SEAL_PASSWORD", "")
    if key is None:
        own = current_secrets()
        if seal_fingerprint(own) != manifest["seal_fingerprint"]:
            raise BackupError(
                "This backup was made without its secrets, and this installation's "
                "secret key and seal password do not open its seals. Set "
                "INFOSTRADA_SECRET_KEY (and INFOSTRADA_SEAL_PASSWORD, if the original "
                "installation had one) to the original installation's values, then restore "
                "again. Nothing was changed."
            )
        return None
    seal = _read_member(archive, "secrets/seal_password")
    theirs = Secrets(key.decode(), seal.decode() if seal else "")
    if seal_fingerprint(theirs) != manifest["seal_fingerprint"]:
        raise BackupError("The archive's secrets do not match its manifest: it is damaged.")
    if env_key and env_key != theirs.secret_key:
        raise BackupError(
            "INFOSTRADA_SECRET_KEY is set and differs from the backup's secret key; unset "
            "it (the restore installs the backup's key) or set it to the backup's. "
            "Nothing was changed."
        )
    if env_seal and env_seal != theirs.seal_password:
        raise BackupError(
            "INFOSTRADA_SEAL_PASSWORD is set and differs from the backup's seal password. "
            "Nothing was changed."
        )
    return theirs


def _ensure_empty() -> None:
    connection = connections["default"]
    if connection.introspection.table_names():
        raise BackupError(
            "The target database is not empty; restore into a new, empty database "
            "(and an empty data directory). Nothing was changed."
        )
    media = Path(settings.MEDIA_ROOT)
    if media.exists() and any(p.is_file() for p in media.rglob("*")):
        raise BackupError(f"{media} already holds files; restore into an empty data directory.")


def _restore_database(archive: tarfile.TarFile, manifest: dict[str, Any], tmp: Path) -> None:
    member = archive.getmember(manifest["database"])
    archive.extract(member, tmp, filter="data")
    dumped = tmp / manifest["database"]
    connections.close_all()
    if manifest["vendor"] == "sqlite":
        target = Path(str(settings.DATABASES["default"]["NAME"]))
        for suffix in ("", "-wal", "-shm"):  # an empty database the check may have created
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        source = sqlite3.connect(str(dumped))
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return
    env, args = _pg_env_and_args()
    done = subprocess.run(  # noqa: S603 — the client tool with our own arguments
        [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            *args,
            str(dumped),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")


AUDIT_KEY_MEMBER = "secrets/audit_signing_key.pem"


def _audit_key_to_restore(archive: tarfile.TarFile) -> bytes | None:
    """The backup's checkpoint key; one already in place must be the same (checked first)."""
    key = _read_member(archive, AUDIT_KEY_MEMBER)
    if key is None:
        return None
    target = Path(settings.AUDIT_SIGNING_KEY_FILE)
    if target.exists() and target.read_bytes() != key:
        raise BackupError(
            f"{target} holds another audit checkpoint key than the backup's; move it away "
            "(the restored checkpoints are signed with the backup's key). Nothing was changed."
        )
    return key


def _write_secret(name: str, value: str) -> None:
    path = Path(settings.DATA_DIR) / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)


def restore_backup(path: Path) -> RestoreReport:
    """Restore ``path`` into this (empty) installation, then verify files and audit chains."""
    from infostrada.audit.services import verify_all
    from infostrada.documents.blobs import check_versions

    with tarfile.open(path, mode="r:gz") as archive:
        raw = _read_member(archive, "manifest.json")
        if raw is None:
            raise BackupError(f"{path} is not an Infostrada backup (no manifest.json).")
        manifest = json.loads(raw)
        if manifest.get("format") != FORMAT:
            raise BackupError(f"backup format {manifest.get('format')} is not supported")
        if manifest["vendor"] != _vendor():
            raise BackupError(
                f"the backup is of a {manifest['vendor']} database and this installation "
                f"uses {_vendor()}; restore into the same kind of database."
            )
        secrets = _secrets_for_restore(archive, manifest)
        audit_key = _audit_key_to_restore(archive) if secrets is not None else None
        _ensure_empty()
        media = Path(settings.MEDIA_ROOT)
        with tempfile.TemporaryDirectory(prefix="infostrada-restore-") as tmp:
            _restore_database(archive, manifest, Path(tmp))
            files = 0
            for member in archive.getmembers():
                if member.isfile() and member.name.startswith("media/"):
                    member.name = member.name.removeprefix("media/")
                    archive.extract(member, media, filter="data")
                    files += 1
    if audit_key is not None:
        target = Path(settings.AUDIT_SIGNING_KEY_FILE)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(audit_key)
    if secrets is not None:
        _write_secret("secret_key", secrets.secret_key)
        if secrets.seal_password:
            _write_secret("seal_password", secrets.seal_password)
        # This process started with the empty installation's fresh key; verify
        # (and anything after it) as the restored installation will run.
        settings.SECRET_KEY = secrets.secret_key
        settings.SEAL_PASSWORD = secrets.seal_password
    report = RestoreReport(vendor=manifest["vendor"], files=files)
    checked = check_versions()
    report.versions_checked, report.file_problems = checked.checked, checked.problems
    report.chains_checked, report.chain_problems = verify_all()
    return report
