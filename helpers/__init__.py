"""initlab helpers: the numpy code behind the weight-initialisation notebooks.

Modules (data flows one way: a module imports only from the rows above it, and from names to
its left in its own row)::

    data, activations, init, lsuv            datasets, activation functions, schemes (LSUV:
                                             duck-typed on a model, reached as init.lsuv)
    mlp (_kernels, _structs, _targets)       the network: forward, backward, parameters
    dropout                                  inverted dropout through a fixed mask
    theory, meanfield, diagnostics           what theory predicts (meanfield: edge of chaos),
                                             what a network measures
    guard, train, batched, mup               gradient descent (one run, seeds stacked, muP)
    lessons, checks                          the notebooks' experiments, exercise feedback
    plotting                                 artists from numbers (it never trains)
    explorers (widgets)                      controls that re-run the numbers, update artists

``theory`` holds every theory line the notebooks and explorers draw; it imports no widget.
Import what you need, for example ``from helpers.mlp import MLP``.
"""

__version__ = "0.1.0"
