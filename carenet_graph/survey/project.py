"""What ``carenet survey`` does with a project folder: init, invite, status, export, close.

* :func:`init_project` – a new project from an actors table (a workbook, a CSV pair, a folder or
  a previous wave): every actor read becomes an organisation of the roster; the database is
  created and migrated inside the folder.
* :func:`invite` – one personal link per organisation, written to a CSV for mail merge and, if
  asked, as printable letters with a QR code (:mod:`~carenet_graph.survey.letters`). Tokens have
  128 bits from :mod:`secrets`; only their SHA-256 is stored, so the files written here are the
  one place the links exist, and inviting again replaces (revokes) the earlier links.
  :func:`add_link` gives an organisation one more link (letters printed from the dashboard,
  reminders by mail): earlier links keep working.
* :func:`status` – who has answered, in counts and by organisation.
* :func:`export_wave` – a wave folder in the format every other command reads: ``actors.csv``
  (the roster, with ``answered``, ``submitted`` and ``no_other_partners`` columns, kept as actor
  attributes, so that non-respondents are never dropped silently: the analysis can tell an
  organisation that named nobody from one that did not answer) and ``ties.csv`` (one row per
  partner and tie type, ``reported_by`` the answering organisation). With a key it writes the
  wave pseudonymised, through :func:`carenet_graph.privacy.pseudonymize`.
* :func:`close_round` – no more answers; the round's data stay for export.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from carenet_graph.errors import InputError, OptionError
from carenet_graph.output.tables import write_table_folder
from carenet_graph.survey import require_django

if TYPE_CHECKING:
    from carenet_graph.locale import Locale
    from carenet_graph.survey.models import Organisation

__all__ = ["SurveyStatus", "add_link", "close_round", "export_wave", "init_project", "invite", "last_base_url",
           "not_answered", "open_project", "project_language", "set_password", "status", "token_hash"]

FREQUENCY_IDS = ("daily", "weekly", "monthly", "quarterly", "yearly")
ACTOR_FIELDS = ("name", "type", "sector", "municipality", "region", "country", "lat", "lon")
#: Where respondents reach the server, unless ``survey invite --base-url`` said otherwise.
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def token_hash(token: str) -> str:
    """The SHA-256 (hex) under which a link's token is stored."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def open_project(folder: Path, *, hosts: Sequence[str] = (), https: bool = False) -> None:
    """Connect this process to the project in ``folder`` (which must exist) and migrate its database
    (``hosts`` and ``https`` as for :func:`~carenet_graph.survey.django_setup.use_project`)."""
    require_django()
    from carenet_graph.survey.django_setup import DATABASE_FILE, SECRET_FILE, migrate, use_project

    if not (folder / SECRET_FILE).exists() or not ((folder / DATABASE_FILE).exists()
                                                   or (folder / "database.url").exists()):
        raise OptionError("the folder is not a survey project",
                          hint="Create one with: carenet survey init ACTORS.xlsx -p FOLDER",
                          key="survey.not_a_project", values={})
    use_project(folder, hosts=hosts, https=https)
    migrate()


def init_project(inputs: Sequence[Path], folder: Path, *, name: str | None = None, lang: str = "en",
                 database_url: str | None = None, questions: Sequence[str] = (),
                 consent: Mapping[str, str] | None = None) -> int:
    """Create the project in ``folder`` (new or empty) from the actors in ``inputs``; returns how
    many organisations the roster holds. The inputs are only read.

    Ties in the inputs (last wave, or the coordinator's own list) become each organisation's
    starting point (:class:`~carenet_graph.survey.models.PreviousAnswer`): a tie with
    ``reported_by`` belongs to the organisation that reported it, any other to both ends.
    ``questions`` switches on the optional items: ``"trust"``, ``"value"``. ``consent`` is the
    round's own consent text by language (paragraphs separated by a blank line); a language
    without one shows the built-in text."""
    require_django()
    from carenet_graph.network import network_name
    from carenet_graph.read import read_network, to_graph
    from carenet_graph.survey.django_setup import URL_FILE, migrate, use_project

    if folder.exists() and any(folder.iterdir()):
        raise OptionError("the project folder is not empty", hint="Choose a new folder for the survey project.",
                          key="survey.folder_not_empty", values={})
    data = read_network(list(inputs))
    if data.actors.empty:
        raise InputError("no actor was read from the input, so the survey would have no roster",
                         hint="Give the actors list (a workbook with an actors sheet, or actors.csv).",
                         key="survey.no_actors", values={})
    network = name or network_name(to_graph(data)) or ""
    if not network.strip():
        raise OptionError("the network has no name, and respondents need to know who asks",
                          hint='Give it with --name, e.g. --name "Palliativnetz Lippe".',
                          key="survey.no_name", values={})
    folder.mkdir(parents=True, exist_ok=True)
    if database_url:
        (folder / URL_FILE).write_text(database_url + "\n", encoding="utf-8")
        (folder / URL_FILE).chmod(0o600)
    use_project(folder, database_url)
    migrate()
    from django.db import transaction

    from carenet_graph.survey.models import AuditEvent, Organisation, Project

    settings: dict[str, Any] = {q: True for q in questions}
    if consent:
        settings["consent"] = dict(consent)
    with transaction.atomic():
        Project.objects.create(name=network.strip(), lang=lang, questions=settings)
        email = next((c for c in data.actors.columns if str(c).lower().replace("-", "").replace("_", "")
                      in ("email", "mail")), None)
        Organisation.objects.bulk_create([Organisation(actor_id=str(actor), **_fields(row),
                                                       email=_email(row.get(email)) if email else "")
                                          for actor, row in data.actors.iterrows()])
        previous = _previous_answers(data.ties)
        AuditEvent.objects.create(actor="coordinator", action="init",
                                  details={"organisations": len(data.actors), "previous_answers": previous})
    return len(data.actors)


def _email(value: Any) -> str:
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()
    return text if "@" in text and " " not in text and len(text) <= 300 else ""


def _previous_answers(ties: Any) -> int:
    """Store the inputs' ties as starting points (see :func:`init_project`); returns how many."""
    from carenet_graph.survey.models import Organisation, PreviousAnswer

    ids = dict(Organisation.objects.values_list("actor_id", "pk"))
    merged: dict[tuple[int, int], dict[str, Any]] = {}
    for tie in ties.to_dict("records"):
        source, target = ids.get(str(tie.get("source"))), ids.get(str(tie.get("target")))
        if source is None or target is None or source == target:
            continue
        reporter = ids.get(str(tie.get("reported_by")))
        pairs = [(reporter, target if reporter == source else source)] if reporter in (source, target) else [
            (source, target), (target, source)]
        for owner, partner in pairs:
            entry = merged.setdefault((owner, partner), {"types": set(), "level": None, "frequency": ""})
            kind = tie.get("type")
            if isinstance(kind, str) and kind:
                entry["types"].add(kind)
            level = tie.get("level")
            if level is not None and level == level:
                entry["level"] = max(int(level), entry["level"] if entry["level"] is not None else -1)
            frequency = tie.get("frequency")
            if isinstance(frequency, str) and frequency in FREQUENCY_IDS:
                entry["frequency"] = frequency
    PreviousAnswer.objects.bulk_create([
        PreviousAnswer(organisation_id=owner, partner_id=partner, tie_types=sorted(entry["types"]),
                       level=entry["level"], frequency=entry["frequency"])
        for (owner, partner), entry in sorted(merged.items())])
    return len(merged)


def _fields(row: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in ACTOR_FIELDS:
        value = row.get(field)
        missing = value is None or (isinstance(value, float) and value != value)
        if field in ("lat", "lon"):
            out[field] = None if missing else float(value)
        else:
            out[field] = "" if missing else str(value)
    return out


def invite(folder: Path, output: Path, base_url: str = DEFAULT_BASE_URL, *, letters: Path | None = None,
           deadline: date | None = None, contact: str = "", lang: str | None = None) -> int:
    """Write ``output`` (CSV: id, name, municipality, link) with a new personal link per confirmed
    organisation, revoking earlier links; returns how many links were written.

    With ``letters``, the same links are also written there as printable letters, one A4 page per
    organisation with the link as a QR code (:func:`~carenet_graph.survey.letters.render_letters`),
    in ``lang`` (default: the project's language), with the answer ``deadline`` and the
    coordinator's ``contact`` if given. The tokens exist only during this call, so both files are
    written here; they appear together or not at all, and if they cannot be written the new links
    are not stored either (the earlier ones then keep working)."""
    open_project(folder)
    from django.db import transaction

    from carenet_graph.locale import Locale
    from carenet_graph.output.atomic import atomic_write_text, output_set
    from carenet_graph.survey.letters import Letter, render_letters
    from carenet_graph.survey.models import AuditEvent, Invitation, Organisation, Project

    project = Project.objects.first()
    rows = []
    with transaction.atomic():
        Invitation.objects.filter(revoked=False).update(revoked=True)
        for organisation in Organisation.objects.filter(confirmed=True).order_by("actor_id"):
            rows.append([organisation.actor_id, organisation.name, organisation.municipality,
                         add_link(organisation, base_url)])
        AuditEvent.objects.create(actor="coordinator", action="invite",
                                  details={"links": len(rows), "base_url": base_url, "letters": letters is not None})
        with output_set():
            write_table_folder(output.parent, {output.stem: (["id", "name", "municipality", "link"], rows)})
            if letters is not None:
                loc = Locale(lang or (project.lang if project else "en"))
                atomic_write_text(letters, render_letters(
                    [Letter(name, municipality, link) for _, name, municipality, link in rows], loc,
                    network=project.name if project else "", deadline=deadline, contact=contact))
    # Each link opens one organisation's answers: readable by the coordinator only (where the
    # system has such permissions).
    for written in (output, letters):
        if written is not None and written.exists():
            written.chmod(0o600)
    return len(rows)


def add_link(organisation: Organisation, base_url: str) -> str:
    """A new personal link for ``organisation`` (its token stored hashed); earlier links keep working."""
    from carenet_graph.survey.models import Invitation

    token = secrets.token_urlsafe(16)  # 128 bits
    Invitation.objects.create(organisation=organisation, token_hash=token_hash(token))
    return f"{base_url.rstrip('/')}/a/{token}/"


def not_answered() -> list[Organisation]:
    """The confirmed organisations that have not submitted an answer (a draft is not an answer)."""
    from carenet_graph.survey.models import Organisation

    return list(Organisation.objects.filter(confirmed=True).exclude(response__submitted__isnull=False)
                .order_by("actor_id"))


def last_base_url() -> str | None:
    """The address the last ``survey invite`` was told respondents reach the server at
    (``--base-url``), if one was given: new links use the same. The default address is only a
    guess, so it does not count (the server's own address is the better guess then)."""
    from carenet_graph.survey.models import AuditEvent

    event = AuditEvent.objects.filter(action="invite").order_by("-when", "-pk").first()
    found = event.details.get("base_url") if event is not None and isinstance(event.details, dict) else None
    return found if isinstance(found, str) and found and found != DEFAULT_BASE_URL else None


def project_language(folder: Path) -> str:
    """The language the project was created with (``survey init --lang``)."""
    open_project(folder)
    from carenet_graph.survey.models import Project

    project = Project.objects.first()
    return project.lang if project else "en"


@dataclass(frozen=True)
class SurveyStatus:
    """How far the round is: organisations, answers submitted and in draft, who has not answered."""

    organisations: int
    submitted: int
    drafts: int
    waiting: tuple[str, ...]
    to_confirm: int
    closed: bool

    @property
    def response_rate(self) -> float:
        return self.submitted / self.organisations if self.organisations else 0.0


def status(folder: Path) -> SurveyStatus:
    """The round's :class:`SurveyStatus`."""
    open_project(folder)
    from carenet_graph.survey.models import Organisation, Project, Response

    confirmed = Organisation.objects.filter(confirmed=True).count()
    waiting = tuple(o.actor_id for o in not_answered())
    drafts = Response.objects.filter(submitted__isnull=True, organisation__confirmed=True).count()
    project = Project.objects.first()
    return SurveyStatus(
        organisations=confirmed, submitted=confirmed - len(waiting), drafts=drafts, waiting=waiting,
        to_confirm=Organisation.objects.filter(confirmed=False).count(),
        closed=bool(project and project.closed))


def export_wave(folder: Path, output: Path, *, key: bytes | None = None, locale: Locale | None = None) -> list[Path]:
    """Write the wave folder ``output`` (see the module docstring); returns the files written.

    With ``key`` (:func:`carenet_graph.privacy.load_or_create_key`) the wave is pseudonymised by
    :func:`carenet_graph.privacy.pseudonymize`, names read in ``locale``'s words: no organisation
    name, respondent or free text reaches it (see :func:`_pseudonymised`)."""
    open_project(folder)
    from carenet_graph.survey.answers import wave_tables

    tables = wave_tables()
    (actor_header, actors), (tie_header, ties) = tables["actors"], tables["ties"]
    if key is not None:
        actors, ties = _pseudonymised(actors, ties, tie_header, key, locale)
    return write_table_folder(output, {"actors": (actor_header, actors), "ties": (tie_header, ties)})


def _pseudonymised(actors: list[list[Any]], ties: list[list[Any]], tie_header: list[str], key: bytes,
                   locale: Locale | None) -> tuple[list[list[Any]], list[list[Any]]]:
    """The wave's rows passed through :func:`carenet_graph.privacy.pseudonymize`, the transform of
    every ``--pseudonymize`` option: ids and names become keyed pseudonyms (``reported_by`` the
    reporter's), places outside the reference list keyed codes, coordinates are rounded, and only
    allow-listed values stay (vocabulary ids, numbers, ISO dates such as ``submitted``, the
    rating items).

    The allow-list keeps no text of extra columns, so it would drop ``answered``,
    ``no_other_partners`` and ``frequency``; they are carried over by id instead, because they
    are words this module writes (yes/no, the frequency ids), never a respondent's text. Each tie
    carries its row number through the transform (``row``, kept as provenance) to find its
    frequency again. Rows are sorted by pseudonym, so their order says nothing about the names."""
    import pandas as pd

    from carenet_graph.network import ROW, build_graph
    from carenet_graph.privacy import DEFAULT_EDGE_KEEP, DEFAULT_KEEP, pseudonymize

    header = ["id", *ACTOR_FIELDS, "answered", "submitted", "no_other_partners"]
    frame = pd.DataFrame(actors, columns=header, dtype=object).set_index("id")
    nodes = frame[[*ACTOR_FIELDS, "submitted"]].map(lambda v: None if v == "" else v)
    edges = pd.DataFrame(ties, columns=tie_header, dtype=object).drop(columns="frequency")
    edges = edges.map(lambda v: None if v == "" else v)
    edges[ROW] = range(2, len(ties) + 2)  # as a spreadsheet numbers the rows of ties.csv
    items = tie_header[6:]
    hidden, new_id = pseudonymize(build_graph(nodes, edges), key, keep=(*DEFAULT_KEEP, "submitted"),
                                  keep_edges=(*DEFAULT_EDGE_KEEP, *items), locale=locale,
                                  vocabulary=locale.vocabulary if locale is not None else None)
    rows = []
    for actor, answered, no_other in zip(frame.index, frame["answered"], frame["no_other_partners"], strict=True):
        data = hidden.nodes[new_id[actor]]
        rows.append([new_id[actor], *(data.get(f, "") for f in ACTOR_FIELDS), answered, data.get("submitted", ""),
                     no_other])
    links = []
    for source, target, data in hidden.edges(data=True):
        links.append([source, target, data.get("type", ""), data.get("level", ""), ties[data[ROW] - 2][4],
                      data.get("reported_by", ""), *(data.get(item, "") for item in items)])
    return sorted(rows), sorted(links, key=lambda row: [str(cell) for cell in row])


def close_round(folder: Path) -> None:
    """Close the round: links stop accepting answers; everything stays for export."""
    open_project(folder)
    from django.utils import timezone

    from carenet_graph.survey.models import AuditEvent, Project

    Project.objects.filter(closed__isnull=True).update(closed=timezone.now())
    AuditEvent.objects.create(actor="coordinator", action="close")


def set_password(folder: Path, username: str, password: str) -> None:
    """Create or update the coordinator ``username`` with ``password`` (Django's validators check it)."""
    open_project(folder)
    from django.contrib.auth.models import User
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from carenet_graph.survey.models import AuditEvent

    user, _ = User.objects.get_or_create(username=username, defaults={"is_staff": True})
    try:
        validate_password(password, user)
    except ValidationError:
        raise OptionError("the password is too short or too common",
                          hint="Use at least 12 characters, not a common word or a name.",
                          key="survey.weak_password", values={}) from None
    user.set_password(password)
    user.save()
    AuditEvent.objects.create(actor="coordinator", action="password", details={"user": username})
