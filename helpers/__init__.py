"""initlab helpers: the numpy code behind the weight-initialisation notebooks.

Modules (data flows one way: a module imports only from the rows above it, and from names to
its left in its own row)::

    data, activations, init, lsuv            datasets, activation functions, schemes (LSUV:
                                             duck-typed on a model, reached as init.lsuv)
    mlp (_kernels, _structs, _targets)       the network: forward, backward, parameters
    dropout, layers                          inverted dropout; BatchNorm, LayerNorm layers
    normed, residual                         the MLP with norms (MLP(norm=...)); ResidualMLP
    theory, meanfield, diagnostics           what theory predicts (meanfield: edge of chaos),
                                             what a network measures
    guard, train, batched, mup               gradient descent (one run, seeds stacked, muP)
    lessons, checks                          the notebooks' experiments, exercise feedback
    plotting                                 artists from numbers (it never trains)
    explorers (widgets)                      controls that re-run the numbers, update artists

One documented exception: ``MLP(..., norm="batch"|"layer")`` returns a ``normed.NormMLP``, so
``MLP.__new__`` imports ``normed`` when (and only when) it is called with a norm. That import is
at call time, never at module load (``import helpers.mlp`` loads nothing below its row), and it
keeps the one constructor the notebooks use; ``NormMLP(...)`` is the same class called directly.

``theory`` holds every theory line the notebooks and explorers draw; it imports no widget.
Import what you need, for example ``from helpers.mlp import MLP``.
"""

__version__ = "0.1.0"
