"""Backup and restore of a survey project: every row of the survey's tables and the coordinator
accounts in one JSON file, and a new project made from it.

* :func:`backup` – Django's ``dumpdata`` of the survey app (``carenet_survey``: the project,
  organisations, links, answers, last wave's answers, login links, the audit log) and of
  ``auth.user`` (the coordinators, with their password hashes), written atomically into a file
  only its owner may read (:func:`write_private`): it holds personal data.
* :func:`restore` – a new project folder (new or empty; SQLite, or PostgreSQL with a database
  URL) migrated to this version's tables and filled with ``loaddata`` in one transaction: all
  rows or none. The secret key is new, so sessions start over (coordinators log in again), but
  personal links keep working: their token hashes are restored, and a token is checked against
  its hash, not against the key.

Sessions, the mail settings (``mail.json``) and the database address are not in a backup: a
restored project sets up mail again (``carenet survey mail``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carenet_graph.errors import InputError, OptionError, OutputError
from carenet_graph.survey import require_django

__all__ = ["BackupCounts", "backup", "restore", "write_private"]

#: The models a backup holds (Django's ``app_label.model``); a restore loads nothing else.
SURVEY_APP = "carenet_survey"
USER_MODEL = "auth.user"
# Files a restore creates in the project folder (removed again when it fails).
_CREATED = ("secret.key", "answers.sqlite3", "answers.sqlite3-wal", "answers.sqlite3-shm", "database.url")


@dataclass(frozen=True)
class BackupCounts:
    """What a backup holds: organisations, answers (submitted or draft) and coordinator accounts."""

    organisations: int
    answers: int
    users: int


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, readable and writable by its owner only (0600) from
    the first byte on: a temporary file made private by :func:`tempfile.mkstemp`, then renamed."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise _cannot_write(exc) from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):  # not every file system has modes
            os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise _cannot_write(exc) from None


def _cannot_write(exc: OSError) -> OutputError:
    reason = exc.strerror or type(exc).__name__
    return OutputError(f"cannot write the output file ({reason})",
                       hint="Check that the folder exists and is writable, and that the disk is not full.",
                       key="output.cannot_write", values={"reason": reason})


def _counts(objects: list[dict[str, Any]]) -> BackupCounts:
    models = Counter(str(o.get("model")) for o in objects)
    return BackupCounts(organisations=models[f"{SURVEY_APP}.organisation"], answers=models[f"{SURVEY_APP}.response"],
                        users=models[USER_MODEL])


def backup(folder: Path, output: Path) -> BackupCounts:
    """Write the backup of the project in ``folder`` to ``output`` (JSON, mode 0600); returns its counts."""
    from carenet_graph.survey.project import open_project

    open_project(folder)
    import io

    from django.core.management import call_command

    from carenet_graph.survey.models import AuditEvent

    AuditEvent.objects.create(actor="coordinator", action="backup")
    buffer = io.StringIO()
    # Natural keys for permissions and groups: their ids differ from one database to the next.
    call_command("dumpdata", SURVEY_APP, USER_MODEL, natural_foreign=True, indent=1, stdout=buffer, verbosity=0)
    text = buffer.getvalue()
    write_private(output, text.encode("utf-8"))
    return _counts(json.loads(text))


def _read_backup(path: Path) -> list[dict[str, Any]]:
    """The backup's objects, refused unless every one is a row of the survey or a coordinator."""
    hint = "Give the file written by: carenet survey backup -p FOLDER -o FILE.json"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(f"cannot read the backup file ({reason})", hint="Check the path and that you may read it.",
                         key="survey.backup_unreadable", values={"reason": reason}) from None
    except UnicodeDecodeError:
        text = ""
    try:
        objects = json.loads(text)
    except ValueError:
        objects = None
    if not (isinstance(objects, list) and objects and all(
            isinstance(o, dict) and isinstance(o.get("fields"), dict)
            and (str(o.get("model", "")).startswith(f"{SURVEY_APP}.") or o.get("model") == USER_MODEL)
            for o in objects)):
        raise InputError("the file is not a survey backup", hint=hint, key="survey.not_a_backup", values={})
    if not any(o.get("model") == f"{SURVEY_APP}.project" for o in objects):
        raise InputError("the file is not a survey backup", hint=hint, key="survey.not_a_backup", values={})
    return objects


def restore(source: Path, folder: Path, *, database_url: str | None = None) -> BackupCounts:
    """Make a new project in ``folder`` (new or empty) from the backup ``source``; returns its counts.

    Raises
    ------
    OptionError
        If ``folder`` is not empty, or the PostgreSQL database at ``database_url`` already holds a survey.
    InputError
        If ``source`` cannot be read, is not a backup, or does not fit this version's tables.
    """
    require_django()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise OptionError("the project folder is not empty", hint="Choose a new folder for the survey project.",
                          key="survey.folder_not_empty", values={})
    objects = _read_backup(source)
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        _load(objects, folder, database_url)
    except BaseException:
        _remove_created(folder, created)
        raise
    return _counts(objects)


def _load(objects: list[dict[str, Any]], folder: Path, database_url: str | None) -> None:
    from carenet_graph.survey.django_setup import URL_FILE, migrate, use_project

    if database_url:
        write_private(folder / URL_FILE, (database_url + "\n").encode("utf-8"))
    use_project(folder, database_url)
    migrate()
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.core.serializers.base import DeserializationError
    from django.db import DatabaseError, transaction

    from carenet_graph.survey.models import AuditEvent, Project

    if Project.objects.exists():
        raise OptionError("the database already holds a survey", hint="Give the address of a new, empty database.",
                          key="survey.database_in_use", values={})
    # loaddata reads a fixture by its file name's ending; the checked objects go into a private
    # temporary .json file, so a backup named anything (or renamed) restores the same.
    with tempfile.TemporaryDirectory(prefix="carenet-restore-") as scratch:
        fixture = Path(scratch) / "backup.json"
        write_private(fixture, json.dumps(objects, ensure_ascii=False).encode("utf-8"))
        try:
            with transaction.atomic():
                call_command("loaddata", str(fixture), verbosity=0)
                AuditEvent.objects.create(actor="coordinator", action="restore")
        # Their messages can quote a row's values (names): the user gets the plain sentence only.
        except (DeserializationError, CommandError, DatabaseError, ValueError, LookupError, TypeError):
            raise InputError("the backup does not fit this version's survey tables or is damaged",
                             hint="Restore it with the carenet-graph version that wrote it, then export the wave.",
                             key="survey.backup_damaged", values={}) from None


def _remove_created(folder: Path, created: bool) -> None:
    """Leave the folder as it was before a failed restore: gone if it was new, else empty again."""
    from django.db import connections

    with contextlib.suppress(Exception):
        connections.close_all()  # SQLite's file handles, so that the files can go on every system
    if created:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for name in _CREATED:
        with contextlib.suppress(OSError):
            (folder / name).unlink()
