"""A real ``infostrada serve`` for tests and benchmarks: own data directory, free port.

Tests that must see what users run (worker processes, the server's own body
handling, a worker killed mid-request) start the production server with
:func:`served_platform` instead of Django's test client. The process gets a
fresh SQLite database in its own data directory, one unit and an API token,
so it never touches the test database or another engineer's server.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SETUP = """
from infostrada.accounts.services import issue_api_client
from infostrada.audit.context import Actor
from infostrada.tenancy.models import Unit
unit = Unit.objects.create(teryt="0415042", kind="gmina_wiejska", name="Lubicz",
                           official_name="Gmina Lubicz", slug="lubicz")
_client, token = issue_api_client(actor=Actor.system("test"), unit=unit, name="ERP",
                                  scopes=["documents:read", "documents:write"])
print(token)
"""


@dataclass
class Served:
    """A running server: where it listens, its master process, its environment."""

    port: int
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    data_dir: Path
    token: str

    def connection(self, timeout: float = 30) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def workers(self) -> list[int]:
        """Process ids of the granian workers (children of the master)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def command(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run ``infostrada <args>`` against this server's data."""
        return subprocess.run(  # noqa: S603 — our own command, our arguments
            [sys.executable, "-m", "infostrada.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def healthy(self) -> bool:
        try:
            conn = self.connection(timeout=2)
            conn.request("GET", "/healthz")
            return conn.getresponse().status == 200
        except OSError:
            return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def vm_kib(pid: int, field: str) -> int:
    """``VmRSS``/``VmHWM`` of a process in KiB, from ``/proc/<pid>/status``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


@contextmanager
def served_platform(data_dir: Path, *, workers: int = 2, **env: str) -> Iterator[Served]:
    """Migrate a fresh database in ``data_dir``, then run ``infostrada serve`` on it."""
    port = free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("INFOSTRADA_")},
        "INFOSTRADA_DATA_DIR": str(data_dir),
        "INFOSTRADA_DATABASE_URL": f"sqlite:///{data_dir / 'infostrada.sqlite3'}",
        "INFOSTRADA_WORKERS": str(workers),
        "PORT": str(port),
        "DJANGO_SETTINGS_MODULE": "infostrada.settings",
        **env,
    }
    environment.pop("PYTEST_CURRENT_TEST", None)
    migrate = subprocess.run(
        [sys.executable, "-m", "infostrada.cli", "migrate", "--noinput", "-v0"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr
    setup = subprocess.run(  # noqa: S603 — our own command
        [sys.executable, "-m", "infostrada.cli", "shell", "-c", SETUP],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert setup.returncode == 0, setup.stderr
    token = setup.stdout.strip().splitlines()[-1]
    process = subprocess.Popen(
        [sys.executable, "-m", "infostrada.cli", "serve"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    served = Served(port, process, environment, data_dir, token)
    try:
        deadline = time.monotonic() + 60
        while not served.healthy():
            assert process.poll() is None, "infostrada serve exited at start"
            assert time.monotonic() < deadline, "infostrada serve did not answer in 60 s"
            time.sleep(0.2)
        yield served
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
