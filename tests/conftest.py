"""Fixtures for the whole suite: running ``carenet`` (in-process and as a child process) and the
bundled example workbooks.

Fixtures used by one folder only live in that folder's ``conftest.py`` (``analysis/``,
``browser/``); plain builders and constants live in :mod:`tests.support`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from carenet_graph.cli import cli
from tests.support.commands import Invoke, RunCarenet, child_env

# The example networks in data/ (data/README.md documents them), by name.
EXAMPLE_WORKBOOKS = {"lippe": "lippe/netzwerk_lippe.xlsx", "varmland": "varmland/natverk_varmland.xlsx",
                     "eemland": "eemland/netwerk_eemland.xlsx"}


@pytest.fixture
def invoke() -> Invoke:
    """``invoke("validate", path, "--lang", "de")``: one ``carenet`` command through click's CliRunner.

    Arguments may be paths. The result has ``exit_code``, ``stdout``, ``stderr`` and ``output``;
    what :func:`carenet_graph.cli.main` adds around the click group is seen with ``run_carenet``.
    """
    runner = CliRunner()

    def run(*args: str | os.PathLike[str]) -> Result:
        return runner.invoke(cli, [os.fspath(a) for a in args])

    return run


@pytest.fixture
def run_carenet() -> RunCarenet:
    """``run_carenet("validate", path, cwd=..., env={...})``: ``python -m carenet_graph`` in a child process.

    As a user runs it: exit codes, messages without traceback, ``--debug``. The child imports the
    same ``carenet_graph`` as the tests; ``env`` adds variables to this process's environment.
    """

    def run(*args: str | os.PathLike[str], cwd: Path | None = None,
            env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "carenet_graph", *[os.fspath(a) for a in args]],
                              capture_output=True, text=True, encoding="utf-8",
                              env=child_env({"PYTHONIOENCODING": "utf-8", **(env or {})}), cwd=cwd, timeout=300,
                              check=False)

    return run


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The checkout's ``data/`` folder: the example networks and the scripts that generate them."""
    return Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="session")
def example_workbooks(data_dir: Path) -> dict[str, Path]:
    """The bundled example workbooks by name: ``lippe`` (de), ``varmland`` (sv), ``eemland`` (nl)."""
    return {name: data_dir / relative for name, relative in EXAMPLE_WORKBOOKS.items()}


@pytest.fixture(scope="session")
def star_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Actors and ties CSV of a star of 100,000 spokes (:func:`tests.support.stars.write_star`), written
    once for the end-to-end hub tests of analyze, gaps, map and report."""
    from tests.support.stars import write_star

    return write_star(tmp_path_factory.mktemp("star"), 100_000)
