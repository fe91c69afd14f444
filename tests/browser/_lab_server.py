"""The browser tests' throwaway JupyterLab server: `jupyter lab` on 127.0.0.1, a free port, no
token, throwaway settings, workspace and runtime directories; stopped with its kernels."""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

__all__ = [
    "LAB_SETTINGS",
    "free_port",
    "LabServer",
]

# Throwaway user settings written for the test server (JUPYTERLAB_SETTINGS_DIR).
LAB_SETTINGS = {
    # No "would you like news?" pop-up, no update check (both go to the network).
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    # Never write executed outputs back into the repo's notebooks.
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    # Attach every cell to the DOM, so that selectors see all outputs, not only
    # the ones in the viewport.
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}


# ---------------------------------------------------------------------------
# The JupyterLab server
# ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_settings(settings_dir: Path) -> None:
    for plugin_id, values in LAB_SETTINGS.items():
        package, plugin = plugin_id.split(":")
        target = settings_dir / package / f"{plugin}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values, indent=2))


def _descendants(pid: int) -> list[int]:
    """PIDs of all descendants of pid (kernels run in their own sessions, so
    killing the server's process group does not reach them)."""
    try:
        import psutil

        return [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except Exception:
        pass
    children: dict[int, list[int]] = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            text = Path(stat).read_text()
            ppid = int(text.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(stat.split("/")[2]))
        except (OSError, ValueError, IndexError):
            continue
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours still "exists"; reap it if it is ours.
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    except ChildProcessError:
        pass
    return True


class LabServer:
    """`jupyter lab` on 127.0.0.1:<free port>, no token, throwaway settings."""

    def __init__(
        self, root_dir: Path, startup_timeout: float = 90.0, keep_log_as: Path | None = None
    ):
        self.root_dir = Path(root_dir)
        self.keep_log_as = keep_log_as  # copy of the server log, kept after stop
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.pid: int | None = None
        self.tmp = Path(tempfile.mkdtemp(prefix="initlab-lab-"))
        self.log_path = self.tmp / "jupyter-lab.log"
        self._log = None

    # -- lifecycle ----------------------------------------------------------
    def start(self) -> None:
        settings = self.tmp / "user-settings"
        workspaces = self.tmp / "workspaces"
        runtime = self.tmp / "runtime"
        config = self.tmp / "config"
        for d in (settings, workspaces, runtime, config):
            d.mkdir(parents=True, exist_ok=True)
        _write_settings(settings)
        env = dict(os.environ)
        env.update(
            JUPYTERLAB_SETTINGS_DIR=str(settings),
            JUPYTERLAB_WORKSPACES_DIR=str(workspaces),
            JUPYTER_RUNTIME_DIR=str(runtime),
            JUPYTER_CONFIG_DIR=str(config),
            PYTHONUNBUFFERED="1",
        )
        cmd = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            "--IdentityProvider.token=",
            "--ServerApp.disable_check_xsrf=True",
            f"--ServerApp.root_dir={self.root_dir}",
            f"--LabApp.user_settings_dir={settings}",
            f"--LabApp.workspaces_dir={workspaces}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            cmd,
            cwd=str(self.root_dir),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.pid = self.proc.pid  # the server itself: no shell in between
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        last_error = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited with code {self.proc.returncode} before "
                    f"answering on {self.url}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/api/status", timeout=2) as r:
                    if r.status == 200:
                        json.load(r)
                        return
            except (OSError, ValueError) as exc:
                last_error = exc
            time.sleep(0.25)
        raise RuntimeError(
            f"jupyter lab did not answer {self.url}/api/status within "
            f"{self.startup_timeout:.0f} s (last error: {last_error}):\n{self.log_tail()}"
        )

    def stop(self) -> None:
        """Stop the server, its process group and any kernel it started."""
        if self.proc is None:
            return
        pid = self.proc.pid
        kids = _descendants(pid) if self.proc.poll() is None else []
        with contextlib.suppress(Exception):
            self.shutdown_all_kernels(timeout=5)
        for sig, wait in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 5.0)):
            if self.proc.poll() is not None:
                break
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, sig)  # pgid == pid thanks to start_new_session
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=wait)
        # Kernels live in their own sessions: kill stragglers, by PID.
        for kid in kids:
            if _alive(kid):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(kid, signal.SIGKILL)
        if self._log is not None:
            self._log.close()
        if self.keep_log_as is not None:
            with contextlib.suppress(OSError):
                self.keep_log_as.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.log_path, self.keep_log_as)
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.proc = None

    # -- REST helpers -------------------------------------------------------
    def api(self, method: str, path: str, timeout: float = 10.0):
        req = urllib.request.Request(f"{self.url}{path}", method=method)
        with urllib.request.urlopen(req, timeout=timeout) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shutdown_all_kernels(self, timeout: float = 10.0) -> None:
        for kernel in self.api("GET", "/api/kernels", timeout=timeout) or []:
            with contextlib.suppress(urllib.error.URLError, OSError):
                self.api("DELETE", f"/api/kernels/{kernel['id']}", timeout=timeout)

    def shutdown_sessions_for(self, rel_path: str) -> None:
        for session in self.api("GET", "/api/sessions") or []:
            if session.get("path") == rel_path:
                with contextlib.suppress(urllib.error.URLError, OSError):
                    self.api("DELETE", f"/api/sessions/{session['id']}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def notebook_url(self, rel_path: str) -> str:
        return f"{self.url}/lab/tree/{urllib.parse.quote(rel_path)}?reset"
