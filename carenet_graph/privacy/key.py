"""The secret key of the pseudonyms: key files created private, checked, parsed and loaded.

Whoever has the key can test guessed names against the pseudonyms; whoever loses it cannot
link next year's wave to this one. So a key file is created once, atomically and readable by
its owner only (mode ``0o600``), never replaced by a second run, never quoted in a message,
and a key file that other users may read draws a warning. The pseudonyms themselves are a
pure graph transform in :mod:`carenet_graph.privacy.pseudonyms`.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import tempfile
import warnings
from pathlib import Path

from carenet_graph.errors import InputError, OutputError

__all__ = ["KEY_BYTES", "check_key", "load_or_create_key"]

#: Length of a generated key in bytes (the HMAC-SHA256 block-size guidance: at least the output size).
KEY_BYTES = 32
_HEX_KEY = re.compile(rf"[0-9a-fA-F]{{{2 * KEY_BYTES}}}")
_MIN_KEY_BYTES = 16
_KEY_HINT = ("Restore the key file from your backup. Only if there is none, move it away: a new key is then "
             "created, but the pseudonyms will differ from those of earlier waves.")


def load_or_create_key(path: str | os.PathLike[str]) -> bytes:
    """Read the secret pseudonymisation key, creating it on first use.

    The key file holds 32 random bytes as 64 hexadecimal characters on one line (UTF-8). A
    missing file is created atomically with :func:`secrets.token_bytes` and mode ``0o600``
    (owner only) where the operating system supports modes, so that a half-written key can never
    exist and two runs starting at once end up with the same key.

    Parameters
    ----------
    path:
        The key file. Keep it, and a backup, outside the folders you share: whoever has it can
        test guessed names against the pseudonyms; whoever loses it cannot link next year's wave.

    Returns
    -------
    bytes
        The 32-byte key. It is never written into any output or message.

    Raises
    ------
    InputError
        If the file exists but cannot be read or does not hold a key.
    OutputError
        If a missing key file cannot be created.

    Warns
    -----
    UserWarning
        If other users may read the key file (POSIX only).
    """
    target = Path(path)
    try:
        raw = target.read_bytes()
    except FileNotFoundError:
        return _create_key(target)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(f"cannot read the pseudonymisation key file ({reason})",
                         file=str(target), hint="Check the path and that you may read the file.",
                         key="privacy.key_unreadable", values={"reason": reason}) from None
    _warn_if_shared(target)
    return _parse_key(raw, target)


def _parse_key(raw: bytes, path: Path) -> bytes:
    # The message never quotes the content: that would print the key (or part of it) to a log.
    try:
        text = raw.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise InputError("the pseudonymisation key file is not UTF-8 text", file=str(path), hint=_KEY_HINT,
                         key="privacy.key_not_text", values={}) from None
    if not _HEX_KEY.fullmatch(text):
        raise InputError(f"the pseudonymisation key file does not hold a key (expected {2 * KEY_BYTES} hexadecimal "
                         f"characters on one line, found {len(text)} characters)", file=str(path), hint=_KEY_HINT,
                         key="privacy.key_malformed", values={"expected": 2 * KEY_BYTES, "found": len(text)})
    return bytes.fromhex(text)


def _warn_if_shared(path: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            warnings.warn(f"{path}: other users may read this pseudonymisation key; make it private with "
                          f"'chmod 600 {path.name}'", UserWarning, stacklevel=3)


def _create_key(path: Path) -> bytes:
    key = secrets.token_bytes(KEY_BYTES)
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # mkstemp creates the file with mode 0600 before anything is written into it.
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _key_output_error(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write((key.hex() + "\n").encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(OSError):  # not every file system has modes
            os.chmod(tmp, 0o600)
        try:
            # A hard link creates the name only if it does not exist yet: a key that another run
            # created a moment ago is never replaced (its pseudonyms may already be in outputs).
            os.link(tmp, path)
        except FileExistsError:
            return _parse_key(path.read_bytes(), path)
        except OSError:
            os.replace(tmp, path)  # file systems without hard links (FAT, some network shares)
    except OSError as exc:
        raise _key_output_error(path, exc) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return key


def _key_output_error(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or type(exc).__name__
    return OutputError(f"cannot create the pseudonymisation key file ({reason})",
                       file=str(path), hint="Choose a key file in a folder you may write to.",
                       key="privacy.key_not_created", values={"reason": reason})


def check_key(key: bytes) -> None:
    """Refuse what cannot be a pseudonymisation key: not bytes, or shorter than 16 bytes.

    Parameters
    ----------
    key:
        The key given to :func:`~carenet_graph.privacy.pseudonyms.pseudonym` and friends.

    Raises
    ------
    TypeError
        If ``key`` is not bytes (a path or the hexadecimal text of the key file, say).
    ValueError
        If ``key`` is shorter than 16 bytes.
    """
    if not isinstance(key, (bytes, bytearray)):
        raise TypeError(f"key must be bytes (from load_or_create_key), not {type(key).__name__}")
    # A short or empty key would let anyone recompute the pseudonyms of guessed names.
    if len(key) < _MIN_KEY_BYTES:
        raise ValueError(f"key must be at least {_MIN_KEY_BYTES} bytes long, not {len(key)}")
