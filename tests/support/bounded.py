"""Running ``carenet`` under the limits a hostile input must not break: 4 GB of address space
and a time bound, in a child process, so that a bomb that gets through fails one test instead
of the machine.

``RLIMIT_AS`` bounds virtual memory, which is what an allocation of 549 GB or a runaway list
hits first; the child's exit is then a ``MemoryError`` (an internal error) or a kill, which the
tests see as a failure. Time is bounded by ``timeout``: a hang fails as ``TimeoutExpired``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

from tests.support.commands import child_env

FOUR_GB = 4 << 30


def run_bounded(*args: str | os.PathLike[str], memory: int = FOUR_GB, timeout: float = 120,
                cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m carenet_graph ARGS`` with at most ``memory`` bytes of address space and
    ``timeout`` seconds; OpenMP held to one thread as in production runs on this machine."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run([sys.executable, "-m", "carenet_graph", *[os.fspath(a) for a in args]],
                          capture_output=True, text=True, encoding="utf-8", preexec_fn=limit,
                          env=child_env({"PYTHONIOENCODING": "utf-8", "OMP_NUM_THREADS": "1"}), cwd=cwd,
                          timeout=timeout, check=False)


def assert_plain_refusal(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """The run ended in a plain message (exit 1 or 2, no traceback, no internal error) that
    contains every fragment."""
    output = result.stdout + result.stderr
    assert result.returncode in (1, 2), (result.returncode, output[-2000:])
    assert "Traceback" not in output and "Internal error" not in output, output[-2000:]
    for fragment in fragments:
        assert fragment in output, (fragment, output[-2000:])
