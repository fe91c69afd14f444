"""A real IPython kernel for tests: started on 127.0.0.1 with this checkout importable, driven
with the messages a front end sends, and shut down by the test that started it."""

import os
import time
from pathlib import Path

from jupyter_client.manager import start_new_kernel

ROOT = Path(__file__).resolve().parents[1]


class Kernel:
    def __init__(self):
        env = dict(
            os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
        )
        self.km, self.kc = start_new_kernel(kernel_name="python3", env=env)
        self.seen = []  # every iopub message, in order

    def run(self, code: str, timeout: float = 120, metadata: dict | None = None) -> str:
        """Execute ``code`` (``metadata``: what a front end sends with it, e.g. the cell id);
        returns its printed output."""
        msg = self.kc.session.msg(
            "execute_request",
            {"code": code, "silent": False, "store_history": True, "user_expressions": {},
             "allow_stdin": False, "stop_on_error": True},
            metadata=metadata or {},
        )  # fmt: skip
        self.kc.shell_channel.send(msg)
        msg_id = msg["header"]["msg_id"]
        out = []
        self._until(msg_id, timeout, out)
        return "".join(out)

    def send(self, comm_id: str, data: dict, timeout: float = 10.0) -> float:
        """Send a comm message; seconds until the kernel is idle after handling it."""
        msg = self.kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data})
        t0 = time.perf_counter()
        self.kc.shell_channel.send(msg)
        self._until(msg["header"]["msg_id"], timeout)
        return time.perf_counter() - t0

    def _until(self, msg_id, timeout, out=None):
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            try:
                m = self.kc.get_iopub_msg(timeout=0.05)
            except Exception:  # queue.Empty
                continue
            self.seen.append(m)
            if out is not None and m["msg_type"] == "stream" and m["content"]["name"] == "stdout":
                out.append(m["content"]["text"])
            if m["msg_type"] == "error":
                raise AssertionError("\n".join(m["content"]["traceback"]))
            if (m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status"
                    and m["content"]["execution_state"] == "idle"):  # fmt: skip
                return
        raise AssertionError(f"no answer to {msg_id} within {timeout} s")

    def wait(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            try:
                self.seen.append(self.kc.get_iopub_msg(timeout=0.05))
            except Exception:
                pass

    def texts(self, comm_id: str) -> list:
        """Every value the kernel sent for a Label's ``value``."""
        return [
            m["content"]["data"]["state"]["value"]
            for m in self.seen
            if m["msg_type"] == "comm_msg" and m["content"].get("comm_id") == comm_id
            and "value" in m["content"]["data"].get("state", {})
        ]  # fmt: skip

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)
