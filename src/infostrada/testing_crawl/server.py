"""The platform served exactly as ``make demo`` serves it, in a fresh data directory.

``migrate``, ``collectstatic``, ``seed-demo``, then ``infostrada serve``
(granian, the manifest static storage) on a free port; the context manager
waits for ``/healthz`` and always stops the server, also when the crawl fails.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STARTUP_SECONDS = 90


@dataclass(frozen=True)
class Served:
    base_url: str
    data_dir: Path
    log: Path  # the server's stdout and stderr (Django logs each 500's traceback there)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _infostrada(*args: str) -> list[str]:
    return [sys.executable, "-m", "infostrada.cli", *args]


@contextmanager
def served_demo(
    *, port: int | None = None, data_dir: Path | None = None, quiet: bool = True
) -> Iterator[Served]:
    """Set up the demo like ``make demo`` in ``data_dir`` (a new temporary one by default)."""
    port = port or free_port()
    with tempfile.TemporaryDirectory(prefix="infostrada-crawl-") as tmp:
        data = Path(data_dir or tmp)
        data.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "INFOSTRADA_DATA_DIR": str(data), "PORT": str(port)}
        env.pop("INFOSTRADA_BIND", None)
        out = subprocess.DEVNULL if quiet else None
        started = time.monotonic()
        for step in (
            ("migrate", "--noinput", "-v0"),
            ("collectstatic", "--noinput", "-v0"),
            ("seed-demo",),
        ):
            subprocess.run(_infostrada(*step), env=env, check=True, stdout=out)  # noqa: S603
        log = data / "serve.log"
        with log.open("wb") as sink:
            server = subprocess.Popen(  # noqa: S603
                _infostrada("serve"),
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped as one below
            )
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(base_url, server)
            print(
                f"demo served on {base_url} from {data} "
                f"(set up in {time.monotonic() - started:.0f} s)",
                flush=True,
            )
            yield Served(base_url=base_url, data_dir=data, log=log)
        finally:
            _stop(server)


def _wait_healthy(base_url: str, server: subprocess.Popen) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode} before answering")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{base_url}/healthz did not answer within {STARTUP_SECONDS} s")


def _stop(server: subprocess.Popen) -> None:  # type: ignore[type-arg]
    """SIGTERM to the server's own process group (granian and its workers), then SIGKILL."""
    if server.poll() is not None:
        return
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)
    except ProcessLookupError:
        pass
