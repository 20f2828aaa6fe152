"""Opening an input once, within ``Limits.file_bytes``, whatever kind of file it is.

A regular file is opened as it is, after its size was checked (before a byte is read). A pipe
(``/dev/stdin``, ``<(...)``, a FIFO) can be read only once, and format sniffing used to eat its
first 8 KB: it is spooled to a temporary file, counting bytes against ``file_bytes`` as they
arrive, and every later step reads the spool. Devices that never end (``/dev/zero``,
``/dev/random``, a terminal) are refused before they are opened.
"""

from __future__ import annotations

import stat
import tempfile
from pathlib import Path
from typing import IO

from carenet_graph.errors import InputError
from carenet_graph.read.limits import Limits

_CHUNK = 1 << 20


def size_text(n: int) -> str:
    """A byte count as a person reads it (1.5 GB, 200 MB, 12 KB, 512 bytes; binary units)."""
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}".replace(".0 ", " ")
    return f"{n} bytes"


def open_input(path: Path, limits: Limits) -> tuple[IO[bytes], bool]:
    """The file opened for binary reading, seekable, and whether it was spooled.

    A regular file is opened as it is, after its size was checked against ``file_bytes``. A
    pipe (``/dev/stdin``, ``<(...)``, a FIFO) is read once into a temporary file, counting
    bytes against ``file_bytes`` as they arrive. Character and block devices are refused.

    Raises
    ------
    InputError
        Missing, a folder, a device, too large, or not readable.
    """
    name = str(path)
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise InputError("file not found", file=name, hint="Check the path and the file name.",
                         key="file.not_found", values={}) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", file=name, hint="Check the file permissions.",
                         key="file.unreadable", values={"reason": exc.strerror}) from None
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise InputError("is a folder, not a file", file=name, key="file.is_folder", values={})
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        raise InputError(
            "is a device (a terminal, a disk, or something like /dev/zero), not a file: it has no end to read to",
            file=name,
            hint="Name a saved file, or pipe the data in: 'carenet validate --ties /dev/stdin < ties.csv'.",
            key="file.is_device", values={})
    if stat.S_ISREG(mode) and info.st_size > limits.file_bytes:
        raise _too_large(name, info.st_size, limits)
    try:
        handle = path.open("rb")
    except IsADirectoryError:
        raise InputError("is a folder, not a file", file=name, key="file.is_folder", values={}) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", file=name, hint="Check the file permissions.",
                         key="file.unreadable", values={"reason": exc.strerror}) from None
    # /proc files say 0 bytes and still hold text: spooling reads them to their real end.
    if stat.S_ISREG(mode) and info.st_size > 0:
        return handle, False
    with handle:
        return _spool(handle, name, limits), True


def _spool(handle: IO[bytes], name: str, limits: Limits) -> IO[bytes]:
    # On disk: a 1 GB pipe must not become 1 GB of memory. Closed here on failure, else by the caller.
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    total = 0
    try:
        while chunk := handle.read(_CHUNK):
            total += len(chunk)
            if total > limits.file_bytes:
                raise _too_large(name, None, limits)
            spool.write(chunk)
    except OSError as exc:
        spool.close()
        raise InputError(f"cannot be read ({exc.strerror})", file=name, key="file.pipe_unreadable",
                         values={"reason": exc.strerror}) from None
    except InputError:
        spool.close()
        raise
    spool.seek(0)
    return spool


def _too_large(name: str, size: int | None, limits: Limits) -> InputError:
    """A file of ``size`` bytes over ``file_bytes``; ``None``: a pipe that brought more."""
    limit, raise_to = size_text(limits.file_bytes), max(limits.file_bytes * 2 >> 30, 1)
    rest = f" one input may be ({limit}, limit file_bytes); nothing was read from it"
    hint = ("Check that this is the right file; split it, or raise the limit "
            f"(--limit file_bytes={raise_to}G) if it really is one table.")
    if size is None:
        return InputError("more data came through the pipe than" + rest, file=name, hint=hint,
                          key="file.pipe_too_large", values={"limit": limit, "raise_to": raise_to})
    return InputError(f"the file is {size_text(size)}, more than" + rest, file=name, hint=hint,
                      key="file.too_large", values={"size": size_text(size), "limit": limit, "raise_to": raise_to})
