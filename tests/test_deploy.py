"""deploy/: the one-machine JupyterHub configuration and the Zero to JupyterHub values, checked
for what they promise (syntax, JupyterLab, one BLAS thread, culling, memory from the measured
budget). benchmarks/bench_classroom.py runs the one-machine configuration for a class."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_memory  # noqa: E402

SERVER_MB = 140  # a student's Jupyter server, RSS (bench_classroom.py; deploy/README.md)


def megabytes(size: str) -> float:
    """'512M', '1G', '1Gi' -> MB."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT])i?", str(size))
    assert m, f"not a size: {size!r}"
    return float(m.group(1)) * {"K": 1 / 1024, "M": 1, "G": 1024, "T": 1024**2}[m.group(2)]


def hub_config(monkeypatch, tmp_path, **env) -> Config:
    for key, value in {"INITLAB_HUB_STATE": str(tmp_path), **env}.items():
        monkeypatch.setenv(key, value)
    c = Config()
    exec(compile((DEPLOY / "jupyterhub_config.py").read_text(), "jupyterhub_config.py", "exec"),
         {"get_config": lambda: c, "__file__": str(DEPLOY / "jupyterhub_config.py")})  # fmt: skip
    return c


@pytest.fixture
def values():
    return yaml.safe_load((DEPLOY / "z2jh-values.yaml").read_text())


def test_the_class_hub_serves_jupyterlab_with_one_blas_thread_and_culls(monkeypatch, tmp_path):
    c = hub_config(monkeypatch, tmp_path)
    assert c.JupyterHub.authenticator_class == "pam"
    assert c.Spawner.default_url == "/lab"
    assert c.Spawner.environment["OPENBLAS_NUM_THREADS"] == "1"
    culler = [s for s in c.JupyterHub.services if s["name"] == "idle-culler"]
    assert culler and "--timeout=3600" in culler[0]["command"]
    role = [r for r in c.JupyterHub.load_roles if r["name"] == "idle-culler"][0]
    assert {"read:users:activity", "delete:servers"} <= set(role["scopes"])
    assert c.JupyterHub.db_url.startswith(f"sqlite:///{tmp_path}")


def test_the_test_hub_has_made_up_students_on_loopback(monkeypatch, tmp_path):
    c = hub_config(monkeypatch, tmp_path, INITLAB_HUB_MODE="local-test", INITLAB_HUB_TOKEN="t")
    assert c.JupyterHub.authenticator_class == "dummy" and c.JupyterHub.spawner_class == "simple"
    assert c.JupyterHub.bind_url.startswith("http://127.0.0.1:")
    assert c.SimpleLocalProcessSpawner.home_dir_template.startswith(str(tmp_path))
    assert any(s.get("api_token") == "t" for s in c.JupyterHub.services)


def test_an_unknown_mode_is_refused(monkeypatch, tmp_path):
    with pytest.raises(ValueError, match="INITLAB_HUB_MODE"):
        hub_config(monkeypatch, tmp_path, INITLAB_HUB_MODE="open")


def test_kubernetes_values_follow_the_measured_budget(values, monkeypatch, tmp_path):
    user = values["singleuser"]
    guarantee, limit = megabytes(user["memory"]["guarantee"]), megabytes(user["memory"]["limit"])
    assert guarantee >= bench_memory.GOAL_MB + SERVER_MB, "a kernel after Run All and its server"
    assert limit >= guarantee
    c = hub_config(monkeypatch, tmp_path)
    assert megabytes(c.Spawner.mem_guarantee) == guarantee, "one budget for both configurations"
    assert megabytes(c.Spawner.mem_limit) == limit
    assert user["defaultUrl"] == "/lab"
    assert user["extraEnv"]["OPENBLAS_NUM_THREADS"] == "1"
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] == 3600
    assert values["prePuller"]["hook"]["enabled"] is True


def test_the_image_has_nbgitpuller_for_the_students_links():
    requirements = (ROOT / "requirements.txt").read_text().splitlines()
    assert any(line.startswith("nbgitpuller") for line in requirements)
