"""CSV dialects: the machine format for scripts, and the format Excel opens on a double-click.

Excel reads a CSV opened by double-click with the list separator and decimal sign of the
operating system's regional settings (";" and "," in German, Dutch and Swedish Windows) and
as the legacy code page unless the file starts with a UTF-8 byte order mark. A ``sep=`` line
would fix the separator for Excel only and break every other reader, so the Excel dialect
changes the file itself instead, and only when asked (``--csv excel``): the machine dialect
stays the default, because scripts, pandas and our own loader read it without arguments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from carenet_graph.errors import OptionError

__all__ = ["CSV_STYLES", "MACHINE_CSV", "CsvDialect", "csv_dialect", "decimal_comma_text"]

#: The CSV styles a user can choose (``--csv``): ``machine`` for scripts, ``excel`` for a double-click.
CSV_STYLES: tuple[str, ...] = ("machine", "excel")
# Languages whose Excel (through the Windows regional settings) uses ";" between fields and a
# decimal comma; English Excel uses "," and a decimal point.
_DECIMAL_COMMA_LANGUAGES = frozenset({"de", "nl", "sv"})


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV file is written: field separator, decimal sign of floats and a leading BOM.

    The machine dialect (:data:`MACHINE_CSV`: ``,``, ``.``, no BOM) is what scripts and our own
    loader expect. The Excel dialects (:func:`csv_dialect`) add the UTF-8 byte order mark that
    Excel needs to read UTF-8 on a double-click, and use the separator and decimal sign Excel
    takes from the operating system's regional settings. Headers, ids, integers, booleans
    (``true``/``false``) and ISO dates are the same in every dialect.
    """

    delimiter: str = ","
    decimal: str = "."
    bom: bool = False


MACHINE_CSV = CsvDialect()


def csv_dialect(style: str = "machine", lang: str = "en") -> CsvDialect:
    """The dialect of a CSV ``style`` (:data:`CSV_STYLES`) for Excel in the language ``lang``.

    ``machine`` is the same in every language. ``excel`` is ``;``, a decimal comma and a BOM for
    de, nl and sv (their Excel's list separator and decimal sign), and ``,``, a decimal point and
    a BOM for en.

    >>> csv_dialect("excel", "de")
    CsvDialect(delimiter=';', decimal=',', bom=True)
    """
    if style == "machine":
        return MACHINE_CSV
    if style != "excel":
        raise OptionError(f"there is no CSV style {style!r}", hint=f"Choose one of: {', '.join(CSV_STYLES)}.",
                          key="option.unknown_csv_style", values={"style": style, "choices": ", ".join(CSV_STYLES)})
    if lang in _DECIMAL_COMMA_LANGUAGES:
        return CsvDialect(delimiter=";", decimal=",", bom=True)
    return CsvDialect(delimiter=",", decimal=".", bom=True)


# "1,125" alone would be ambiguous to a reader (one thousand one hundred twenty-five with a
# thousands comma, or 1.125?): our loader refuses to guess it (carenet_graph.read.cells).
_ONE_GROUP = re.compile(r"[+-]?\d{1,3},\d{3}")


def decimal_comma_text(value: float) -> str:
    """The shortest round-trip text of a finite float with a decimal comma, never ambiguous.

    A value whose text would be one to three digits, a comma and exactly three digits
    ("1,125") gets a fourth decimal ("1,1250"): the same number for Excel and pandas, and no
    longer a possible thousands separator for a reader that has to guess.

    >>> decimal_comma_text(0.5), decimal_comma_text(1.125), decimal_comma_text(1e-07)
    ('0,5', '1,1250', '1e-07')
    """
    text = repr(value).replace(".", ",")
    return text + "0" if _ONE_GROUP.fullmatch(text) else text
