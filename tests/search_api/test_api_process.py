"""The API as a process (python -m search_api): survives bursts of traffic, refuses a bad index, shows no password.

The burst test runs the server under `ulimit -n 256`. Between bursts the server's worker threads
sit idle long enough to be replaced (anyio replaces a worker thread idle for MAX_IDLE_TIME, 10 s;
the server here runs `search_api`'s __main__ exactly as `python -m` does, with that time shortened
to IDLE_S so the test takes seconds). Before the fix every new thread opened a reader connection
that was never closed: +62 descriptors per burst, and the 6th burst failed.
"""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from archived_reports import EDITED, LOST_FILE, build_archived_index

from es_recorder import Recorder
from indexer.storage.sqlite.readers import READERS
from sample_files import ROOT

FD_LIMIT = 256
IDLE_S = 0.5  # the server's worker-thread idle time in this test (anyio's default is 10 s)
PAUSE_S = 1.0  # idle pause between bursts: longer than IDLE_S
ROUNDS = 6
CLIENTS = 32
SEARCHES_PER_CLIENT = 2
FD_SLACK = 4  # descriptors a burst may leave open for a moment (sockets being closed)
DESCRIPTORS_PER_READER = 2  # the database file and its WAL
QUERIES = ("政府", "行政复议", "依申请公开", "信息公开", "主动公开")
SHORT_IDLE = (
    f"import anyio._backends._asyncio as a; a.WorkerThread.MAX_IDLE_TIME = {IDLE_S}; "
    "import runpy; runpy.run_module('search_api', run_name='__main__', alter_sys=True)"
)
START_TIMEOUT_S = 30
PASSWORD = "pw"


def free_port() -> int:
    """A port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def low_fd_limit() -> None:
    """In the child, before exec: at most FD_LIMIT open descriptors."""
    resource.setrlimit(resource.RLIMIT_NOFILE, (FD_LIMIT, FD_LIMIT))


def wait_until_up(base: str, proc: subprocess.Popen) -> None:
    """Poll /health until the server answers (fail if it exits first)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"server exited with {proc.returncode}"
        try:
            httpx.get(f"{base}/health", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise TimeoutError(f"{base} did not answer in {START_TIMEOUT_S} s")


def burst(base: str) -> list[str]:
    """CLIENTS clients at once, each a few searches and /health on its own connection; return the errors."""
    errors: list[str] = []

    def client(n: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as http:
            for i in range(SEARCHES_PER_CLIENT):
                response = http.get("/search", params={"q": QUERIES[(n + i) % len(QUERIES)]})
                if response.status_code != 200:
                    errors.append(f"search {response.status_code}")
            if http.get("/health").status_code != 200:
                errors.append("health")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def open_descriptors(pid: int) -> int:
    """How many file descriptors the process has open."""
    return len(os.listdir(f"/proc/{pid}/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads descriptors from /proc")
def test_bursts_after_idle_pauses_keep_descriptors_flat(db_path, tmp_path):
    port = free_port()
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", SHORT_IDLE, "--db", str(db_path), "--port", str(port), "--log-level", "warning"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=low_fd_limit,
        )
    base = f"http://127.0.0.1:{port}"
    counts, errors = [], []
    try:
        wait_until_up(base, proc)
        at_rest = open_descriptors(proc.pid)
        for round_ in range(ROUNDS):
            if round_:
                time.sleep(PAUSE_S)  # every worker thread idles past IDLE_S: the next burst gets new threads
            errors += burst(base)
            time.sleep(0.2)  # the server closes the clients' sockets
            counts.append(open_descriptors(proc.pid))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert errors == []
    half = ROUNDS // 2
    assert max(counts[half:]) <= max(counts[:half]) + FD_SLACK, counts  # flat (before the fix: +62 per burst)
    assert max(counts) <= at_rest + READERS * DESCRIPTORS_PER_READER + FD_SLACK, (at_rest, counts)  # the pool's bound
    assert "Too many open files" not in log.read_text(encoding="utf-8", errors="replace")


def run_api(
    args: list[str], env: dict[str, str] | None = None, command: str | None = None
) -> subprocess.CompletedProcess:
    """Run the API command (python -m search_api by default) until it exits."""
    argv = [command] if command else [sys.executable, "-m", "search_api"]
    return subprocess.run(
        [*argv, "--port", str(free_port()), *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def not_an_index(tmp_path: Path, kind: str) -> Path:
    """A path that is not a reports index: missing, not SQLite, or SQLite without the tables."""
    path = tmp_path / "reportz.sqlite"
    if kind == "not SQLite":
        path.write_text("id,title\n1,not a database\n", encoding="utf-8")
    elif kind == "empty SQLite":
        import sqlite3

        sqlite3.connect(path).execute("CREATE TABLE notes (text)").connection.close()
    return path


@pytest.mark.parametrize(
    "kind, message",
    [
        ("missing", "no SQLite index at"),
        ("not SQLite", "file is not a database"),
        ("empty SQLite", "is not a reports index"),
    ],
)
def test_refuses_to_start_on_a_file_that_is_not_an_index(tmp_path, kind, message):
    path = not_an_index(tmp_path, kind)
    existed = path.exists()
    done = run_api(["--db", str(path)])
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith("error: cannot start the search API: ") and message in line
    assert path.exists() == existed  # a mistyped path is not created


def test_refuses_an_index_from_before_agencies_with_the_fix(tmp_path):
    import sqlite3

    from indexer.storage import open_backend

    path = tmp_path / "reports.sqlite"
    open_backend(path).close()
    with sqlite3.connect(path) as conn:
        conn.executescript("DROP TABLE agencies; DROP TABLE agency_signals; ALTER TABLE reports DROP COLUMN signals;")
    conn.close()
    done = run_api(["--db", str(path)])
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert "add the agency registry tables" in line
    assert "open it once for writing (reports-index upgrade FILE)" in line


def test_source_over_http_replays_the_archived_bytes_from_the_archive_folder_given(tmp_path):
    index = build_archived_index(tmp_path / "built")
    elsewhere = index.archive.rename(tmp_path / "warcs")  # not beside the index: only --archive finds it
    port, log = free_port(), tmp_path / "server.log"
    base = f"http://127.0.0.1:{port}"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "search_api",
                "--db",
                str(index.db),
                "--archive",
                str(elsewhere),
                "--port",
                str(port),
            ],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(base, proc)
        replays = [
            httpx.get(f"{base}/reports/{index.ids[EDITED]}/source", params={"version": v}, timeout=30) for v in (1, 2)
        ]
        lost = httpx.get(f"{base}/reports/{index.ids[LOST_FILE]}/source", timeout=30)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    for response, (body, content_type, capture) in zip(replays, index.served[EDITED]):
        assert response.status_code == 200 and response.content == body
        assert response.headers["content-type"] == content_type
        assert response.headers["content-length"] == str(len(body))
        assert response.headers["memento-datetime"].endswith(" GMT")
        assert response.headers["x-archive-captured-at"] == capture["captured_at"]
    assert lost.status_code == 404 and index.lost_file in lost.json()["detail"]


def test_refuses_an_archive_path_that_is_a_file(db_path, tmp_path):
    not_a_folder = tmp_path / "archive.warc.gz"
    not_a_folder.write_bytes(b"")
    done = run_api(["--db", str(db_path), "--archive", str(not_a_folder)])
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line == f"error: cannot start the search API: the web archive {not_a_folder} is not a folder"


def test_the_console_script_refuses_too(tmp_path):
    script = Path(sys.executable).with_name("reports-api")
    if not script.exists():
        pytest.skip("reports-api is not installed in this environment (pip install -e .)")
    done = run_api(["--db", str(tmp_path / "missing.sqlite")], command=str(script))
    assert done.returncode == 1 and done.stderr.startswith("error: cannot start the search API: no SQLite index")


def test_an_unreachable_elasticsearch_is_one_line_without_the_password():
    env = {"SEARCH_BACKEND": "elasticsearch", "ES_URL": f"http://user:{PASSWORD}@127.0.0.1:9/"}
    done = run_api([], env)
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert "cannot reach Elasticsearch at http://user:***@127.0.0.1:9/" in line
    assert PASSWORD not in done.stderr + done.stdout


def test_no_password_in_answers_or_logs_when_elasticsearch_goes_away(tmp_path):
    port, secret, log = free_port(), "hunter2-secret", tmp_path / "server.log"
    base = f"http://127.0.0.1:{port}"
    proc = None
    try:
        with Recorder() as es, open(log, "wb") as out:
            env = {
                **os.environ,
                "SEARCH_BACKEND": "elasticsearch",
                "ES_URL": es.url.replace("http://", f"http://user:{PASSWORD}@"),
                "ES_API_KEY": secret,
            }
            proc = subprocess.Popen(
                [sys.executable, "-m", "search_api", "--port", str(port), "--log-level", "debug"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            wait_until_up(base, proc)
            assert httpx.get(f"{base}/health").json()["status"] == "ok"
        gone = httpx.get(f"{base}/health", timeout=60)  # the cluster stopped answering
        searched = httpx.get(f"{base}/search", params={"q": "政府"}, timeout=60)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
    assert gone.status_code == 503 and "user:***@127.0.0.1" in gone.json()["detail"]
    assert searched.status_code == 503
    for text in (gone.text, searched.text, log.read_text(encoding="utf-8")):
        assert f":{PASSWORD}@" not in text and secret not in text
