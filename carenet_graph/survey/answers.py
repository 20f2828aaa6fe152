"""An organisation's answer and the round's answers as data: what a respondent (or the
coordinator for them) downloads, and the wave's tables.

* :data:`RATINGS` – the optional trust and value items (PARTNER tool, Varda et al.), each rated
  1–4, switched on per project;
* :func:`send_answer` – the answer being edited becomes the answer as sent (what the wave holds);
* :func:`answers_document` / :func:`answers_download` – everything stored about one
  organisation's answer (the right of access), as a dict and as a JSON download;
* :func:`wave_tables` – the ``actors`` and ``ties`` tables of the answers submitted so far, the
  rows ``carenet survey export`` writes and the live map and report draw: the whole roster
  with ``answered``, ``submitted`` and ``no_other_partners`` (non-respondents are never
  dropped), one tie row per partner and tie type of each answer as it was last sent
  (:class:`~carenet_graph.survey.models.SubmittedTie`), ``reported_by`` the answering
  organisation.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

from carenet_graph.survey.models import Organisation, Project, Response, SubmittedTie

__all__ = ["ACTORS_HEADER", "RATINGS", "TIES_HEADER", "answers_document", "answers_download", "rating_items",
           "send_answer", "wave_tables"]

#: The optional trust and value items (PARTNER tool, Varda et al.), each rated 1–4.
RATINGS = {"trust": ("trust_reliability", "trust_mission", "trust_openness"),
           "value": ("value_power_influence", "value_involvement", "value_resources")}
#: The columns of the exported wave's tables (``carenet survey export``).
ACTORS_HEADER = ["id", "name", "type", "sector", "municipality", "region", "country", "lat", "lon", "answered",
                 "submitted", "no_other_partners"]
TIES_HEADER = ["source", "target", "type", "level", "frequency", "reported_by"]


def rating_items(project: Project | None) -> list[str]:
    """The trust and value items the project asks about (none unless switched on at init)."""
    return [item for group, names in RATINGS.items() if project and project.questions.get(group) for item in names]


def answers_document(organisation: Organisation) -> dict[str, Any]:
    """Everything stored about ``organisation``'s answer: who answered, in which language, the
    consent and submission times, "no other partners", and each partner with its details."""
    response = Response.objects.filter(organisation=organisation).first()
    data: dict[str, Any] = {"organisation": {"id": organisation.actor_id, "name": organisation.name},
                            "answer": None}
    if response is not None:
        data["answer"] = {
            "respondent": response.respondent, "language": response.lang,
            "consent": response.consent.isoformat() if response.consent else None,
            "submitted": response.submitted.isoformat() if response.submitted else None,
            "no_other_partners": response.no_other_partners,
            "partners": [{"id": a.partner.actor_id, "name": a.partner.name, "tie_types": a.tie_types,
                          "level": a.level, "frequency": a.frequency, "ratings": a.ratings}
                         for a in response.ties.select_related("partner").order_by("partner__name",
                                                                                   "partner__actor_id")],
            "sent": [{"id": a.partner.actor_id, "tie_types": a.tie_types, "level": a.level,
                      "frequency": a.frequency, "ratings": a.ratings}
                     for a in response.submitted_ties.select_related("partner").order_by("partner__actor_id")]}
    return data


def send_answer(response: Response) -> None:
    """The answer as it stands becomes the sent answer, replacing the one sent before (call it in
    a transaction, as every request is: the wave never holds half of an answer)."""
    from django.utils import timezone

    response.submitted_ties.all().delete()
    SubmittedTie.objects.bulk_create([SubmittedTie(response=response, partner_id=a.partner_id, tie_types=a.tie_types,
                                                   level=a.level, frequency=a.frequency, ratings=a.ratings)
                                      for a in response.ties.all()])
    response.submitted_no_other_partners = response.no_other_partners
    response.submitted = timezone.now()
    response.save()


def answers_download(organisation: Organisation) -> HttpResponse:
    """:func:`answers_document` as a JSON file to save (``answers.json``)."""
    body = json.dumps(answers_document(organisation), ensure_ascii=False, indent=2, sort_keys=True)
    result = HttpResponse(body, content_type="application/json; charset=utf-8")
    result["Content-Disposition"] = 'attachment; filename="answers.json"'
    return result


def wave_tables() -> dict[str, tuple[list[str], list[list[Any]]]]:
    """The ``actors`` and ``ties`` tables of the answers submitted so far (the rows ``carenet
    survey export`` writes: the whole roster with ``answered``, one tie row per partner and tie
    type of each submitted answer)."""
    project = Project.objects.first()
    items = rating_items(project)
    responses = {r.organisation_id: r for r in Response.objects.all()}
    actors = []
    for o in Organisation.objects.filter(confirmed=True).order_by("actor_id"):
        response = responses.get(o.pk)
        done = response is not None and response.submitted is not None
        actors.append([o.actor_id, o.name, o.type, o.sector, o.municipality, o.region, o.country, o.lat, o.lon,
                       "yes" if done else "no",
                       response.submitted.date().isoformat() if response is not None and response.submitted else "",
                       "yes" if done and response is not None and response.submitted_no_other_partners else ""])
    ties = []
    answers = (SubmittedTie.objects.filter(response__submitted__isnull=False, response__organisation__confirmed=True,
                                        partner__confirmed=True)
               .select_related("response__organisation", "partner")
               .order_by("response__organisation__actor_id", "partner__actor_id"))
    for answer in answers:
        source = answer.response.organisation.actor_id
        for kind in sorted(answer.tie_types) or [""]:
            ties.append([source, answer.partner.actor_id, kind, answer.level, answer.frequency, source,
                         *(answer.ratings.get(item, "") for item in items)])
    return {"actors": (ACTORS_HEADER, actors), "ties": ([*TIES_HEADER, *items], ties)}


