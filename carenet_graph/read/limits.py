"""Limits on what one input may make the reader allocate, checked *before* allocating.

A hostile or broken file must end in a plain sentence, not in an exhausted machine: an xlsx
whose one stray cell sits at XFD1048576 asks a workbook reader for 17 billion cells, an ODS
"repeat" attribute for as many as it likes, a CSV of one 50 MB field or a row of a million
columns for more than any table holds. Each limit below is far above what a real care
network needs (the largest care-record networks have 10^6 actors and a few 10^6 ties, well
inside them) and can be raised where a real user could need more (``--limit NAME=VALUE`` on
the command line, ``limits=Limits(...)`` in Python). The README states them.

Every limit is checked from metadata or while streaming, before the reader allocates the
data it would describe, so memory stays bounded (a few hundred MB over the limits' worth of
cells) whatever the file claims.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from carenet_graph.errors import OptionError


@dataclass(frozen=True)
class Limits:
    """The limits of one read (all counts per input file).

    Attributes
    ----------
    file_bytes:
        Size of one input file on disk (1 GiB).
    unpacked_bytes:
        Total size of a workbook's (xlsx, ods) contents after unpacking (2 GiB): a zip bomb
        unpacks to far more than its file size.
    sheets:
        Worksheets in one workbook (500).
    cells:
        Cells of one file: rows × columns of each sheet's used area, summed (20 million: a
        million ties of 20 columns). An xlsx's used area reaches its farthest cell, so one stray
        cell far right and far down counts as the whole rectangle. Each cell read costs about
        100 bytes (the workbook reader's 32 and Python's text), so this keeps a file within 2 GB.
    row_cells:
        Values in one row (16,384, Excel's column limit).
    field_chars:
        Characters in one cell (1,000,000; Excel holds at most 32,767).
    graph_elements:
        Nodes plus edges in one GraphML, GEXF or JSON file (20 million).
    vocabulary_bytes:
        Size of one user vocabulary or rules YAML file (5 MB).
    """

    file_bytes: int = 1 << 30
    unpacked_bytes: int = 2 << 30
    sheets: int = 500
    cells: int = 20_000_000
    row_cells: int = 16_384
    field_chars: int = 1_000_000
    graph_elements: int = 20_000_000
    vocabulary_bytes: int = 5_000_000

    def with_overrides(self, settings: list[str] | tuple[str, ...]) -> Limits:
        """These limits with ``NAME=VALUE`` settings applied (``cells=100000000``, ``file_bytes=4G``).

        Raises
        ------
        OptionError
            For an unknown name or a value that is not a positive whole number.
        """
        names = {f.name for f in fields(self)}
        changes: dict[str, int] = {}
        for setting in settings:
            name, sep, value = setting.partition("=")
            name = name.strip().replace("-", "_")
            if not sep or name not in names:
                raise OptionError(f"'--limit {setting}' is not a known limit",
                                  hint="Use NAME=VALUE with NAME one of: " + ", ".join(sorted(names)) + ".",
                                  key="limits.unknown_name",
                                  values={"setting": setting, "names": ", ".join(sorted(names))})
            number = parse_size(value)
            if number is None or number <= 0:
                raise OptionError(f"'--limit {setting}': the value must be a positive whole number",
                                  hint="For example --limit cells=100000000 or --limit file_bytes=4G.",
                                  key="limits.not_positive", values={"setting": setting})
            changes[name] = number
        return replace(self, **changes)


_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_size(text: str) -> int | None:
    """A whole number, optionally with a binary unit K, M, G or T (``4G`` → 4 × 2^30); None if not one."""
    text = text.strip().upper().replace("_", "").removesuffix("B").removesuffix("I")
    unit = text[-1:] if text[-1:] in _UNITS and text[-1:] else ""
    digits = text[: len(text) - len(unit)]
    if not digits.isdigit():
        return None
    return int(digits) * _UNITS[unit]


DEFAULT_LIMITS = Limits()


def describe_limits(limits: Limits = DEFAULT_LIMITS) -> list[tuple[str, int]]:
    """(name, value) of every limit, in declaration order (for the README and ``--help``)."""
    return [(f.name, getattr(limits, f.name)) for f in fields(limits)]
