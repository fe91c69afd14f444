"""initlab helpers: the numpy code behind the weight-initialisation notebooks.

Modules (data flows one way, left to right)::

    data -> init, activations, mlp, train, batched -> diagnostics -> plotting -> widgets

Import what you need, for example ``from helpers.mlp import MLP``.
"""

__version__ = "0.1.0"
