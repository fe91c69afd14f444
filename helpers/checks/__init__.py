"""Feedback for the notebooks' exercises: every ``check_*`` prints what is right or what to look
at again, and returns True or False (so a notebook cell never raises on a wrong answer).

A check called before the exercise is filled in (the stub raises ``NotImplementedError`` or
returns ``None``) says so kindly instead of failing: every check calls the student's function
through :mod:`._student`.

One module per notebook group, all re-exported here (notebooks call ``checks.<name>``):
:mod:`.environment` (00), :mod:`.basics` (01), :mod:`.symmetry` (02), :mod:`.scale` (03),
:mod:`.variance` (04), :mod:`.training` (05), :mod:`.claims` (06), :mod:`.normalisation` (08),
:mod:`.signal_propagation` (09); :mod:`.exercises` holds the
exercises that need a derivation (02, 04, 06).
"""

from .basics import check_parameter_count
from .claims import check_constant_claim
from .environment import (
    LAB_EXTENSIONS,
    MINIMUM_VERSIONS,
    check_environment,
    environment_report,
)
from .exercises import check_first_update, check_leaky_gain, check_restarts
from .normalisation import check_alpha, check_layernorm_forward, check_stream_std
from .scale import check_largest_safe_scale
from .signal_propagation import check_critical_sigma_w2, check_lsuv_loop, check_trainable_depth
from .symmetry import check_predicted_changes
from .training import check_keep_best
from .variance import check_he_normal, check_xavier_uniform

__all__ = [
    "MINIMUM_VERSIONS",
    "LAB_EXTENSIONS",
    "environment_report",
    "check_environment",
    "check_parameter_count",
    "check_predicted_changes",
    "check_largest_safe_scale",
    "check_xavier_uniform",
    "check_he_normal",
    "check_keep_best",
    "check_constant_claim",
    "check_first_update",
    "check_leaky_gain",
    "check_restarts",
    "check_layernorm_forward",
    "check_stream_std",
    "check_alpha",
    "check_critical_sigma_w2",
    "check_trainable_depth",
    "check_lsuv_loop",
]
