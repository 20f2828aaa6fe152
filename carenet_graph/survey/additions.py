"""What the coordinator does with an organisation a respondent added to the roster.

* :func:`confirm` – it joins the roster under a new id (N001, N002, … after the highest used);
* :func:`merge` – it is a roster organisation under another name: the answers naming it name
  that organisation instead (joined with a tie the same answer already has to it), then it is
  deleted; :func:`likely_same` preselects the closest roster name;
* :func:`reject` – it and every answer naming it are deleted.

Each leaves an audit event; the view runs them in the request's transaction.
"""

from __future__ import annotations

import difflib

from django.http import HttpRequest

from carenet_graph.survey.models import AuditEvent, Organisation, SubmittedTie, TieAnswer

__all__ = ["confirm", "likely_same", "merge", "reject"]


def audit(request: HttpRequest, action: str, organisation: Organisation | None = None, **details: object) -> None:
    """An audit event by the logged-in coordinator."""
    AuditEvent.objects.create(actor=request.user.get_username() or "coordinator", action=action,
                              organisation=organisation, details=details)


def likely_same(organisation: Organisation, roster: list[Organisation]) -> str:
    """The roster organisation whose name is closest to the added one's (preselected for a merge), or ""."""
    names = {o.name.casefold(): o.actor_id for o in roster}
    found = difflib.get_close_matches(organisation.name.casefold(), list(names), n=1, cutoff=0.6)
    return names[found[0]] if found else ""


def confirm(request: HttpRequest, organisation: Organisation) -> None:
    """The added organisation joins the roster under a new id (N001, N002, … after the highest used)."""
    numbers = [int(a[1:]) for a in Organisation.objects.filter(actor_id__startswith="N")
               .values_list("actor_id", flat=True) if a[1:].isdigit()]
    old = organisation.actor_id
    organisation.actor_id = f"N{max(numbers, default=0) + 1:03d}"
    organisation.confirmed = True
    organisation.save()
    audit(request, "confirm", organisation, added=old, id=organisation.actor_id)


def reject(request: HttpRequest, organisation: Organisation) -> None:
    """The added organisation and every answer naming it as a partner are deleted."""
    audit(request, "reject", None, added=organisation.actor_id, ties=organisation.named_by.count())
    organisation.delete()  # its TieAnswers go with it (CASCADE)


def merge(request: HttpRequest, organisation: Organisation, target: Organisation) -> None:
    """The added organisation is ``target`` under another name: its ties, in answers being edited
    and in answers as sent, point to ``target`` (joined with a tie the same answer already has
    to ``target``), then it is deleted."""
    responses = set()
    for model in (TieAnswer, SubmittedTie):
        for answer in model.objects.filter(partner=organisation).select_related("response"):
            responses.add(answer.response_id)
            existing = model.objects.filter(response_id=answer.response_id, partner=target).first()
            if answer.response.organisation_id == target.pk:
                answer.delete()  # the target named itself under another name
            elif existing is None:
                answer.partner = target
                answer.save(update_fields=["partner"])
            else:
                join(existing, answer)
                answer.delete()
    audit(request, "merge", target, added=organisation.actor_id, into=target.actor_id, ties=len(responses))
    organisation.delete()


def join(kept: TieAnswer | SubmittedTie, other: TieAnswer | SubmittedTie) -> None:
    """One answer named the same partner twice: keep every tie type, the higher level, the more
    frequent contact and the ratings given in either."""
    from carenet_graph.survey.project import FREQUENCY_IDS

    kept.tie_types = sorted(set(kept.tie_types) | set(other.tie_types))
    levels = [level for level in (kept.level, other.level) if level is not None]
    kept.level = max(levels) if levels else None
    frequencies = [f for f in (kept.frequency, other.frequency) if f in FREQUENCY_IDS]
    kept.frequency = min(frequencies, key=FREQUENCY_IDS.index) if frequencies else kept.frequency
    kept.ratings = {**other.ratings, **kept.ratings}
    kept.save()
