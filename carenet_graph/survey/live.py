"""The round as it stands, read from the database: the dashboard's figures and the answers
submitted so far, drawn with the package's own map and report.

* :func:`overview` – organisations on the roster, answers submitted and in draft, additions
  waiting for the coordinator, the response rate per municipality, sector and actor type, and
  who has not answered.
* :func:`response_counts` – how many of the roster have submitted (the workshop's counter).
* :func:`recent_events` – the audit log's last events in words.
* :func:`answers_version` – a short fingerprint of everything the live map shows; it changes
  with every submission, change, deletion, confirmation or merge (the workshop page polls it).
* the tables drawn are :func:`carenet_graph.survey.answers.wave_tables`, the very rows
  ``carenet survey export`` writes, so the live pages show exactly what the wave will hold.
* :func:`live_document` – the map or report page of those tables, computed once per version
  and language and kept in memory: a projector reloading the map every few seconds, or ten
  people opening the report, cost one rendering.

The pages are rendered outside any database transaction (the views ask Django not to wrap
them): SQLite would otherwise hold its write lock while the report is computed, and every
respondent saving a draft would wait for it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carenet_graph.locale import Locale
from carenet_graph.survey.answers import wave_tables
from carenet_graph.survey.models import Organisation, Project, Response, SubmittedTie
from carenet_graph.survey.roster import fold

__all__ = ["LIVE_KINDS", "Group", "Overview", "answers_version", "live_document", "overview", "recent_events",
           "response_counts", "when_text"]

#: The live documents: the interactive map and the full report.
LIVE_KINDS = ("map", "report")


@dataclass(frozen=True)
class Group:
    """The response of the organisations sharing one municipality, sector or actor type."""

    label: str
    organisations: int
    answered: int

    @property
    def rate(self) -> float:
        return self.answered / self.organisations if self.organisations else 0.0


@dataclass(frozen=True)
class Overview:
    """What the dashboard shows about the round."""

    name: str
    closed: dt.datetime | None
    organisations: int
    answered: int
    drafts: int
    to_confirm: int
    by_municipality: tuple[Group, ...]
    by_sector: tuple[Group, ...]
    by_type: tuple[Group, ...]
    #: The confirmed organisations without a submitted answer, by name, each with whether it has a draft.
    waiting: tuple[tuple[Organisation, bool], ...]

    @property
    def rate(self) -> float:
        return self.answered / self.organisations if self.organisations else 0.0


def _groups(roster: Iterable[Organisation], answered: set[int], label: Callable[[Organisation], str]) -> tuple[
        Group, ...]:
    counts: dict[str, list[int]] = {}
    for organisation in roster:
        entry = counts.setdefault(label(organisation), [0, 0])
        entry[0] += 1
        entry[1] += organisation.pk in answered
    return tuple(Group(name, total, done) for name, (total, done) in sorted(counts.items(),
                                                                             key=lambda pair: fold(pair[0])))


def overview(loc: Locale) -> Overview:
    """The round's :class:`Overview`; groups are labelled in ``loc``'s words ("–" when not known)."""
    project = Project.objects.first()
    roster = list(Organisation.objects.filter(confirmed=True))
    states = dict(Response.objects.filter(organisation__confirmed=True)
                  .values_list("organisation_id", "submitted"))
    answered = {pk for pk, submitted in states.items() if submitted is not None}
    unknown = "–"
    waiting = sorted((o for o in roster if o.pk not in answered), key=lambda o: (fold(o.name), o.actor_id))
    return Overview(
        name=project.name if project else "", closed=project.closed if project else None,
        organisations=len(roster), answered=len(answered), drafts=len(states) - len(answered),
        to_confirm=Organisation.objects.filter(confirmed=False).count(),
        by_municipality=_groups(roster, answered, lambda o: o.municipality or unknown),
        by_sector=_groups(roster, answered, lambda o: loc.label("sector", o.sector) if o.sector else unknown),
        by_type=_groups(roster, answered, lambda o: loc.label("actor_type", o.type) if o.type else unknown),
        waiting=tuple((o, o.pk in states) for o in waiting))


def when_text(moment: dt.datetime, loc: Locale) -> str:
    """Date and time in the language's short form, in the server computer's time zone (the
    coordinator's laptop, as a rule)."""
    from babel.dates import format_datetime

    return str(format_datetime(moment.astimezone(), "short", locale=loc.lang))


def recent_events(loc: Locale, count: int = 20) -> list[dict[str, str]]:
    """The last ``count`` audit events in words: when, who (the organisation's name for a
    personal link, else the coordinator's user name), what, and on which organisation."""
    from carenet_graph.survey.models import AuditEvent

    words = loc.messages
    events = []
    for event in AuditEvent.objects.select_related("organisation").order_by("-when", "-pk")[:count]:
        if event.actor.startswith("link:"):
            who = event.organisation.name if event.organisation else event.actor.removeprefix("link:")
            about = ""
        else:
            who = loc.t("dashboard_audit_coordinator") if event.actor == "coordinator" else event.actor
            about = event.organisation.name if event.organisation else ""
        key = f"dashboard_audit_{event.action}"
        events.append({"when": when_text(event.when, loc), "who": who,
                       "what": loc.t(key) if key in words else event.action, "about": about})
    return events


def answers_version() -> str:
    """A fingerprint (16 hex digits) of everything the live pages draw: the answers as last sent,
    with each of their ties, and the roster. Sending a changed answer again changes it; editing
    without sending does not (the live pages show what was sent)."""
    digest = hashlib.sha256()
    digest.update(str(Organisation.objects.filter(confirmed=True).count()).encode())
    submitted = (Response.objects.filter(submitted__isnull=False, organisation__confirmed=True).order_by("pk")
                 .values_list("pk", "submitted", "submitted_no_other_partners"))
    ties = (SubmittedTie.objects.filter(response__submitted__isnull=False, response__organisation__confirmed=True,
                                     partner__confirmed=True).order_by("pk")
            .values_list("pk", "response_id", "partner_id", "level", "frequency", "tie_types", "ratings"))
    for row in (*submitted, *ties):
        digest.update(repr(row).encode())
    return digest.hexdigest()[:16]


def _render(kind: str, tables: dict[str, tuple[list[str], list[list[Any]]]], loc: Locale, name: str) -> str:
    """The map or report page of ``tables``, read as any exported wave is read."""
    from carenet_graph.output.tables import write_table_folder
    from carenet_graph.read import read_network, to_graph

    with tempfile.TemporaryDirectory(prefix="carenet-live-") as folder:
        write_table_folder(Path(folder), tables)
        data = read_network(Path(folder))
    graph = to_graph(data, name=name or None)
    if kind == "map":
        from carenet_graph.viz.map import map_data, render_map

        return render_map(map_data(graph, locale=loc, title=name or None))
    from carenet_graph.report.build import build_report

    return build_report(graph, locale=loc, title=name or None, validation=data.report, date=dt.date.today())


# (kind, language) -> (version, page). One entry per kind and language: an older version is
# never asked for again, so it is replaced rather than kept.
_pages: dict[tuple[str, str], tuple[str, str]] = {}
_rendering = threading.Lock()


def live_document(kind: str, loc: Locale) -> str | None:
    """The live ``kind`` ("map" or "report") in ``loc``'s language, or None while no answer has
    been submitted. Computed at most once per :func:`answers_version` and language; requests
    arriving while it is computed wait for it instead of computing it again."""
    if kind not in LIVE_KINDS:
        raise ValueError(kind)
    with _rendering:
        from django.db import transaction

        # One consistent reading of the database, short, so that no respondent waits for the rendering.
        with transaction.atomic():
            version = answers_version()
            cached = _pages.get((kind, loc.lang))
            if cached is not None and cached[0] == version:
                return cached[1]
            if not Response.objects.filter(submitted__isnull=False, organisation__confirmed=True).exists():
                return None
            tables = wave_tables()
            project = Project.objects.first()
        html = _render(kind, tables, loc, project.name if project else "")
        _pages[(kind, loc.lang)] = (version, html)
        return html


def response_counts() -> tuple[int, int]:
    """(organisations that submitted, organisations on the roster)."""
    return (Response.objects.filter(submitted__isnull=False, organisation__confirmed=True).count(),
            Organisation.objects.filter(confirmed=True).count())
