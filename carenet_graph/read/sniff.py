"""Bytes → text, and what a file really is.

Decoding order (never latin-1, never an unchecked detector guess):

1. a BOM (UTF-8, UTF-16 LE/BE, UTF-32) decides;
2. UTF-16 without BOM is recognised from the pattern of NUL bytes (Excel's "Unicode text");
3. strict UTF-8;
4. strict cp1252 (Windows "ANSI" in DE/NL/SE), reported as a fallback;
5. otherwise the file is refused with a hint to save it as UTF-8.

The delimiter is chosen by consistent field counts over the first lines (``sep=`` first
line honoured, ``sep`` argument overrides).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from carenet_graph.errors import InputError, OptionError

DELIMITERS = (",", ";", "\t", "|")
_SEP_LINE = re.compile(r"^\s*sep=([^\r\n])\1*[ ]*$", re.IGNORECASE)
# Any first line that starts like one: 'sep=' followed by nothing, by several characters or by
# a character no table is separated by is still Excel's line, not a title row or the header.
_SEP_START = re.compile(r"^\s*sep=", re.IGNORECASE)
# Sniffing looks at the first lines only: splitting a whole 1 GB text into lines to look at
# 400 of them cost seconds and gigabytes.
_SNIFF_CHARS = 1 << 20
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# File kinds the loader understands, by content (not by extension).
GRAPH_KINDS = ("graphml", "gexf", "json")
EXTENSION_KIND = {
    ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods",
    ".csv": "text", ".tsv": "text", ".txt": "text", ".tab": "text",
    ".graphml": "graphml", ".gexf": "gexf", ".json": "json",
}


@dataclass(frozen=True)
class Decoded:
    """Decoded text with what was needed to get it."""

    text: str
    encoding: str
    bom: bool


def detect_kind(path: Path, head: bytes) -> str:
    """The kind of file by its magic bytes: xlsx, xls, ods, graphml, gexf, json, text, or a
    refusal kind (html, pdf, zip, binary, empty, nul: text with NUL bytes; lockfile: the
    ``~$name.xlsx`` Excel keeps while a workbook is open; truncated: a workbook cut off before
    the zip's table of contents at its end)."""
    if not head:
        return "empty"
    if path.name.startswith("~$") and len(head) <= 512 and 0 < head[0] < 64 and not head.startswith(b"PK"):
        # A length byte, the user's name in ANSI padded to 54 bytes, then in UTF-16 (165 bytes).
        return "lockfile"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
                if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
                    return "xlsx"
                if "mimetype" in names:
                    with zf.open("mimetype") as member:  # only its start: the part may be a bomb
                        if b"spreadsheet" in member.read(128):
                            return "ods"
        except (zipfile.BadZipFile, OSError):
            return "truncated" if _workbook_start(head) else "binary"
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.startswith(b"%PDF"):
        return "pdf"
    try:
        sample = decode(head[:4096], partial=True).text
    except InputError:
        # Text in an unknown encoding (e.g. a byte 0x81, undefined in Windows-1252) is still
        # text: let decoding refuse it with the byte position and a hint to save as UTF-8,
        # rather than calling a CSV file "not a table".
        if _text_with_nul(head[:4096]):
            return "nul"
        return "binary" if _looks_binary(head[:4096]) else "text"
    stripped = sample.lstrip("\ufeff \t\r\n").lower()
    if stripped.startswith("<"):
        if "<graphml" in stripped:
            return "graphml"
        if "<gexf" in stripped:
            return "gexf"
        if stripped.startswith(("<!doctype html", "<html", "<table")) or "<html" in stripped[:500]:
            return "html"
        return "xml"
    if stripped.startswith(("{", "[")):
        return "json"
    if "\x00" in sample:
        return "nul" if _text_with_nul(head[:4096]) else "binary"
    return "text"


def _workbook_start(head: bytes) -> bool:
    """The first zip part is one a workbook starts with ([Content_Types].xml, xl/..., mimetype)."""
    if len(head) < 30:
        return False
    length = int.from_bytes(head[26:28], "little")
    first = head[30:30 + length]
    return first in (b"[Content_Types].xml", b"mimetype", b"_rels/.rels") or first.startswith((b"xl/", b"docProps/"))


_CONTROL_BYTES = frozenset((*range(0, 9), *range(14, 32)))


def _looks_binary(head: bytes) -> bool:
    """NUL bytes or many control bytes: an image, executable or other non-text file."""
    if not head:
        return False
    return b"\x00" in head or sum(1 for b in head if b in _CONTROL_BYTES) / len(head) > 0.1


def _text_with_nul(head: bytes) -> bool:
    """NUL bytes in what is otherwise plain text (no other control byte): zeros left by an
    interrupted save, or stray NULs in an export, rather than an image or a program."""
    if b"\x00" not in head:
        return False
    rest = head.replace(b"\x00", b"")
    return len(rest.translate(None, bytes(_CONTROL_BYTES))) == len(rest)


def first_nul(head: bytes) -> tuple[int, int]:
    """(byte offset from 0, line number from 1) of the first NUL byte in ``head``."""
    at = head.find(b"\x00")
    return at, head.count(b"\n", 0, max(at, 0)) + 1


def unicode_encoding(head: bytes) -> tuple[str, int] | None:
    """(encoding, length of its byte-order mark) when the start of a file says which Unicode
    encoding it is in (a BOM, or UTF-16 by its pattern of NUL bytes); None otherwise."""
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    utf16 = _utf16_without_bom(head)
    return (utf16, 0) if utf16 else None


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the NUL pattern says so, else None."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2]
    odd = sample[1::2]
    even_nul = even.count(0) / len(even)
    odd_nul = odd.count(0) / max(len(odd), 1)
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def decode(data: bytes, *, partial: bool = False) -> Decoded:
    """Decode file bytes as described in the module docstring.

    ``partial`` tolerates a multi-byte character cut at the end (for sniffing a file head).
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return Decoded(_strict(data[len(bom):], encoding, partial), encoding, True)
    utf16 = _utf16_without_bom(data)
    if utf16:
        return Decoded(_strict(data, utf16, partial), utf16, False)
    try:
        return Decoded(_strict(data, "utf-8", partial), "utf-8", False)
    except InputError:
        pass
    try:
        return Decoded(data.decode("cp1252"), "cp1252", False)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"the file is neither UTF-8 nor Windows-1252 text (undecodable byte 0x{data[exc.start]:02x} "
            f"at byte {exc.start})",
            hint="Open it in your spreadsheet program and save it as 'CSV UTF-8' or as .xlsx.",
            key="text.not_utf8_nor_cp1252", values={"byte": f"0x{data[exc.start]:02x}", "offset": exc.start},
        ) from None


def _strict(data: bytes, encoding: str, partial: bool) -> str:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        return decoder.decode(data, final=not partial)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"the file is not valid {encoding} (byte {exc.start})",
            hint="Save the file as 'CSV UTF-8' or as .xlsx.",
            key="text.invalid_encoding", values={"encoding": encoding, "offset": exc.start},
        ) from None


@dataclass(frozen=True)
class Dialect:
    """The delimiter and whether an Excel ``sep=`` line was present (``sep_ignored``: one that
    names no usable separator, so the delimiter was detected from the rest of the text)."""

    delimiter: str
    sep_line: bool
    sep_ignored: bool = False


def usable_delimiter(char: str) -> bool:
    """Whether ``char`` can separate columns: one character that is no quote, line break, NUL,
    other control character (a tab is fine), letter or digit."""
    return (len(char) == 1 and char not in '"\r\n' and (char == "\t" or char.isprintable())
            and not char.isalnum())


def delimiter_option(value: str) -> str:
    """The delimiter a ``sep`` option names ('\\t', 'tab' and 'TAB' name a tab).

    Raises
    ------
    OptionError
        When it names no usable delimiter (several characters, a quote, a letter...).
    """
    delimiter = "\t" if value in ("\\t", "tab", "TAB") else value
    if not usable_delimiter(delimiter):
        raise OptionError("the column separator given (--sep) is not one usable character",
                          hint="Give one character such as ';', ',' or '|', or 'tab'.",
                          key="option.sep_unusable", values={})
    return delimiter


def sniff_delimiter(text: str, override: str | None = None, max_lines: int = 200) -> Dialect:
    """Choose the delimiter whose field counts are most consistent over the first lines.

    The score of a candidate is (share of lines with the modal field count, modal count),
    among candidates that split lines at all; ``sep=X`` as the first line wins, ``override``
    beats both.
    """
    first_line, _, rest = text[:_SNIFF_CHARS].partition("\n")
    # Only line breaks are stripped: 'sep=' followed by a tab is a valid Excel sep line, and a
    # file re-saved by another program repeats the delimiter ('sep=;;;').
    first_line = first_line.rstrip("\r\n")
    sep_match = _SEP_LINE.match(first_line)
    sep_line = _SEP_START.match(first_line) is not None
    if override:
        return Dialect(delimiter_option(override), sep_line)
    if sep_match is not None and usable_delimiter(sep_match.group(1)):
        return Dialect(sep_match.group(1), True)
    if sep_line:
        return Dialect(sniff_delimiter(rest, None, max_lines).delimiter, True, True)
    lines = text[:_SNIFF_CHARS].splitlines()
    sample = "\n".join(line for line in lines[: max_lines * 2] if line.strip())
    best: tuple[float, int, int] = (0.0, 0, 0)
    chosen = ","
    for priority, delimiter in enumerate(DELIMITERS):
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        try:
            counts = [len(row) for _, row in zip(range(max_lines), reader, strict=False) if any(row)]
        except csv.Error:  # a field over the field size limit: reading the file will say where
            continue
        if not counts:
            continue
        modal, freq = Counter(counts).most_common(1)[0]
        if modal < 2:
            continue
        score = (freq / len(counts), modal, -priority)
        if score > best:
            best = score
            chosen = delimiter
    if best == (0.0, 0, 0):
        # Every data row holds a single value (or there are none): the header line, which
        # names every column, is the best evidence left.
        header = next((line for line in lines if line.strip()), "")
        widths = {d: _width(header, d) for d in DELIMITERS}
        widest = max(DELIMITERS, key=lambda d: (widths[d], -DELIMITERS.index(d)))
        if widths[widest] > 1:
            chosen = widest
    return Dialect(chosen, False)


def _width(line: str, delimiter: str) -> int:
    try:
        return len(next(csv.reader([line], delimiter=delimiter), []))
    except csv.Error:  # a field over the field size limit
        return 0
