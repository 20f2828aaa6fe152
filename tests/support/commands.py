"""Running ``carenet`` in tests: the types of the ``invoke`` and ``run_carenet`` fixtures (tests/conftest.py)
and the environment of a child Python (``python -m carenet_graph``, ``python -c``).

A child must import the very ``carenet_graph`` the tests import: the checkout when the tests run
from it, whether or not (or however) the package is installed. So the folder that holds the
imported package goes first on the child's ``PYTHONPATH``.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

from click.testing import Result

import carenet_graph

# invoke("validate", path): one command in-process through click's CliRunner.
Invoke = Callable[..., Result]
# run_carenet("validate", path, cwd=..., env={...}): python -m carenet_graph in a child process.
RunCarenet = Callable[..., subprocess.CompletedProcess[str]]

PACKAGE_PARENT = Path(carenet_graph.__file__).resolve().parent.parent

# A progress line that gaps/map/report/compare/analyze print on stderr before anything else they say:
# "  [   0.0 s] Reading the input", "  [   0,0 s] Eingabe wird gelesen".
PROGRESS_LINE = re.compile(r"^\s+\[\s*[\d.,]+ s\] ")


def without_progress(text: str) -> str:
    """``text`` (what a command wrote on stderr) without its progress lines, the rest unchanged."""
    return "".join(line for line in text.splitlines(keepends=True) if not PROGRESS_LINE.match(line))


def child_env(extra: Mapping[str, str] | None = None, *, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) with the variables in ``extra``, and the folder
    holding the imported ``carenet_graph`` put in front of ``PYTHONPATH``."""
    env = dict(os.environ if base is None else base)
    env.update(extra or {})
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PACKAGE_PARENT), env.get("PYTHONPATH", "")) if p)
    return env
