"""The encoding of a whole text file, chosen per file, with stray bytes located.

One stray byte in a UTF-8 file used to turn the whole file into Windows-1252 (thousands of
names garbled, the byte never named). Now the bytes are read once, in chunks, decoding UTF-8
and counting valid multi-byte letters: a file whose letters are UTF-8 is read as UTF-8 with
each stray byte (line, byte offset, value) located, to be replaced by U+FFFD and reported on its
row; a file with no UTF-8 letters (or more stray bytes than letters) is Windows-1252, refused
if it holds a byte that Windows-1252 leaves undefined too. A byte-order mark or the NUL pattern
of UTF-16 decides before any of this (:func:`~carenet_graph.read.sniff.unicode_encoding`).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import IO

from carenet_graph.errors import InputError
from carenet_graph.read.sniff import unicode_encoding

_CHUNK = 1 << 20
# Bytes that Windows-1252 leaves undefined: a file holding one is not Windows-1252 either.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
#: Stray bytes located one by one; beyond these they are only counted (a file with that many is
#: in the wrong encoding, and the first ones say where to look).
STRAY_LISTED = 100


@dataclass
class Encoding:
    """How the text of one file is decoded, and the stray bytes of a UTF-8 file.

    ``stray`` lists (line, byte offset, byte) of the first stray bytes; ``stray_count`` counts all.
    """

    name: str
    bom: int = 0
    stray: list[tuple[int, int, int]] = field(default_factory=list)
    stray_count: int = 0


def choose_encoding(handle: IO[bytes], head: bytes) -> Encoding:
    """The encoding of a whole file, by its start (BOM, UTF-16) or by one pass over its bytes.

    The pass decodes UTF-8 chunk by chunk, counting valid multi-byte letters and locating
    stray bytes: none → UTF-8; letters and more letters than strays → UTF-8 with the strays
    located; otherwise Windows-1252 (refused if a byte is undefined there too).

    Raises
    ------
    InputError
        When the file is neither UTF-8 nor Windows-1252 (a byte undefined in Windows-1252).
    """
    known = unicode_encoding(head)
    if known is not None and not known[0].startswith("utf-8"):
        return Encoding(known[0], known[1])
    start = known[1] if known else 0
    scan = _scan_utf8(handle, start)
    if not scan.stray_count or (known and known[0] == "utf-8"):
        return scan
    if scan.letters and scan.letters >= scan.stray_count:
        return scan
    if scan.undefined is not None:
        offset, byte = scan.undefined
        raise InputError(
            f"the file is neither UTF-8 nor Windows-1252 text (undecodable byte 0x{byte:02x} at byte {offset})",
            hint="Open it in your spreadsheet program and save it as 'CSV UTF-8' or as .xlsx.",
            key="text.not_utf8_nor_cp1252", values={"byte": f"0x{byte:02x}", "offset": offset})
    return Encoding("cp1252")


@dataclass
class _Scan(Encoding):
    letters: int = 0
    undefined: tuple[int, int] | None = None


def _scan_utf8(handle: IO[bytes], start: int) -> _Scan:
    scan = _Scan("utf-8", start)
    handle.seek(start)
    carry = b""
    offset = start  # file offset of data[0]
    line = 1
    decode = codecs.utf_8_decode
    while True:
        chunk = handle.read(_CHUNK)
        data = carry + chunk
        view = memoryview(data)
        pos = counted = 0
        while pos < len(data):
            try:
                text, used = decode(view[pos:], "strict", not chunk)
            except UnicodeDecodeError as exc:
                bad = pos + exc.start
                text, used = decode(view[pos:bad], "strict", True)
                scan.letters += used - len(text)
                line += data.count(b"\n", counted, bad)
                counted = bad
                scan.stray_count += 1
                if len(scan.stray) < STRAY_LISTED:
                    scan.stray.append((line, offset + bad, data[bad]))
                if scan.undefined is None and _CP1252_UNDEFINED.match(data, bad):
                    scan.undefined = (offset + bad, data[bad])
                pos = pos + exc.end
                if scan.stray_count > 1000 and not scan.letters:
                    return _finish_cp1252_check(handle, scan, data[pos:])
                continue
            scan.letters += used - len(text)
            pos += used
            break
        line += data.count(b"\n", counted, pos)
        carry = data[pos:]
        offset += pos
        if not chunk:
            return scan


def _finish_cp1252_check(handle: IO[bytes], scan: _Scan, chunk: bytes) -> _Scan:
    """The rest of a file that is plainly not UTF-8 (``chunk`` is what was read and not yet
    looked at): only searched for bytes that Windows-1252 lacks."""
    offset = handle.tell() - len(chunk)
    while scan.undefined is None and chunk:
        found = _CP1252_UNDEFINED.search(chunk)
        if found:
            scan.undefined = (offset + found.start(), chunk[found.start()])
        offset += len(chunk)
        chunk = handle.read(_CHUNK)
    return scan
