"""Every command's outputs on the bundled examples are byte-identical to the recorded ones.

``tests/golden/hashes.json`` holds the SHA-256 of every file (and of the terminal output) that
``tests/golden/run_commands.py`` produces. A change meant to keep behaviour (a refactoring) must
leave them all equal; a change meant to alter outputs regenerates them with
``python tests/golden/run_commands.py --write`` so that the diff shows which outputs changed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.golden.run_commands import HASHES, run_all


@pytest.mark.slow
def test_every_command_writes_the_recorded_bytes(tmp_path: Path) -> None:
    expected = json.loads(HASHES.read_text(encoding="utf-8"))
    actual = run_all(tmp_path)
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    changed = sorted(name for name in set(expected) & set(actual) if expected[name] != actual[name])
    assert (missing, extra, changed) == ([], [], []), (
        f"outputs differ from tests/golden/hashes.json: missing {missing}, new {extra}, changed {changed}")
    assert len(actual) > 200
