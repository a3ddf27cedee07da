"""The ``infostrada`` command: Django's manage.py plus the platform's own verbs.

``infostrada serve`` runs the production WSGI server (granian), one worker per
core, on ``127.0.0.1:${PORT:-8000}`` or ``INFOSTRADA_BIND``. A worker that dies
(killed by the OOM killer, a crash in a C extension) is started again by the
granian master; without that, granian's master shuts the whole server down
when one worker exits. What the dead worker had committed stays committed
(each write is one transaction); what it had not is rolled back by the
database, and files it wrote for that transaction are orphans that
``infostrada sweep-files`` removes. Hyphenated verbs
(``seed-demo``, ``audit-verify``, ``config-doc``) map to Django commands.
"""

from __future__ import annotations

import os
import sys


def served_address() -> tuple[str, str]:
    """(host, port) that ``serve`` listens on: ``INFOSTRADA_BIND`` or 127.0.0.1:${PORT:-8000}."""
    bind = os.environ.get("INFOSTRADA_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
    host, _, port = bind.rpartition(":")
    return host.strip("[]") or "127.0.0.1", port


def serve(argv: list[str]) -> None:
    from django.core.management import call_command

    host, port = served_address()
    bind = f"{host}:{port}"
    workers = os.environ.get("INFOSTRADA_WORKERS") or str(os.cpu_count() or 1)
    call_command("check", "--deploy" if "--deploy" in argv else "--fail-level=ERROR")
    args = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        port,
        "--workers",
        workers,
        "--blocking-threads",
        "1",
        "--respawn-failed-workers",
        "--respawn-interval",
        os.environ.get("INFOSTRADA_RESPAWN_SECONDS", "1"),
        "--no-ws",
        "--log-level",
        os.environ.get("INFOSTRADA_LOG_LEVEL", "warning"),
        "infostrada.wsgi:application",
    ]
    print(f"Infostrada serving on http://{bind}/ with {workers} workers", flush=True)
    os.execv(args[0], args)  # noqa: S606 — replace this process with the server


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infostrada.settings")
    argv = sys.argv[:]
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    import django

    django.setup()
    if len(argv) > 1 and argv[1] == "serve":
        serve(argv[2:])
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
