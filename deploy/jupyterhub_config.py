"""JupyterHub for a class on one machine, serving the course in JupyterLab.

Start it from the repository root, in the environment where ``pip install -r requirements.txt``
and ``pip install -r deploy/requirements-hub.txt`` ran, with Node.js's
``configurable-http-proxy`` installed (``npm install -g configurable-http-proxy``)::

    jupyterhub -f deploy/jupyterhub_config.py

What it sets (each value can be changed below or through the variables named):

- Students log in with their account on this machine (PAM), get JupyterLab (``/lab``) and run
  as themselves in their own home. Send them an nbgitpuller link (README, "Teaching a class on
  JupyterHub") and the notebooks appear in their home, updated without overwriting their work.
- One BLAS thread per kernel: a room of students would otherwise start two threads each on every
  core and slow everyone down.
- Idle servers are stopped after ``INITLAB_HUB_IDLE`` seconds (default 3600) by the
  ``jupyterhub-idle-culler`` service, so that memory goes back to the machine.
- Memory: a kernel holds 115-240 MB after *Run All* and its Jupyter server about 140 MB more
  (``benchmarks/bench_memory.py``, ``benchmarks/bench_classroom.py``); budget 512 MB a student.
  Plain local processes are not limited; a spawner that can limit them (SystemdSpawner, or The
  Littlest JupyterHub, which uses it) takes ``mem_limit`` below.

``INITLAB_HUB_MODE=local-test`` turns it into the throwaway hub of ``bench_classroom.py``: a hub
on 127.0.0.1 whose students are made up (any name, no password), run as the current user with
their homes under ``INITLAB_HUB_STATE``, and a service token ``INITLAB_HUB_TOKEN`` with the rights
to create them and start their servers. Never use that mode on a network.
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821  (JupyterHub's config loader defines it)

MODE = os.environ.get("INITLAB_HUB_MODE", "class")
if MODE not in ("class", "local-test"):
    raise ValueError(f"INITLAB_HUB_MODE must be 'class' or 'local-test'; got {MODE!r}")
STATE = Path(os.environ.get("INITLAB_HUB_STATE", ".")).resolve()
IDLE_SECONDS = int(os.environ.get("INITLAB_HUB_IDLE", "3600"))

c.JupyterHub.bind_url = os.environ.get("INITLAB_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
if os.environ.get("INITLAB_HUB_PROXY"):
    c.ConfigurableHTTPProxy.command = [os.environ["INITLAB_HUB_PROXY"]]

c.Spawner.default_url = "/lab"
c.Spawner.environment = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
c.Spawner.mem_guarantee = "512M"
c.Spawner.mem_limit = "1G"
c.Spawner.http_timeout = 120  # a server's first start on a busy machine
c.Spawner.start_timeout = 120

c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_SECONDS}"],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]

if MODE == "local-test":
    c.JupyterHub.authenticator_class = "dummy"
    c.Authenticator.allow_all = True
    c.JupyterHub.spawner_class = "simple"  # SimpleLocalProcessSpawner: homes in STATE
    c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "homes" / "{username}")
    c.Spawner.notebook_dir = str(STATE / "homes" / "{username}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        c.Spawner.args = ["--allow-root"]
    token = os.environ.get("INITLAB_HUB_TOKEN")
    if token:
        c.JupyterHub.services.append({"name": "classroom", "api_token": token})
        c.JupyterHub.load_roles.append(
            {
                "name": "classroom",
                "scopes": ["admin:users", "admin:servers", "access:servers"],
                "services": ["classroom"],
            }  # fmt: skip
        )
else:
    c.JupyterHub.authenticator_class = "pam"
    c.Authenticator.allowed_users = set(
        u for u in os.environ.get("INITLAB_HUB_STUDENTS", "").split(",") if u
    )
    c.Authenticator.allow_all = not c.Authenticator.allowed_users
