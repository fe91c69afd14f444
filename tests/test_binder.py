"""Binder: repo2docker reads the repository as it is (environment.yml, which installs
requirements.txt and the helpers package). ``repo2docker --no-build`` writes the Dockerfile it
would build without needing Docker; the test reads it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def repo2docker() -> str:
    exe = Path(sys.executable).parent / "repo2docker"
    found = str(exe) if exe.is_file() else shutil.which("repo2docker")
    if found is None:
        pytest.fail("repo2docker is not installed (pip install -r requirements.txt)")
    return found


@pytest.fixture(scope="module")
def dockerfile() -> str:
    run = subprocess.run([repo2docker(), "--no-build", "--debug", "--no-run", str(ROOT)],
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout + run.stderr


def test_repo2docker_builds_the_conda_environment_with_python_311(dockerfile):
    assert "Building conda environment for python=3.11" in dockerfile
    assert re.search(r'env update -p \$\{NB_PYTHON_PREFIX\} --file "environment.yml"', dockerfile)


def test_the_repository_is_copied_before_the_environment_is_built(dockerfile):
    # environment.yml installs `-r requirements.txt`, which installs `-e .`: both need the files
    copy = dockerfile.index("COPY --chown=0:0 src/ ${REPO_DIR}/")
    update = dockerfile.index('--file "environment.yml"')
    assert copy < update


def test_the_environment_installs_the_requirements_and_the_helpers_package():
    env = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s*- python=3\.11\s*$", env, re.M)
    assert re.search(r"^\s*- -r requirements\.txt\s*$", env, re.M)
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert "-e ." in [line.split("#")[0].strip() for line in requirements]
