"""The production server as operators run it: ``infostrada serve`` in its own process.

These tests start the real server (granian, two workers, a fresh SQLite data
directory) and talk HTTP to it, because what they check lives below Django:
a worker killed with SIGKILL, and how much memory a worker spends on a huge
request body.
They take tens of seconds, so they carry the ``served`` marker and run as
their own step of ``.ci/run`` (``make test-served``), not in ``make test``.
"""

from __future__ import annotations

import hashlib
import json
import os
import select
import signal
import socket
import sqlite3
import threading
import time
import uuid
from pathlib import Path

import pytest

from infostrada.documents.tests.conftest import pdf_bytes
from infostrada.testing_served import Served, served_platform, vm_kib

pytestmark = pytest.mark.served


def multipart(data: dict, files: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="data"\r\n\r\n'.encode()
        + json.dumps(data).encode()
        + b"\r\n"
    ]
    for name, content in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def letter(n: int) -> dict:
    return {
        "channel": "epuap",
        "received_on": time.strftime("%Y-%m-%d"),
        "subject": f"Pismo {n}",
        "party_kind": "institution",
        "institution": f"Nadawca {n}",
        "source_system": "epuap",
        "source_id": f"burst-{n}",
    }


def post_letter(served: Served, n: int, scan: bytes) -> tuple[int, dict]:
    content_type, body = multipart(letter(n), [("pismo.pdf", scan)])
    conn = served.connection()
    conn.request(
        "POST",
        "/api/v1/units/lubicz/incoming-items",
        body=body,
        headers={"Content-Type": content_type, "Authorization": f"Bearer {served.token}"},
    )
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"{}")


def test_a_killed_worker_is_respawned_and_committed_writes_stay(tmp_path: Path) -> None:
    with served_platform(tmp_path / "data", workers=2) as served:
        first_workers = served.workers()
        assert len(first_workers) == 2
        done: dict[int, tuple[str, int]] = {}  # item id -> (sha256, n) of every 2xx
        failed: list[str] = []
        stop = threading.Event()

        def writer(offset: int) -> None:
            n = offset
            while not stop.is_set():
                scan = pdf_bytes(f"Pismo {n} {uuid.uuid4()}")
                try:
                    status, body = post_letter(served, n, scan)
                except OSError as exc:  # the connection of the killed worker
                    failed.append(repr(exc))
                else:
                    if 200 <= status < 300:
                        done[body["id"]] = (hashlib.sha256(scan).hexdigest(), n)
                    else:
                        failed.append(str(status))
                n += 4

        threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        victim = first_workers[0]
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        while not served.healthy():
            assert time.monotonic() - killed_at < 5, "no /healthz answer within 5 s"
            time.sleep(0.1)
        answered = time.monotonic() - killed_at
        time.sleep(2)  # the burst goes on through the respawn
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        deadline = time.monotonic() + 10
        while len(served.workers()) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        workers = served.workers()
        assert served.process.poll() is None, "the server exited"
        assert len(workers) == 2 and victim not in workers

        db = sqlite3.connect(served.data_dir / "infostrada.sqlite3")
        rows = db.execute(
            "SELECT i.id, v.sha256, v.file FROM documents_incomingitem i "
            "JOIN documents_document d ON d.incoming_item_id = i.id "
            "JOIN documents_documentversion v ON v.document_id = d.id"
        ).fetchall()
        db.close()
        stored = {item: (sha, name) for item, sha, name in rows}
        assert done, "no write succeeded"
        for item, (sha, _n) in done.items():
            assert item in stored, f"item {item} answered 2xx but is not in the database"
            assert stored[item][0] == sha
            path = served.data_dir / "media" / stored[item][1]
            assert hashlib.sha256(path.read_bytes()).hexdigest() == sha
        check = served.command("check-files")
        assert check.returncode == 0, check.stderr
        audit = served.command("audit-verify")
        assert audit.returncode == 0, audit.stderr
        print(
            f"\nburst: {len(done)} writes answered 2xx, {len(failed)} lost with the killed "
            f"worker ({sorted(set(failed))[:3]}); /healthz answered {answered:.2f} s after "
            f"kill -9; {len(stored)} items in the database, all 2xx intact"
        )


MiB = 1024 * 1024
GROWTH_BOUND_KIB = 32 * 1024  # the worker's peak memory may grow by at most 32 MiB


def test_twelve_files_of_24_mib_are_refused_before_the_worker_grows(tmp_path: Path) -> None:
    """A 288 MiB upload is answered 413 while the worker's peak RSS stays within the bound."""
    head = (
        b'--zz\r\nContent-Disposition: form-data; name="data"\r\n\r\n'
        + json.dumps(letter(1)).encode()
        + b"\r\n"
    )
    file_head = (
        '--zz\r\nContent-Disposition: form-data; name="files"; filename="skan{n}.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    )
    block = b"0" * MiB
    total = len(head) + len(b"--zz--\r\n")
    total += sum(len(file_head.format(n=n)) + 24 * MiB + 2 for n in range(12))
    with served_platform(tmp_path / "data", workers=1) as served:
        (worker,) = served.workers()
        served.healthy()
        before = vm_kib(worker, "VmHWM")
        sock = socket.create_connection(("127.0.0.1", served.port), timeout=30)
        sock.sendall(
            (
                "POST /api/v1/units/lubicz/incoming-items HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {served.token}\r\n"
                "Content-Type: multipart/form-data; boundary=zz\r\n"
                f"Content-Length: {total}\r\n\r\n"
            ).encode()
            + head
        )
        sent, answer = 0, b""
        try:  # stream the files as a client does, stopping once the server answers
            for n in range(12):
                sock.sendall(file_head.format(n=n).encode())
                for _ in range(24):
                    if select.select([sock], [], [], 0)[0]:
                        raise StopIteration
                    sock.sendall(block)
                    sent += MiB
                sock.sendall(b"\r\n")
        except (StopIteration, OSError):
            pass
        sock.settimeout(30)
        try:
            while b"\r\n\r\n" not in answer:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
        except OSError:
            pass
        sock.close()
        after = vm_kib(worker, "VmHWM")
        status_line = answer.split(b"\r\n", 1)[0]
        assert status_line.startswith(b"HTTP/1.1 413"), answer[:300]
        assert b"application/problem+json" in answer.lower()
        growth = after - before
        print(
            f"\n12 x 24 MiB ({total / MiB:.0f} MiB declared): 413 after {sent / MiB:.0f} MiB "
            f"sent; worker peak RSS {before / 1024:.0f} -> {after / 1024:.0f} MiB "
            f"(+{growth / 1024:.1f} MiB, bound {GROWTH_BOUND_KIB / 1024:.0f} MiB)"
        )
        assert growth < GROWTH_BOUND_KIB
        db = sqlite3.connect(served.data_dir / "infostrada.sqlite3")
        assert db.execute("SELECT count(*) FROM documents_incomingitem").fetchone() == (0,)
        db.close()
