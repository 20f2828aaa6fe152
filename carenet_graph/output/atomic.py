"""Atomic output: every file, and every *set* of files a run writes, appears whole or not at all.

* **One file** – written to a temporary file with a unique name next to its target
  (``.NAME.XXXX.tmp``), flushed to disk and moved over the target with :func:`os.replace`,
  an atomic rename. A run that fails half-way leaves the earlier file untouched.
* **A set of files** – inside :func:`output_set` (every ``carenet`` command runs in one; the
  library's folder writers open one too), files are staged instead of moved. Only when the
  whole block has succeeded are the staged files moved into place, one rename each, while
  the folders are locked against other carenet runs (an advisory :func:`fcntl.flock` on each
  target folder) and Ctrl-C is held back for the few microseconds this takes. So:

  - an error or Ctrl-C before the end leaves the previous complete set and removes every
    temporary file;
  - two runs writing the same outputs at once leave the set of one of them, never actors
    from one and ties from the other.

  Without ``fcntl`` (Windows) the renames are not locked against a concurrent run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO

from carenet_graph.errors import OutputError

try:  # POSIX only; Windows has no advisory folder locks
    import fcntl
except ImportError:  # pragma: no cover - exercised on Windows only
    fcntl = None  # type: ignore[assignment]


@dataclass(frozen=True)
class _Staged:
    temporary: Path
    target: Path


# The staged files of the output set the current code runs in (None: no set, files move at once).
_SET: ContextVar[list[_Staged] | None] = ContextVar("carenet_output_set", default=None)


def output_error(path: Path, exc: OSError) -> OutputError:
    """The :class:`OutputError` for an operating-system error while writing ``path``."""
    reason = exc.strerror or type(exc).__name__
    return OutputError(
        f"cannot write the output file ({reason})",
        file=str(path),
        hint="Check that the folder exists and is writable, that the file is not open in "
        "another program (e.g. Excel), and that the disk is not full.",
        key="output.cannot_write",
        values={"reason": reason},
    )


@lru_cache(maxsize=1)
def _new_file_mode() -> int:
    # NamedTemporaryFile creates files with mode 0600; a new output should get the mode an
    # ordinary open() would give it (0666 minus the umask). Reading the umask means setting it.
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """Open a binary temporary file that replaces ``path`` only when the block succeeds
    (inside :func:`output_set`: when the whole set succeeds).

    Parameters
    ----------
    path:
        The final output file. Its folder is created if missing.

    Yields
    ------
    IO[bytes]
        A binary file in the same folder (so that :func:`os.replace` is an atomic rename).

    Raises
    ------
    OutputError
        If the folder cannot be created or the file cannot be written or moved. Any
        exception leaves an existing ``path`` untouched and removes the temporary file.
    """
    target = Path(path)
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else _new_file_mode()
        tmp = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, kept on success
            mode="wb", delete=False, dir=parent, prefix=f".{target.name}.", suffix=".tmp"
        )
    except OSError as exc:
        raise output_error(target, exc) from exc
    staged = _SET.get()
    try:
        with tmp:
            yield tmp
            tmp.flush()
            os.fsync(tmp.fileno())
        with contextlib.suppress(OSError):  # not every file system supports modes
            os.chmod(tmp.name, mode)
        if staged is None:
            os.replace(tmp.name, target)
        else:
            _stage(staged, _Staged(Path(tmp.name), target))
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp.name)
        if isinstance(exc, OSError):
            raise output_error(target, exc) from exc
        raise


def _stage(staged: list[_Staged], entry: _Staged) -> None:
    """Add a finished temporary file to the set; a second version of one target replaces the first."""
    for index, earlier in enumerate(staged):
        if earlier.target == entry.target:
            with contextlib.suppress(OSError):
                earlier.temporary.unlink()
            staged[index] = entry
            return
    staged.append(entry)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file + :func:`os.replace`).

    Raises
    ------
    OutputError
        If the file cannot be written; an earlier ``path`` is then left as it was.
    """
    with atomic_writer(path) as fh:
        fh.write(data)


def atomic_write_text(path: str | os.PathLike[str], text: str, *, newline: str | None = None) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically.

    Line ends are written as they are in ``text`` (no platform translation, unlike
    :func:`open`), so output is the same on every system. With ``newline`` given, each
    ``"\\n"`` is written as ``newline`` instead.
    """
    if newline is not None and newline != "\n":
        text = text.replace("\n", newline)
    atomic_write_bytes(path, text.encode("utf-8"))


def write_now(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically and at once, even inside an output set: for a file the
    run reads back (the demo's copy of its example), which cannot wait for the end of the set."""
    token = _SET.set(None)
    try:
        atomic_write_bytes(path, data)
    finally:
        _SET.reset(token)


@contextlib.contextmanager
def output_set() -> Iterator[None]:
    """Write every file of the block as one set: all of them replace their targets, or none does.

    Nested sets join the outermost one. See the module docstring for what an interrupted or
    concurrent run leaves.

    Raises
    ------
    OutputError
        If a staged file cannot be moved into place (a folder took its name meanwhile);
        the files of the set not yet moved are then removed, earlier outputs stay as they were.
    """
    if _SET.get() is not None:
        yield
        return
    staged: list[_Staged] = []
    token = _SET.set(staged)
    try:
        yield
    except BaseException:
        _discard(staged)
        raise
    finally:
        _SET.reset(token)
    _commit(staged)


def _discard(staged: list[_Staged]) -> None:
    for entry in staged:
        with contextlib.suppress(OSError):
            entry.temporary.unlink()


def _commit(staged: list[_Staged]) -> None:
    """Move the staged files into place under the folder locks, with Ctrl-C held back."""
    for entry in staged:
        if entry.target.is_dir():
            _discard(staged)
            raise OutputError("a folder has the name of an output file", file=str(entry.target),
                              hint="Choose another output name, or move the folder away.",
                              key="output.folder_has_the_name", values={})
    folders = sorted({entry.target.parent.resolve() for entry in staged})
    with _interrupts_held(), contextlib.ExitStack() as locks:
        for folder in folders:
            locks.enter_context(_folder_lock(folder))
        for index, entry in enumerate(staged):
            try:
                os.replace(entry.temporary, entry.target)
            except OSError as exc:
                _discard(staged[index:])
                raise output_error(entry.target, exc) from exc


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive advisory lock on a folder (its own descriptor; no lock file is left behind)."""
    if fcntl is None:
        yield
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        yield  # a folder that cannot be opened for reading can still be renamed into
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold back SIGINT and SIGTERM (main thread) so a set is never half moved; a signal that arrives
    meanwhile is delivered right after, to the handler it was meant for.

    The handlers are swapped rather than the signals masked: a mask holds for the main thread only,
    and a numeric library's worker thread would still take the signal and have Python raise it in
    the middle of the renames."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {number: signal.signal(number, lambda number, frame: arrived.append(number)) for number in held}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if arrived:
        signal.raise_signal(arrived[0])  # now delivered to the handler it was meant for
