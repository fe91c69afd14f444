"""Present a course notebook live: Voilà slides (or a single page) with working explorers.

Usage (from the repository root)::

    python tools/present.py notebooks/02_symmetry_problem.ipynb   # live reveal.js slides
    python tools/present.py --app             # notebooks/explorer.ipynb as one page
    python tools/present.py notebooks/03_*.ipynb --port 9000 --browser

The script starts Voilà on 127.0.0.1, prints the URL and keeps running until Ctrl-C, which stops
Voilà and every kernel it started. Each page load runs the notebook in a fresh kernel (allow the
time the notebook takes to run); the code is hidden, the outputs and explorers are live: drag a
slider and the figure follows.

- Slides: one per cell marked "Slide" in the notebook's slide metadata (Voilà's ``reveal``
  template). Keys: arrows or space to move, ``F`` for full screen, ``Esc`` for the overview.
- ``--app``: the notebook as one page (Voilà's ``lab`` template), e.g. the explorer page. Two
  kernels run it before anyone asks (``--pool 2``; Voilà's preheated kernels): a visitor gets one
  that is ready and sees the explorers at once, and Voilà starts the next. ``--pool N`` sets
  how many (a room of visitors arriving together: more; each holds a kernel's memory), ``--pool
  0`` runs the notebook on each page load instead.
- The figures use the lecture style (large fonts, thick lines): the kernel gets
  ``INITLAB_STYLE=lecture``, which :func:`helpers.plotting.use_style` honours.
  ``--style default`` keeps the notebook's own style.
- Nothing is fetched from the internet: reveal.js, jQuery and Font Awesome come from
  ``tools/slides/vendor``, MathJax from the ``jupyter-server-mathjax`` package. They are copied
  with the course's Voilà template (``tools/slides/templates/initlab_live``, which extends
  Voilà's reveal template, or ``initlab_app``, which extends its lab template) into a temporary
  directory, served under ``/voila/static/``, and removed when the script stops.
"""

from __future__ import annotations

import argparse
import contextlib
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
import urllib.request
import webbrowser
from pathlib import Path
from types import SimpleNamespace

TOOLS = Path(__file__).resolve().parent
if str(TOOLS) not in sys.path:  # when imported from the tests
    sys.path.insert(0, str(TOOLS))

import export_slides  # noqa: E402  (the same vendored files and MathJax subset as the decks)

ROOT = TOOLS.parent
EXPLORER_APP = ROOT / "notebooks" / "explorer.ipynb"
LIVE_TEMPLATE = "initlab_live"  # Voilà's reveal template + local assets (slides)
APP_TEMPLATE = "initlab_app"  # Voilà's lab template + local assets (one page)
DEFAULT_PORT = 8866
STYLE_ENV = "INITLAB_STYLE"  # read by helpers.plotting.use_style
STYLES = ("lecture", "default")
#: Vendored packages the live slides load (reveal.js's JavaScript comes with Voilà itself).
LIVE_PACKAGES = ("reveal.js", "jquery", "fontawesome")
APP_PACKAGES = ("fontawesome",)
STATIC_URL = "/voila/static"  # where Voilà serves the template's static folder


def prepare_voila_dir(workdir, *, slides: bool = True, mathjax: bool = True) -> Path:
    """Lay out ``workdir`` as a Jupyter data directory holding the course's Voilà template.

    ``workdir/voila/templates/<template>`` gets the template (``initlab_live`` for slides,
    ``initlab_app`` for one page) and, in its ``static`` folder, the files it loads: reveal.js's
    style sheets, jQuery, Font Awesome, MathJax and the course's style sheet for the slides,
    Font Awesome for the page. ``workdir/voila.json`` tells Voilà their URLs. Pass ``workdir``
    to :func:`voila_command` and :func:`voila_env`. Returns ``workdir``.
    """
    workdir = Path(workdir)
    name = LIVE_TEMPLATE if slides else APP_TEMPLATE
    template = workdir / "voila" / "templates" / name
    shutil.copytree(export_slides.TEMPLATES / name, template, dirs_exist_ok=True)
    prefix = f"{STATIC_URL}/{export_slides.ASSETS}"
    urls = export_slides.copy_assets(
        template / "static",
        mathjax=mathjax and slides,
        packages=LIVE_PACKAGES if slides else APP_PACKAGES,
        prefix=prefix,
    )
    initlab = {
        "css_url": urls["css"],
        "fontawesome_url": urls["fontawesome"],
        "fontawesome_shims_url": urls["fontawesome"].replace("all.min.css", "v4-shims.min.css"),
    }
    config = {"VoilaConfiguration": {"resources": {"initlab": initlab}}}
    if slides:
        initlab["mathjax_url"] = urls["mathjax"]
        config["VoilaConfiguration"]["resources"]["reveal"] = {
            "url_prefix": urls["reveal"],
            "theme": "white",
            "transition": "none",
            "number": "c/t",
            "scroll": True,
            "width": export_slides.SLIDE_SIZE[0],
            "height": export_slides.SLIDE_SIZE[1],
        }
        config["VoilaExporter"] = {"jquery_url": urls["jquery"]}
    (workdir / "voila.json").write_text(json.dumps(config, indent=2))
    return workdir


def voila_command(
    notebook,
    workdir,
    *,
    port: int = DEFAULT_PORT,
    slides: bool = True,
    pool: int = 0,
    python: str = sys.executable,
) -> list[str]:
    """The command line that serves ``notebook`` with Voilà on ``127.0.0.1:port``.

    Parameters
    ----------
    notebook : path-like
        The notebook to show.
    workdir : path-like
        A directory laid out by :func:`prepare_voila_dir` (its ``voila.json`` is the only Voilà
        configuration read).
    port : int
        TCP port on 127.0.0.1.
    slides : bool
        True: live slides (the ``initlab_live`` template); False: one page (``initlab_app``).
        ``workdir`` must have been prepared for the same choice.
    pool : int
        0: every page load starts a kernel and runs the notebook (the visitor waits for it).
        N > 0: Voilà keeps N kernels that have already run the notebook (``--preheat_kernel``,
        ``--pool_size``); a visitor gets one of them, with every output ready, and Voilà starts
        another in the background.
    python : str
        The interpreter that runs Voilà (default: this one).
    """
    notebook = Path(notebook).resolve()
    if notebook.suffix != ".ipynb" or not notebook.is_file():
        raise ValueError(f"notebook must be an existing .ipynb file; got {str(notebook)!r}")
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise ValueError(f"port must be an integer from 1 to 65535; got {port!r}")
    if not isinstance(pool, int) or isinstance(pool, bool) or not 0 <= pool <= 64:
        raise ValueError(f"pool must be a whole number of kernels from 0 to 64; got {pool!r}")
    preheat = ["--preheat_kernel=True", f"--pool_size={pool}"] if pool else []
    return [
        python,
        "-m",
        "voila",
        str(notebook),
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--Voila.port={port}",
        "--Voila.port_retries=0",
        f"--Voila.config_file_paths={Path(workdir).resolve()}",
        f"--template={LIVE_TEMPLATE if slides else APP_TEMPLATE}",
        *preheat,
    ]


def voila_env(workdir, style: str = "lecture", base=None) -> dict:
    """The environment for Voilà and its kernels.

    ``INITLAB_STYLE`` is ``style`` (the kernels' figures follow it) and ``workdir`` leads
    ``JUPYTER_PATH`` (so that Voilà finds the live-slides template).
    """
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}; got {style!r}")
    env = dict(os.environ if base is None else base)
    env[STYLE_ENV] = style
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(Path(workdir).resolve()), env.get("JUPYTER_PATH", "")) if p
    )
    env["PYTHONUNBUFFERED"] = "1"
    return env


def port_is_free(port: int) -> bool:
    """True if nothing listens on 127.0.0.1:``port`` (a port left in TIME_WAIT by a server
    that just stopped counts as free, as it does for Voilà's own server socket)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        if os.name == "posix":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    """Wait until Voilà answers on ``url`` (without loading the notebook, which starts a kernel)."""
    deadline = time.monotonic() + timeout
    probe = f"{url}voila/static/{export_slides.ASSETS}/{export_slides.STYLESHEET.name}"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"voila exited with code {proc.returncode} before serving {url}")
        try:
            with urllib.request.urlopen(probe, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # any HTTP answer means the server is up
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"voila did not answer on {url} within {timeout:.0f} s")


def _descendants(pid: int) -> list[int]:
    try:
        import psutil

        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except Exception:
        return []


def stop(proc: subprocess.Popen) -> None:
    """Stop Voilà (its process group) and every kernel it started (kernels run in sessions
    of their own, so they are stopped by PID)."""
    if proc.poll() is not None:
        return
    kernels = _descendants(proc.pid)
    posix = hasattr(os, "killpg")
    for sig, wait in ((signal.SIGTERM, 10.0), (getattr(signal, "SIGKILL", signal.SIGTERM), 5.0)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if posix:
                os.killpg(proc.pid, sig)
            else:
                proc.terminate()
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    for pid in kernels:
        with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
            os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))


@contextlib.contextmanager
def serving(
    notebook,
    *,
    port: int | None = None,
    slides: bool = True,
    style: str = "lecture",
    log=None,
    startup_timeout: float = 60.0,
    pool: int = 0,
):
    """Run Voilà on ``notebook`` for the duration of a ``with`` block.

    Yields a namespace with ``url`` (``http://127.0.0.1:<port>/``), ``proc`` (the Voilà process)
    and ``workdir`` (the temporary template directory). ``port=None`` picks a free port.
    ``log`` is a file object for Voilà's output (default: this process's); ``pool`` kernels are
    kept ready (see :func:`voila_command`). Voilà, its kernels and the temporary template are
    removed on exit.
    """
    port = free_port() if port is None else port
    with tempfile.TemporaryDirectory(prefix="initlab-voila-") as tmp:
        workdir = prepare_voila_dir(tmp, slides=slides)
        cmd = voila_command(notebook, workdir, port=port, slides=slides, pool=pool)
        proc = subprocess.Popen(
            cmd,
            cwd=str(ROOT),
            env=voila_env(workdir, style),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT if log is not None else None,
            start_new_session=os.name == "posix",  # its own process group: stopped as one
        )
        try:
            url = f"http://127.0.0.1:{port}/"
            wait_until_serving(url, proc, timeout=startup_timeout)
            yield SimpleNamespace(url=url, proc=proc, workdir=workdir)
        finally:
            stop(proc)


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "notebook",
        nargs="?",
        type=Path,
        help="the notebook to present (default with --app: notebooks/explorer.ipynb)",
    )
    parser.add_argument(
        "--app",
        action="store_true",
        help="show the notebook as one page (Voilà's lab template) instead of slides",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
    parser.add_argument(
        "--pool",
        type=int,
        default=None,
        help="kernels kept ready with the notebook already run, so that a visitor sees the "
        "page at once (default: 2 with --app, 0 for slides; 0 turns it off)",
    )
    parser.add_argument(
        "--style", choices=STYLES, default="lecture", help="figure style (default: lecture)"
    )
    browser = parser.add_mutually_exclusive_group()
    browser.add_argument(
        "--browser", action="store_true", help="open the URL in the default web browser"
    )
    browser.add_argument(
        "--no-browser", action="store_true", help="only print the URL (the default)"
    )
    args = parser.parse_args(argv)
    notebook = args.notebook
    if notebook is None:
        if not args.app:
            parser.error("name a notebook to present as slides, or use --app")
        notebook = EXPLORER_APP
    if notebook.suffix != ".ipynb" or not notebook.is_file():
        parser.error(f"notebook must be an existing .ipynb file; got {str(notebook)!r}")
    if not 0 < args.port < 65536:
        parser.error(f"--port must be from 1 to 65535; got {args.port}")
    pool = (2 if args.app else 0) if args.pool is None else args.pool
    if not 0 <= pool <= 64:
        parser.error(f"--pool must be from 0 to 64; got {pool}")
    if not port_is_free(args.port):
        parser.error(f"port {args.port} on 127.0.0.1 is in use; choose another with --port")
    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # `kill` stops Voilà too, like Ctrl-C
    try:
        with serving(
            notebook, port=args.port, slides=not args.app, style=args.style, pool=pool
        ) as server:
            what = "one page" if args.app else "slides"
            print(f"\nPresenting {notebook.name} as {what} at {server.url}", flush=True)
            if pool:
                ready = f"{pool} kernel(s) run the notebook now and wait for visitors"
                print(f"{ready}; each takes one and another starts. Ctrl-C stops.", flush=True)
            else:
                print("Each page load runs the notebook. Press Ctrl-C to stop.", flush=True)
            if args.browser:
                webbrowser.open(server.url)
            while server.proc.poll() is None:
                time.sleep(0.5)
            print(f"error: voila exited with code {server.proc.returncode}", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        print("\nStopped.", flush=True)
        return 0
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
