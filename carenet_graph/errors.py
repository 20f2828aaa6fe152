"""The one exception tree of carenet-graph.

Every error a user can cause derives from :class:`CarenetError`; the CLI catches it once,
prints :meth:`CarenetError.describe` without a traceback and exits 1 (``--debug`` shows the
traceback). Problems with *rows* of an input file are not exceptions: they are collected in a
:class:`~carenet_graph.read.problems.ValidationReport`. Exceptions are for what stops a whole run.

::

    CarenetError
    ├── InputError            a file cannot be read at all (missing, wrong format, encoding)
    ├── VocabularyError       a user vocabulary / rules file is invalid
    ├── ValidationFailed      the input has errors and the caller asked for strict reading
    ├── OutputError           an output cannot be written (unknown extension, permissions)
    ├── MatchingError         the actors of two waves cannot be matched safely (compare)
    ├── OptionError           an option has a value the library cannot use (also a ValueError)
    └── MissingDependencyError  an optional component is not installed
"""

from __future__ import annotations

from collections.abc import Mapping


def column_letter(index: int) -> str:
    """Spreadsheet column letter for a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def format_location(file: str | None, sheet: str | None, rows: str | None, column: str | None,
                    column_index: int | None, words: Mapping[str, str] | None = None) -> str:
    """'file, sheet 'S', row R, column 'C' (letter)' with the parts that are known (``words``:
    the words for "sheet" and "column" in another language)."""
    words = words or {}
    parts: list[str] = []
    if file:
        parts.append(file)
    if sheet:
        parts.append(f"{words.get('sheet', 'sheet')} '{sheet}'")
    if rows:
        parts.append(rows)
    if column is not None or column_index is not None:
        letter = f" ({column_letter(column_index)})" if column_index is not None else ""
        if column:
            parts.append(f"{words.get('column', 'column')} '{column}'{letter}")
        else:
            parts.append(f"{words.get('column', 'column')} {letter.strip(' ()')}")
    return ", ".join(parts)


class CarenetError(Exception):
    """Root of all errors raised for users of carenet-graph.

    Parameters
    ----------
    message:
        What is wrong, in plain language, without actor names or notes.
    hint:
        How to fix it.
    file, sheet, row, column:
        Where it is: ``row`` is 1-based as a spreadsheet shows it, ``column`` a header text
        (the letter is added from ``column_index`` when known).
    key, values:
        The error's id in the error catalogues (``i18n/errors_*.yaml``) and the values of its
        placeholders: the message and hint in German, Dutch and Swedish
        (:func:`carenet_graph.i18n.describe_error`). The English text is the one given here.
    """

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        column_index: int | None = None,
        key: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.key = key
        self.values: dict[str, object] = dict(values or {})
        self.message = message
        self.hint = hint
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        self.column_index = column_index

    def location(self, words: Mapping[str, str] | None = None) -> str:
        """'file, sheet S, row R, column C (letter)' with the parts that are known (``words``: the
        words for "row", "sheet" and "column" in another language)."""
        words = words or {}
        rows = f"{words.get('row', 'row')} {self.row}" if self.row is not None else None
        return format_location(self.file, self.sheet, rows, self.column, self.column_index, words)

    def describe(self, message: str | None = None, hint: str | None = None,
                 words: Mapping[str, str] | None = None) -> str:
        """The full message for a person: where, what, and how to fix it. ``message``, ``hint`` and
        ``words`` (row, sheet, column, fix) give it in another language
        (:func:`carenet_graph.i18n.describe_error`)."""
        where = self.location(words)
        message = message or self.message
        hint = hint or self.hint
        text = f"{where}: {message}" if where else message
        if hint:
            text += f"\n  {(words or {}).get('fix', 'How to fix:')} {hint}"
        return text

    def __str__(self) -> str:
        return self.describe()


class InputError(CarenetError):
    """An input file cannot be read (missing, unsupported, undecodable, not what it claims)."""


class VocabularyError(CarenetError):
    """A vocabulary or rules file is malformed."""


class ValidationFailed(CarenetError):
    """The input has validation errors and strict reading was requested."""


class OutputError(CarenetError):
    """An output cannot be written."""


class MatchingError(CarenetError):
    """The actors of two waves cannot be matched safely: none in common, or ids that pair
    organisations of different names (``carenet compare``)."""


class OptionError(CarenetError, ValueError):
    """An option (language, mode, ...) has a value the library cannot use."""


class MissingDependencyError(CarenetError):
    """An optional dependency is needed for this feature but not installed."""
