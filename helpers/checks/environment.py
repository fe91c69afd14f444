"""Notebook 00: is the environment ready for the course (packages, JupyterLab extensions,
matplotlib's backend)?

Part of :mod:`helpers.checks`; see its docstring.
"""

from __future__ import annotations

import platform
import sys
from importlib import metadata
from pathlib import Path

# ---------------------------------------------------------------------------- 00 environment

MINIMUM_VERSIONS = {
    "numpy": "2.0",
    "matplotlib": "3.9",
    "ipywidgets": "8.1",
    "ipympl": "0.9.4",
    "jupyterlab": "4.2",
}
"""The lower bounds of ``requirements.txt`` for the packages the explorers depend on."""

LAB_EXTENSIONS = {
    "@jupyter-widgets/jupyterlab-manager": "the widget manager (pip install jupyterlab_widgets)",
    "jupyter-matplotlib": "ipympl's figures (pip install ipympl)",
}
"""JupyterLab extensions the explorers need: folder name -> what it is and how to install it."""


def _version_tuple(text: str) -> tuple:
    parts = []
    for piece in text.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
        if not piece.isdigit():
            break
    return tuple(parts)


def _labextension_dirs() -> list[Path]:
    try:
        from jupyter_core.paths import jupyter_path

        return [Path(p) for p in jupyter_path("labextensions")]
    except ImportError:
        return [Path(sys.prefix) / "share" / "jupyter" / "labextensions"]


def _as_dirs(value) -> list[Path]:
    """``labextension_dirs`` as a list of paths: one path, or a list of paths (not a string's
    characters); a TypeError naming the value otherwise."""
    if isinstance(value, (str, Path)):
        return [Path(value)]
    if isinstance(value, (list, tuple)) and all(isinstance(d, (str, Path)) for d in value):
        return [Path(d) for d in value]
    raise TypeError(f"labextension_dirs must be a folder or a list of folders; got {value!r}")


def environment_report(*, labextension_dirs=None) -> dict:
    """What the course needs from the environment, found without starting JupyterLab.

    Parameters
    ----------
    labextension_dirs : list of path, optional
        Where to look for JupyterLab's prebuilt extensions; default: Jupyter's data path for
        ``labextensions`` in this kernel's environment (``sys.prefix/share/jupyter/...`` and the
        user's Jupyter data folder).

    Returns
    -------
    dict
        ``python``: version string; ``packages``: name -> installed version or None;
        ``too_old``: names below :data:`MINIMUM_VERSIONS`; ``extensions``: folder name -> bool;
        ``backend``: matplotlib's backend; ``live_figures``: whether it is ipympl's;
        ``ok``: True when nothing is missing or too old.
    """
    import matplotlib

    dirs = _labextension_dirs() if labextension_dirs is None else _as_dirs(labextension_dirs)
    packages = {}
    for name in MINIMUM_VERSIONS:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    too_old = [
        n
        for n, v in packages.items()
        if v is not None and _version_tuple(v) < _version_tuple(MINIMUM_VERSIONS[n])
    ]
    extensions = {
        ext: any((d / ext / "package.json").is_file() for d in dirs) for ext in LAB_EXTENSIONS
    }
    backend = matplotlib.get_backend()
    ok = all(v is not None for v in packages.values()) and not too_old and all(extensions.values())
    return {
        "python": platform.python_version(),
        "packages": packages,
        "too_old": too_old,
        "extensions": extensions,
        "backend": backend,
        "live_figures": "ipympl" in backend or backend.lower() == "widget",
        "ok": ok,
    }


def check_environment(*, labextension_dirs=None) -> bool:
    """Print the versions that matter for the course and say what to do about anything missing.

    Returns True when every package is installed and recent enough and both JupyterLab
    extensions (widget manager, jupyter-matplotlib) are found. See :func:`environment_report`.
    """
    try:
        r = environment_report(labextension_dirs=labextension_dirs)
    except TypeError as exc:
        print(f"{exc}.")
        return False
    print(f"{'python':<12} {r['python']}")
    for name, version in r["packages"].items():
        status = "MISSING" if version is None else ("TOO OLD" if name in r["too_old"] else "ok")
        print(f"{name:<12} {version or '-':<10} {status} (need >= {MINIMUM_VERSIONS[name]})")
    for ext, found in r["extensions"].items():
        print(f"JupyterLab extension {ext}: {'found' if found else 'NOT FOUND'}")
    live = "live (ipympl)" if r["live_figures"] else "static: run %matplotlib widget first"
    print(f"matplotlib backend: {r['backend']} -> figures are {live}")
    problems = [n for n, v in r["packages"].items() if v is None] + r["too_old"]
    for name in problems:
        print(f"-> install or upgrade {name}: pip install -U -r requirements.txt")
    for ext, found in r["extensions"].items():
        if not found:
            print(f"-> {ext} is {LAB_EXTENSIONS[ext]}; then restart JupyterLab and reload the page")
    if r["ok"]:
        print("Everything the explorers need is installed.")
    else:
        print(
            "Until this is fixed the explorers show a still picture instead of sliders. "
            "(Extensions were looked for in this kernel's environment; if JupyterLab runs from "
            "another one, run `jupyter labextension list` there.)"
        )
    return r["ok"]
