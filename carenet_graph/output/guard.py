"""Outputs never overwrite or pollute an input: checked before any work starts.

A command refuses to write a file that is one of its inputs (``convert net.xlsx -o net.xlsx``
would replace the coordinator's workbook with its instructions and notes) and to write into an
input folder (the next read of that folder would take the outputs for data).
"""

from __future__ import annotations

import os
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
                              hint="Write the output under another name or into another folder.",
                              key="output.overwrites_input", values={})
        if any(target.is_relative_to(folder) for folder in input_folders):
            raise OutputError("this output would be written into an input folder, where the next reading of "
                              "that folder would take it for data", file=str(file),
                              hint="Write the outputs into a folder outside the input folder.",
                              key="output.inside_input_folder", values={})


def check_writable(path: Path, *, folder: bool) -> None:
    """Refuse, before any work, an output that cannot be written: a folder that is a file, a
    parent that is a file, or a folder this user may not write into.

    Raises
    ------
    OutputError
        Naming the output and how to fix it.
    """
    target = Path(path)
    if folder and target.exists() and not target.is_dir():
        raise OutputError("the output folder is a file", file=str(target),
                          hint="Name a folder (it is created if missing), not a file.",
                          key="output.folder_is_file", values={})
    probe = target if folder else target.parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise OutputError("a part of the output path is a file, not a folder", file=str(probe),
                          hint="Choose an output path whose folders are folders.",
                          key="output.path_part_is_file", values={})
    if probe.exists() and not os.access(probe, os.W_OK):
        raise OutputError("this folder cannot be written to (read-only or not yours)", file=str(probe),
                          hint="Choose a folder you may write into, e.g. one in your documents.",
                          key="output.folder_not_writable", values={})
