"""The kernel stays responsive while the training explorer trains at its maxima.

A real IPython kernel (started here, on 127.0.0.1, and shut down at the end) gets the comm
messages a browser sends when a student drags the training explorer's sliders to their ends:
every change, and the Stop button, must be handled within half a second, while the run shows
its progress and the time left.
"""

import json
import os
import time
from pathlib import Path

import pytest

jupyter_client = pytest.importorskip("jupyter_client.manager")

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 0.5  # seconds from the message to the kernel's answer (its idle status)

SETUP = """
%matplotlib widget
import json
from helpers.widgets import build_training_explorer
ex = build_training_explorer(epochs=50)
ids = {name: c.model_id for name, c in ex.controls.items()}
ids["stop"] = ex.progress.button.model_id
ids["label"] = ex.progress.label.model_id
print(json.dumps(ids))
"""


class Kernel:
    def __init__(self):
        env = dict(
            os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
        )
        self.km, self.kc = jupyter_client.start_new_kernel(kernel_name="python3", env=env)
        self.seen = []  # every iopub message, in order

    def run(self, code: str, timeout: float = 120) -> str:
        msg_id = self.kc.execute(code)
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
            if out is not None and m["msg_type"] == "stream":
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


@pytest.fixture(scope="module")
def kernel():
    k = Kernel()
    try:
        yield k
    finally:
        k.close()


def update(value):
    return {"method": "update", "state": {"value": value}, "buffer_paths": []}


def test_the_kernel_answers_every_change_while_training_at_the_maxima(kernel):
    ids = json.loads(kernel.run(SETUP).strip().splitlines()[-1])
    took = {}
    # a student drags every size to its end, one after the other (each change cancels the
    # run before; the last one trains at the product of the maxima, in the background)
    rapid = {name: kernel.send(ids[name], update(value)) for name, value in
             [("depth", 8), ("width", 64), ("epochs", 3000), ("restarts", 20)]}  # fmt: skip
    assert max(rapid.values()) < 2.0, rapid  # drawing a finished run may take a moment
    kernel.wait(1.5)
    took["seed"] = kernel.send(ids["seed"], update(7))  # starts again with the new seed
    kernel.wait(1.5)
    took["stop"] = kernel.send(ids["stop"], {"method": "custom", "content": {"event": "click"}})
    kernel.wait(1.0)
    slow = {k: round(v, 3) for k, v in took.items() if v > LIMIT}
    assert not slow, f"changes handled later than {LIMIT} s: {slow} (all: {took})"
    labels = kernel.texts(ids["label"])
    assert any("left" in text for text in labels), f"no time left shown: {labels[-5:]}"
    assert labels and "stopped" in labels[-1], labels[-5:]
    state = kernel.run("print(ex.values['stopped'], ex.values['epochs_run'], ex.state['seed'])")
    stopped, epochs_run, seed = state.split()
    assert stopped == "True" and 0 < int(epochs_run) < 3000 and seed == "7"
