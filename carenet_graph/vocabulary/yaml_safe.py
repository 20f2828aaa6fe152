"""Reading a user's YAML file (``--vocabulary``, ``--rules``) so that no file can exhaust the machine.

A YAML file is small on disk but can describe a huge structure through anchors and aliases:
the "billion laughs" file defines ``a: &a [x, x, x, x, x, x, x, x, x]`` and then nine levels
of lists of aliases to the level above, 10^9 leaves in a few hundred bytes. Loading it only
links shared objects, but merging, comparing or printing it walks every leaf: hours, or all
memory. Vocabulary and rules files never need aliases (every entry is written out), so an
alias is refused where it stands, before anything is built.

Also bounded: the file size (checked with ``stat`` before reading a byte) and nesting depth
(a file of ``[[[[...`` a hundred thousand deep is refused, not a RecursionError).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml

from carenet_graph.errors import VocabularyError

#: Size of one user vocabulary or rules file, unless the caller sets another bound
#: (:class:`carenet_graph.read.limits.Limits` ``vocabulary_bytes`` has the same default).
DEFAULT_MAX_BYTES = 5_000_000
#: Deepest nesting of mappings and lists; the package vocabulary needs 6.
MAX_DEPTH = 64


class _AliasFound(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _PlainLoader(yaml.SafeLoader):
    """The safe loader without aliases and with bounded nesting."""

    _depth = 0

    def _line(self) -> int:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        return int(event.start_mark.line) + 1

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise _AliasFound(self._line())
        if self.check_event(yaml.MappingStartEvent, yaml.SequenceStartEvent):
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise _TooDeep(self._line())
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)


def load_yaml_file(path: str | Path, *, what: Literal["vocabulary", "rules"] = "vocabulary",
                   option: str = "--vocabulary", max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    """The content of a user's YAML file, or a :class:`VocabularyError` that says what is wrong.

    Parameters
    ----------
    path:
        The file.
    what, option:
        What the file is ("vocabulary", "rules") and the option that names it, for the messages
        (each kind of file has its own error keys, so that a translation names it in its language).
    max_bytes:
        Largest file accepted, checked before reading.

    Raises
    ------
    VocabularyError
        Missing, too large, not UTF-8, not valid YAML, an alias (``*name``) or nesting deeper than
        :data:`MAX_DEPTH`; the line is given where known.
    """
    path = Path(path)
    name = str(path)
    rules = what == "rules"
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise VocabularyError(
                f"{what} file is larger than {max_bytes:,} bytes", file=name,
                hint=f"A {what} file holds lists of words; check that {option} names the right file.",
                key="rules.file_too_large" if rules else "vocabulary.file_too_large",
                values={"limit": max_bytes, "option": option})
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise VocabularyError(f"{what} file not found", file=name, hint=f"Check the path after {option}.",
                              key="rules.file_not_found" if rules else "vocabulary.file_not_found",
                              values={"option": option}) from None
    except IsADirectoryError:
        raise VocabularyError(f"{what} file is a folder", file=name, hint=f"Name a YAML file after {option}.",
                              key="rules.file_is_folder" if rules else "vocabulary.file_is_folder",
                              values={"option": option}) from None
    except UnicodeDecodeError:
        raise VocabularyError(f"{what} file is not UTF-8 text", file=name, hint="Save the YAML file as UTF-8.",
                              key="rules.file_not_utf8" if rules else "vocabulary.file_not_utf8",
                              values={}) from None
    except OSError as exc:
        raise VocabularyError(f"{what} file cannot be read ({exc.strerror})", file=name,
                              hint="Check the file permissions.",
                              key="rules.file_unreadable" if rules else "vocabulary.file_unreadable",
                              values={"reason": exc.strerror}) from None
    loader = _PlainLoader(text)
    try:
        return loader.get_single_data()
    except _AliasFound as exc:
        raise VocabularyError("YAML aliases (*name) are not allowed in a " + what + " file", file=name,
                              row=exc.line,
                              hint="Write each entry out in full instead of referring to an anchor (&name).",
                              key="rules.yaml_alias" if rules else "vocabulary.yaml_alias", values={}) from None
    except _TooDeep as exc:
        raise VocabularyError(f"the YAML is nested more than {MAX_DEPTH} levels deep", file=name, row=exc.line,
                              hint=f"A {what} file needs only a few levels; check the indentation.",
                              key="rules.yaml_deeper_than_limit" if rules else "vocabulary.yaml_deeper_than_limit",
                              values={"depth": MAX_DEPTH}) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = (mark.line + 1) if mark is not None else None
        hint = "Check indentation and colons on that line."
        problem = getattr(exc, "problem", None)
        if problem:  # the parser's own words
            raise VocabularyError(f"not valid YAML ({problem})", file=name, row=row, hint=hint,
                                  key="yaml.invalid", values={"problem": problem}) from None
        raise VocabularyError("not valid YAML (syntax error)", file=name, row=row, hint=hint,
                              key="yaml.syntax_error", values={}) from None
    except RecursionError:
        raise VocabularyError("the YAML is nested too deeply", file=name,
                              hint=f"A {what} file needs only a few levels; check the indentation.",
                              key="rules.yaml_too_deep" if rules else "vocabulary.yaml_too_deep",
                              values={}) from None
    finally:
        loader.dispose()
