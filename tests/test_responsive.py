"""The kernel stays responsive while the training explorer trains at its maxima.

A real IPython kernel (started here, on 127.0.0.1, and shut down at the end) gets the comm
messages a browser sends when a student drags the training explorer's sliders to their ends:
every change, and the Stop button, must be handled within half a second, while the run shows
its progress and the time left.
"""

import json

import pytest
from _kernel import Kernel

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
