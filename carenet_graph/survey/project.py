"""What ``carenet survey`` does with a project folder: init, invite, status, export, close.

* :func:`init_project` – a new project from an actors table (a workbook, a CSV pair, a folder or
  a previous wave): every actor read becomes an organisation of the roster; the database is
  created and migrated inside the folder.
* :func:`invite` – one personal link per organisation, written to a CSV for mail merge. Tokens
  have 128 bits from :mod:`secrets`; only their SHA-256 is stored, so the CSV written here is the
  one place the links exist, and inviting again replaces (revokes) the earlier links.
* :func:`status` – who has answered, in counts and by organisation.
* :func:`export_wave` – a wave folder in the format every other command reads: ``actors.csv``
  (the roster, with ``answered``, ``submitted`` and ``no_other_partners`` columns, kept as actor
  attributes, so that non-respondents are never dropped silently: the analysis can tell an
  organisation that named nobody from one that did not answer) and ``ties.csv`` (one row per
  partner and tie type, ``reported_by`` the answering organisation).
* :func:`close_round` – no more answers; the round's data stay for export.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carenet_graph.errors import InputError, OptionError
from carenet_graph.output.tables import write_table_folder
from carenet_graph.survey import require_django

__all__ = ["SurveyStatus", "close_round", "export_wave", "init_project", "invite", "open_project", "set_password",
           "status",
           "token_hash"]

FREQUENCY_IDS = ("daily", "weekly", "monthly", "quarterly", "yearly")
ACTOR_FIELDS = ("name", "type", "sector", "municipality", "region", "country", "lat", "lon")


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
                 database_url: str | None = None, questions: Sequence[str] = ()) -> int:
    """Create the project in ``folder`` (new or empty) from the actors in ``inputs``; returns how
    many organisations the roster holds. The inputs are only read.

    Ties in the inputs (last wave, or the coordinator's own list) become each organisation's
    starting point (:class:`~carenet_graph.survey.models.PreviousAnswer`): a tie with
    ``reported_by`` belongs to the organisation that reported it, any other to both ends.
    ``questions`` switches on the optional items: ``"trust"``, ``"value"``."""
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
    folder.mkdir(parents=True, exist_ok=True)
    if database_url:
        (folder / URL_FILE).write_text(database_url + "\n", encoding="utf-8")
        (folder / URL_FILE).chmod(0o600)
    use_project(folder, database_url)
    migrate()
    from django.db import transaction

    from carenet_graph.survey.models import AuditEvent, Organisation, Project

    graph = to_graph(data)
    with transaction.atomic():
        Project.objects.create(name=name or network_name(graph) or "", lang=lang,
                               questions={q: True for q in questions})
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


def invite(folder: Path, output: Path, base_url: str = "http://127.0.0.1:8000") -> int:
    """Write ``output`` (CSV: id, name, municipality, link) with a new personal link per confirmed
    organisation, revoking earlier links; returns how many links were written."""
    open_project(folder)
    from django.db import transaction

    from carenet_graph.survey.models import AuditEvent, Invitation, Organisation

    rows = []
    with transaction.atomic():
        Invitation.objects.filter(revoked=False).update(revoked=True)
        for organisation in Organisation.objects.filter(confirmed=True).order_by("actor_id"):
            token = secrets.token_urlsafe(16)  # 128 bits
            Invitation.objects.create(organisation=organisation, token_hash=token_hash(token))
            rows.append([organisation.actor_id, organisation.name, organisation.municipality,
                         f"{base_url.rstrip('/')}/a/{token}/"])
        AuditEvent.objects.create(actor="coordinator", action="invite", details={"links": len(rows)})
    write_table_folder(output.parent, {output.stem: (["id", "name", "municipality", "link"], rows)})
    return len(rows)


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

    confirmed = Organisation.objects.filter(confirmed=True)
    submitted = Response.objects.filter(submitted__isnull=False, organisation__confirmed=True)
    answered = set(submitted.values_list("organisation__actor_id", flat=True))
    drafts = Response.objects.filter(submitted__isnull=True, organisation__confirmed=True).count()
    project = Project.objects.first()
    return SurveyStatus(
        organisations=confirmed.count(), submitted=len(answered), drafts=drafts,
        waiting=tuple(a for a in confirmed.values_list("actor_id", flat=True) if a not in answered),
        to_confirm=Organisation.objects.filter(confirmed=False).count(),
        closed=bool(project and project.closed))


def export_wave(folder: Path, output: Path) -> list[Path]:
    """Write the wave folder ``output`` (see the module docstring); returns the files written."""
    open_project(folder)
    from carenet_graph.survey.models import Organisation, Project, Response, TieAnswer

    organisations = list(Organisation.objects.filter(confirmed=True).order_by("actor_id"))
    responses = {r.organisation.actor_id: r for r in Response.objects.select_related("organisation")}
    actors = []
    for o in organisations:
        response = responses.get(o.actor_id)
        done = response is not None and response.submitted is not None
        actors.append([o.actor_id, o.name, o.type, o.sector, o.municipality, o.region, o.country, o.lat, o.lon,
                       "yes" if done else "no",
                       response.submitted.date().isoformat() if response is not None and response.submitted else "",
                       "yes" if done and response is not None and response.no_other_partners else ""])
    from carenet_graph.survey.respondent import RATINGS

    project = Project.objects.first()
    items = [item for group, names in RATINGS.items() if project and project.questions.get(group) for item in names]
    ties = []
    answers = (TieAnswer.objects.filter(response__submitted__isnull=False, response__organisation__confirmed=True,
                                        partner__confirmed=True)
               .select_related("response__organisation", "partner")
               .order_by("response__organisation__actor_id", "partner__actor_id"))
    for answer in answers:
        source = answer.response.organisation.actor_id
        for kind in sorted(answer.tie_types) or [""]:
            ties.append([source, answer.partner.actor_id, kind, answer.level, answer.frequency, source,
                         *(answer.ratings.get(item, "") for item in items)])
    return write_table_folder(output, {
        "actors": (["id", "name", "type", "sector", "municipality", "region", "country", "lat", "lon", "answered",
                    "submitted", "no_other_partners"], actors),
        "ties": (["source", "target", "type", "level", "frequency", "reported_by", *items], ties),
    })


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
