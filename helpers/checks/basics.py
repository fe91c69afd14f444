"""Notebook 01: feedback for the exercise on counting a network's parameters.

Part of :mod:`helpers.checks`; see its docstring.
"""

from __future__ import annotations

from .. import lessons
from ._answers import as_number
from ._student import _answer

# ---------------------------------------------------------------------------- 01 forward pass


def check_parameter_count(count_parameters) -> bool:
    """Exercise of notebook 01: ``count_parameters(sizes)`` must return ``MLP(sizes).n_params``,
    exactly (a whole number; ``113.0`` counts as 113, ``113.4`` is not a count)."""
    cases = ([2, 16, 1], [3, 5, 4, 2], [784, 128, 10], [2, 1], [4, 8, 8, 8, 3])
    for sizes in cases:
        ok, got = _answer(count_parameters, sizes, what="count_parameters")
        if not ok:
            return False
        got = as_number(got, f"count_parameters({sizes})", integer=True)
        if got is None:
            return False
        truth = lessons.count_parameters_by_edges(sizes)
        if got == truth["total"]:
            continue
        print(
            f"count_parameters({sizes}) gave {got!r}; the network has {truth['total']} parameters."
        )
        if got == truth["weights"]:
            print(
                "You counted the weights (the edges) but not the biases: every unit after the "
                "input layer also has one bias, an edge from a constant input of 1."
            )
        elif got == truth["weights"] + sum(sizes):
            print("Only the units after the input layer have a bias: inputs are data, not units.")
        elif got == sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) + len(sizes) - 1:
            print("One bias per UNIT, not one per layer.")
        else:
            print("Layer l has sizes[l-1] * sizes[l] weights (edges) and sizes[l] biases.")
        return False
    print(
        f"Correct for all {len(cases)} networks, e.g. {cases[2]} has "
        f"{lessons.count_parameters_by_edges(cases[2])['total']:,} parameters."
    )
    return True
