"""Outputs never overwrite or pollute an input: checked before any work starts.

A command refuses to write a file that is one of its inputs (``convert net.xlsx -o net.xlsx``
would replace the coordinator's workbook with its instructions and notes) and to write into an
input folder (the next read of that folder would take the outputs for data).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from carenet_graph.errors import OutputError


def _resolved(path: Path) -> Path:
    return path.expanduser().resolve(strict=False)


def check_outputs(files: Iterable[Path], inputs: Iterable[Path]) -> None:
    """Refuse output ``files`` that are inputs or lie inside an input folder.

    Raises
    ------
    OutputError
        Naming the output (not the input: its name may be personal data) and how to fix it.
    """
    given = [_resolved(Path(p)) for p in inputs]
    input_files = {p for p in given if not p.is_dir()}
    input_folders = [p for p in given if p.is_dir()]
    for file in files:
        target = _resolved(Path(file))
        if target in input_files:
            raise OutputError("this output would overwrite one of the input files", file=str(file),
                              hint="Write the output under another name or into another folder.")
        if any(target.is_relative_to(folder) for folder in input_folders):
            raise OutputError("this output would be written into an input folder, where the next reading of "
                              "that folder would take it for data", file=str(file),
                              hint="Write the outputs into a folder outside the input folder.")
