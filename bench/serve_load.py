"""Load on the review workspace: `parallax serve` over a database of N reports, with 20
concurrent clients on the pages that show the whole record.

A database of N reports (default 839) is analysed first, from the PolNeAR training texts
under ../shared (repeated with a small edit each where there are fewer than N, so no two
are identical) or, when ../shared is absent, from examples/ repeated the same way; with
`--db PATH` an existing database is reused (or kept there once built). The server is
`parallax.serve.create_app` under uvicorn in a child process on 127.0.0.1, on a free port;
it is stopped at the end (its keep-alive is 60 s instead of uvicorn's 5, so that a client
thread starved of CPU on a loaded machine does not find its idle connection closed under
it: httpx does not retry). After one warm-up request, each path in turn gets `--clients`
threads (one httpx client each) sending requests back to back until `--requests` were sent
or `--seconds` passed, whichever comes first:

- `/`              the corpus page,
- `/event/<id>`    the event pages, every client walking the events from its own offset,
- `/api/export`    the whole record as JSON.

A request counts as an error when it fails or its status is not 200. For each path the
bench also prints the server's CPU time per request (from /proc, where there is one): the
clients run in this one Python process and reading a large body costs them more CPU than it
costs the server to send it (the export: about 40-60 ms against 12 ms at 839 reports), so on
a machine shared with other work the requests/s measure the clients as much as the server.
The load average is printed before and after. The last line is machine-readable:

    serve_load: n=839 root_rps=... event_rps=... export_rps=... errors=0 root_server_ms=...
    event_server_ms=... export_server_ms=... load=...

Target: at 839 reports, at least 20 requests/s on each path with no error.

Run from the repository root: `.venv/bin/python bench/serve_load.py [--n N] [--texts DIR]
[--db PATH] [--clients 20] [--requests 400] [--seconds 20]`.
Loopback only; every loop is bounded and the server stops with the bench.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TEXTS = REPO_ROOT.parent / "shared" / "eval" / "polnear" / "data" / "train" / "text"
EXAMPLES_DIR = REPO_ROOT / "examples"
GAZETTEER = EXAMPLES_DIR / "gazetteer.json"
DEFAULT_N = 839
START_TIMEOUT = 60.0  # seconds for the server to answer its first request
REQUEST_TIMEOUT = 120.0  # seconds for one request (the first one builds the record)
SERVER = """
import sys, uvicorn
from pathlib import Path
from parallax.pipeline import Settings
from parallax.serve import ServeConfig, create_app
config = ServeConfig(db=Path(sys.argv[1]), settings=Settings(workers=1))
uvicorn.run(
    create_app(config), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning",
    timeout_keep_alive=60,
)
"""


@dataclass
class Load:
    """What one path got under load."""

    path: str
    ok: int = 0
    errors: int = 0
    seconds: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


def _texts(source: Path | None, n: int) -> tuple[list[str], str]:
    """N report texts, no two identical, and where they come from."""
    if source is not None and source.is_dir():
        base = [p.read_text(encoding="utf-8") for p in sorted(source.glob("*.txt"))]
        label = str(source)
    else:
        base = [
            p.read_text(encoding="utf-8")
            for p in sorted(EXAMPLES_DIR.iterdir())
            if p.suffix in (".txt", ".md")
        ]
        label = f"{EXAMPLES_DIR} (no texts at {source})"
    seen: set[str] = set()
    unique = [t for t in base if t.strip() and not (t in seen or seen.add(t))]  # type: ignore[func-returns-value]
    out = unique[:n]
    k = 0
    while len(out) < n:  # the same reports again, each with its own closing line
        out.append(f"{unique[k % len(unique)]}\n\nUpdated at {k // len(unique) + 1}:{k:04d}.\n")
        k += 1
    return out, label


def build_db(db: Path, texts: list[str]) -> float:
    """Analyse `texts` into `db`; the seconds it took."""
    from parallax.analyze import run_analysis
    from parallax.pipeline import Settings
    from parallax.store import Store

    logging.disable(logging.WARNING)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="serve-load-") as tmp:
        paths = []
        for i, text in enumerate(texts):
            path = Path(tmp) / f"report_{i:04d}.txt"
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        with Store(db) as store:
            summary = run_analysis(paths, store, Settings(gazetteer_files=(str(GAZETTEER),)))
    logging.disable(logging.NOTSET)
    if summary.failed:
        print(f"  {len(summary.failed)} reports failed to analyse", file=sys.stderr)
    return time.perf_counter() - t0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path) -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn over `db` in a child process; its base URL once it answers."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(port)])
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"serve_load: the server exited with status {proc.returncode}")
        try:
            if httpx.get(base + "/favicon.ico", timeout=2.0).status_code == 204:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    raise SystemExit("serve_load: the server did not answer in time")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def load(
    base: str,
    label: str,
    paths: list[str],
    clients: int,
    budget: int,
    seconds: float,
    timeout: float = REQUEST_TIMEOUT,
) -> Load:
    """`clients` threads sending GETs for `paths` (each from its own offset) until `budget`
    requests were sent or `seconds` passed."""
    result = Load(label)
    lock = threading.Lock()
    sent = 0
    deadline = time.monotonic() + seconds

    def take() -> bool:
        nonlocal sent
        with lock:
            if sent >= budget or time.monotonic() >= deadline:
                return False
            sent += 1
            return True

    def worker(offset: int) -> None:
        with httpx.Client(base_url=base, timeout=timeout) as client:
            k = offset
            while take():
                path = paths[k % len(paths)]
                k += clients
                try:
                    status = str(client.get(path).status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                with lock:
                    result.statuses[status] = result.statuses.get(status, 0) + 1
                    if status == "200":
                        result.ok += 1
                    else:
                        result.errors += 1

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + timeout + 10)
    result.seconds = time.perf_counter() - t0
    return result


def _rss_mib(pid: int) -> str:
    """The resident memory of a process, where /proc tells it."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return "unknown"
    kib = next((line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")), "")
    return f"{int(kib) // 1024} MiB" if kib.isdigit() else "unknown"


def _cpu_s(pid: int) -> float | None:
    """CPU seconds a process has used, where /proc tells it."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="reports in the database")
    parser.add_argument("--texts", type=Path, default=DEFAULT_TEXTS, help="folder of .txt")
    parser.add_argument("--db", type=Path, help="database to reuse, or to keep once built")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400, help="per path, at most")
    parser.add_argument("--seconds", type=float, default=20.0, help="per path, at most")
    parser.add_argument(
        "--timeout", type=float, default=REQUEST_TIMEOUT, help="seconds for one request"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="serve-load-db-") as tmp:
        db = args.db or Path(tmp) / "load.db"
        if db.exists():
            print(f"database: {db} (reused)")
        else:
            texts, label = _texts(args.texts, args.n)
            print(f"building a database of {len(texts)} reports from {label} ...")
            print(f"  analysed in {build_db(db, texts):.0f} s")
        from parallax.store import Store

        with Store(db) as store:
            n = store.count()
        proc, base = start_server(db)
        try:
            with httpx.Client(base_url=base, timeout=args.timeout) as client:
                t0 = time.perf_counter()
                client.get("/").raise_for_status()  # warm-up
                print(f"warm-up GET / {time.perf_counter() - t0:.2f} s")
                events = [e["id"] for e in client.get("/api/events").json()]
            if not events:
                raise SystemExit("serve_load: the database has no events")
            runs = [
                ("root", ["/"]),
                ("event", [f"/event/{e}" for e in events]),
                ("export", ["/api/export"]),
            ]
            results = []
            server_ms: dict[str, float] = {}
            load_before = _load()
            print(f"load average before: {load_before}")
            for label, paths in runs:
                cpu = _cpu_s(proc.pid)
                r = load(
                    base, label, paths, args.clients, args.requests, args.seconds, args.timeout
                )
                after = _cpu_s(proc.pid)
                results.append(r)
                if cpu is not None and after is not None and r.ok:
                    server_ms[label] = (after - cpu) * 1000 / (r.ok + r.errors)
                print(
                    f"{label:7s} {r.ok:5d} ok {r.errors:4d} errors in {r.seconds:6.1f} s: "
                    f"{r.rps:7.2f} requests/s  server CPU "
                    f"{server_ms.get(label, float('nan')):6.1f} ms/request  {r.statuses}"
                )
            print(f"load average after: {_load()}")
            print(f"server memory: {_rss_mib(proc.pid)}")
        finally:
            stop_server(proc)
    rps = {r.path: r.rps for r in results}
    print(
        f"serve_load: n={n} root_rps={rps['root']:.2f} event_rps={rps['event']:.2f} "
        f"export_rps={rps['export']:.2f} errors={sum(r.errors for r in results)} "
        + " ".join(f"{k}_server_ms={v:.1f}" for k, v in server_ms.items())
        + f" load={load_before}"
    )


if __name__ == "__main__":
    main()
