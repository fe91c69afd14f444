"""A class on JupyterHub: N students pull the course and run one notebook at the same moment.

Usage (from the repository root; ``pip install -r deploy/requirements-hub.txt`` and Node.js's
``configurable-http-proxy`` (``npm install configurable-http-proxy``: found on the PATH or in a
``node_modules/.bin`` given with ``--proxy``))::

    python benchmarks/bench_classroom.py                  # 10 students, notebook 03
    python benchmarks/bench_classroom.py --students 4 --notebook 02_symmetry_problem.ipynb

What it does, with the hub configuration a lecturer uses (``deploy/jupyterhub_config.py``, in its
``local-test`` mode: made-up students on 127.0.0.1, homes in a temporary folder):

1. starts JupyterHub on a free port of 127.0.0.1 and creates the students through its REST API
   with a service token;
2. starts every student's server (SimpleLocalProcessSpawner) and pulls the course into each home
   with nbgitpuller (the same ``git-pull`` call a student's link makes), from this checkout's
   committed ``HEAD``;
3. opens a kernel for every student and runs the notebook's code cells in all of them at once
   over the kernel websocket, as JupyterLab does; records each student's time to the first
   output, total time and errors (an ``error`` reply or message);
4. reads each student's memory after the run: the kernel's and its Jupyter server's RSS and PSS
   (``/proc``; PSS divides shared library pages among the processes that map them);
5. stops every server, the hub and its proxy, and removes the temporary folder.

It prints a row per student, the medians and the largest values, the errors, and the load
average at start and end (this 2-core machine is shared: the times move with the load).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

import nbformat
import requests
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "deploy" / "jupyterhub_config.py"

PROBE = r"""
import json as _j, os as _o
print(_j.dumps({"pid": _o.getpid(), "ppid": _o.getppid()}))
"""
"""Run in each kernel after the notebook: the kernel's pid and its server's (read from /proc)."""


def memory_mb(pid: int) -> dict:
    """RSS and PSS (MB) of process ``pid``, read from /proc."""

    def kb(path, key):
        try:
            with open(path) as f:
                for line in f:
                    if line.startswith(key + ":"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    return {
        "rss": kb(f"/proc/{pid}/status", "VmRSS"),
        "pss": kb(f"/proc/{pid}/smaps_rollup", "Pss"),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    """A throwaway JupyterHub (deploy/jupyterhub_config.py, local-test mode)."""

    def __init__(self, state: Path, proxy: str):
        self.state, self.port, self.token = state, free_port(), secrets.token_hex(32)
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, INITLAB_HUB_MODE="local-test", INITLAB_HUB_STATE=str(state),
                   INITLAB_HUB_TOKEN=self.token, INITLAB_HUB_URL=self.url,
                   INITLAB_HUB_PROXY=proxy)  # fmt: skip
        hub = Path(sys.executable).parent / "jupyterhub"
        self.log = open(state / "hub.log", "wb")
        self.proc = subprocess.Popen([str(hub), "-f", str(CONFIG), f"--port={self.port}"],
                                     cwd=state, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)  # fmt: skip
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"token {self.token}"

    def api(self, method: str, path: str, **kw):
        r = self.http.request(method, f"{self.url}/hub/api{path}", timeout=60, **kw)
        if r.status_code >= 400:
            raise RuntimeError(f"{method} {path}: HTTP {r.status_code} {r.text[:300]}")
        return r.json() if r.content else None

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited; see {self.state / 'hub.log'}")
            try:
                self.api("GET", "/")
                return
            except (requests.ConnectionError, RuntimeError):
                time.sleep(0.5)
        raise RuntimeError("jupyterhub did not answer in time")

    def start_server(self, name: str, timeout: float = 180.0) -> float:
        start = time.monotonic()
        self.api("POST", f"/users/{name}")
        self.api("POST", f"/users/{name}/server")
        while time.monotonic() - start < timeout:
            user = self.api("GET", f"/users/{name}")
            server = user.get("servers", {}).get("", {})
            if server.get("ready"):
                return time.monotonic() - start
            time.sleep(0.5)
        raise RuntimeError(f"{name}'s server did not start in {timeout:.0f} s")

    def pull(self, name: str, repo: str, branch: str) -> None:
        """nbgitpuller's git-pull into ``name``'s home (its event stream, to the end)."""
        query = urllib.parse.urlencode({"repo": repo, "branch": branch, "targetpath": "initlab"})
        url = f"{self.url}/user/{name}/git-pull/api?{query}"
        with self.http.get(url, stream=True, timeout=300) as r:
            for line in r.iter_lines(decode_unicode=True):
                if line.startswith("data: "):
                    event = json.loads(line[6:])
                    if event.get("phase") == "error":
                        raise RuntimeError(f"{name}: nbgitpuller: {event.get('message')}")
                    if event.get("phase") == "finished":
                        return
        raise RuntimeError(f"{name}: nbgitpuller's stream ended without 'finished'")

    def stop(self) -> None:
        try:
            for user in self.api("GET", "/users"):
                if user.get("servers"):
                    self.api("DELETE", f"/users/{user['name']}/server")
        except Exception:  # the hub may be gone already: stop the processes anyway
            pass
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


async def run_notebook(hub: Hub, name: str, cells: list[str], start_at: float) -> dict:
    """Run ``cells`` in a new kernel of ``name``'s server over the websocket; the timings,
    errors and the kernel's and server's pids."""
    base = f"{hub.url}/user/{name}/api"
    kernel = hub.http.post(f"{base}/kernels", json={"name": "python3"}, timeout=60).json()
    ws_url = f"ws://127.0.0.1:{hub.port}/user/{name}/api/kernels/{kernel['id']}/channels"
    req = HTTPRequest(ws_url, headers={"Authorization": f"token {hub.token}"})
    ws = await websocket_connect(req, max_message_size=256 * 1024 * 1024)
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))  # everyone starts together
    t0, first, errors, pids = time.monotonic(), None, [], None
    for code in [*cells, PROBE]:
        msg_id = uuid.uuid4().hex
        await ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": name,
                       "session": uuid.uuid4().hex, "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False},
        }))  # fmt: skip
        while True:
            raw = await ws.read_message()
            if raw is None:
                raise RuntimeError(f"{name}: the kernel's websocket closed")
            if isinstance(raw, bytes):
                continue
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind in ("stream", "display_data", "execute_result") and first is None:
                first = time.monotonic() - t0
            if kind == "stream" and code is PROBE:
                pids = json.loads(msg["content"]["text"].strip().splitlines()[-1])
            if kind == "error":
                errors.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")
            if kind == "status" and msg["content"]["execution_state"] == "idle":
                break
    total = time.monotonic() - t0
    ws.close()
    return {"name": name, "first": first, "total": total, "errors": errors, "pids": pids,
            "kernel_id": kernel["id"]}  # fmt: skip


async def run_class(hub: Hub, names: list[str], cells: list[str]) -> list[dict]:
    start_at = time.monotonic() + 5.0  # every websocket is open by then
    return await asyncio.gather(*(run_notebook(hub, n, cells, start_at) for n in names))


def find_proxy(given: str | None) -> str:
    for candidate in (given, shutil.which("configurable-http-proxy")):
        if candidate and Path(candidate).is_file():
            return str(Path(candidate).resolve())
    raise SystemExit("configurable-http-proxy not found: npm install configurable-http-proxy, "
                     "then pass --proxy node_modules/.bin/configurable-http-proxy")  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=10, help="default 10")
    parser.add_argument("--notebook", default="03_vanishing_and_saturation.ipynb")
    parser.add_argument("--proxy", help="path of configurable-http-proxy (default: on PATH)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.students < 1:
        parser.error("--students must be at least 1")
    proxy = find_proxy(args.proxy)
    nb = nbformat.read(ROOT / "notebooks" / args.notebook, as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code"]
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--abbrev-ref", "HEAD"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    print(f"load average at start: {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    names = [f"student{k:02d}" for k in range(1, args.students + 1)]
    state = Path(tempfile.mkdtemp(prefix="initlab-classroom-"))
    hub = Hub(state, proxy)
    try:
        hub.wait_ready()
        spawn = {n: hub.start_server(n) for n in names}
        pull_start = time.monotonic()
        for n in names:
            hub.pull(n, f"file://{ROOT}", head)
        pull_seconds = time.monotonic() - pull_start
        for n in names:
            assert (state / "homes" / n / "initlab" / "notebooks" / args.notebook).is_file()
        rows = asyncio.run(run_class(hub, names, cells))
        for row in rows:
            row["spawn"] = spawn[row["name"]]
            row["kernel"] = memory_mb(row["pids"]["pid"]) if row["pids"] else {}
            row["server"] = memory_mb(row["pids"]["ppid"]) if row["pids"] else {}
        report(rows, args, pull_seconds)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
        return 1 if any(r["errors"] for r in rows) else 0
    finally:
        hub.stop()
        shutil.rmtree(state, ignore_errors=True)
        print(f"load average at end: {' / '.join(f'{x:.2f}' for x in os.getloadavg())} "
              f"({os.cpu_count()} CPUs); hub, servers and kernels stopped")  # fmt: skip


def report(rows: list[dict], args, pull_seconds: float) -> None:
    import statistics as st

    print(f"\n{args.students} students, {args.notebook}, all at once")
    print(f"{'student':<11} {'spawn s':>7} {'first s':>7} {'total s':>7} {'kernel RSS/PSS MB':>18} "
          f"{'server RSS/PSS MB':>18} errors")  # fmt: skip
    for r in rows:
        k, s = r["kernel"], r["server"]
        print(f"{r['name']:<11} {r['spawn']:7.1f} {r['first'] or float('nan'):7.2f} "
              f"{r['total']:7.1f} {k.get('rss', 0):9.0f}/{k.get('pss', 0):<8.0f} "
              f"{s.get('rss', 0):9.0f}/{s.get('pss', 0):<8.0f} {len(r['errors'])}")  # fmt: skip
    med = lambda key: st.median(r[key] for r in rows if r[key] is not None)  # noqa: E731
    print(f"median: spawn {med('spawn'):.1f} s, first output {med('first'):.2f} s, total "
          f"{med('total'):.1f} s; largest total {max(r['total'] for r in rows):.1f} s; "
          f"pulls {pull_seconds:.1f} s for all")  # fmt: skip
    kernel = max(r["kernel"].get("pss", 0) for r in rows)
    server = max(r["server"].get("pss", 0) for r in rows)
    print(f"largest PSS: kernel {kernel:.0f} MB, server {server:.0f} MB; "
          f"errors: {sum(len(r['errors']) for r in rows)}")  # fmt: skip
    for r in rows:
        for e in r["errors"]:
            print(f"  {r['name']}: {e}")


if __name__ == "__main__":
    sys.exit(main())
