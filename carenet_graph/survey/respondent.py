"""The respondent's pages: one organisation answers through its personal link.

Four steps, each a plain HTML form that works without JavaScript (the script only saves drafts
as one types, and searches the roster while one types):

1. **start** – the round's consent text, who answers, the language;
2. **partners** – choose partners from the roster (all of it up to :data:`FULL_LIST`
   organisations, else a search), add a missing organisation (it waits for the coordinator),
   or say explicitly that the organisation works with no one else; last wave's partners are
   offered as a starting point;
3. **details** – per partner: kinds of collaboration, the Frey level 0–5 with its description,
   how often, and the trust and value items when the coordinator has switched them on;
4. **done** – submitted; answers can be changed until the round closes, downloaded, or deleted.

A link opens only its own organisation's answers: every page looks the organisation up from the
hash of the token in its path, and nothing else identifies it. Unknown or revoked links count
as failed attempts per client address (:mod:`~carenet_graph.survey.security`). Each request
runs in one transaction (``ATOMIC_REQUESTS``), so a submission is stored whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils import timezone

from carenet_graph.locale import Locale
from carenet_graph.survey.answers import answers_download, rating_items, send_answer
from carenet_graph.survey.models import (
    AuditEvent,
    Invitation,
    Organisation,
    PreviousAnswer,
    Project,
    Response,
    TieAnswer,
)
from carenet_graph.survey.pages import chosen_language, message, page
from carenet_graph.survey.project import FREQUENCY_IDS as FREQUENCIES
from carenet_graph.survey.roster import actor_types, roster_for, search_roster, usual_place
from carenet_graph.survey.security import limited, record_failure

__all__ = ["FULL_LIST"]

#: Up to this many organisations the roster is shown in full; above, one searches it.
FULL_LIST = 100
MAX_TEXT = 300


@dataclass
class Link:
    """What a valid link opens: its organisation, the project and the organisation's answer."""

    organisation: Organisation
    project: Project
    response: Response | None
    loc: Locale
    token: str

    @property
    def closed(self) -> bool:
        return self.project.closed is not None

    def url(self, step: str = "") -> str:
        # A page ends in "/", a file ("answers.json") does not.
        return f"/a/{self.token}/{step}{'/' if step and '.' not in step else ''}"


def _open(request: HttpRequest, token: str) -> Link | HttpResponse:
    """The link's :class:`Link`, or the page saying it does not work (counted as a failed attempt)."""
    from carenet_graph.survey.project import token_hash

    project = Project.objects.first()
    loc = Locale(chosen_language(request, project.lang if project else "en"))
    if limited(request, "link"):
        return message(request, loc, loc.t("form_too_many_title"), loc.t("form_too_many"), 429)
    invitation = (Invitation.objects.select_related("organisation")
                  .filter(token_hash=token_hash(token), revoked=False).first()) if token.isascii() else None
    if invitation is None or project is None:
        record_failure(request, "link")
        return message(request, loc, loc.t("form_not_found_title"), loc.t("form_not_found"), 404)
    Invitation.objects.filter(pk=invitation.pk).update(last_used=timezone.now())
    organisation = invitation.organisation
    response = Response.objects.filter(organisation=organisation).first()
    return Link(organisation, project, response, loc, token)


def _audit(link: Link, action: str, **details: Any) -> None:
    AuditEvent.objects.create(actor=f"link:{link.organisation.actor_id}", action=action,
                              organisation=link.organisation, details=details)


def _chosen(response: Response | None) -> list[TieAnswer]:
    if response is None:
        return []
    return list(response.ties.select_related("partner").order_by("partner__name", "partner__actor_id"))


def _text(request: HttpRequest, name: str) -> str:
    return " ".join(request.POST.get(name, "").split())[:MAX_TEXT]


def _closed_page(request: HttpRequest, link: Link) -> HttpResponse:
    return page(request, "closed.html", link.loc, link=link, response=link.response)


def _editable(request: HttpRequest, token: str) -> Link | HttpResponse:
    """The link of an answer that may be edited now, or where to go instead: the closed page
    once the round is closed, the start page while consent is missing."""
    link = _open(request, token)
    if isinstance(link, HttpResponse):
        return link
    if link.closed:
        return _closed_page(request, link)
    if link.response is None or link.response.consent is None:
        return HttpResponseRedirect(link.url())
    return link


# -- step 1: consent and who answers -------------------------------------------------------

def start(request: HttpRequest, token: str) -> HttpResponse:
    link = _open(request, token)
    if isinstance(link, HttpResponse):
        return link
    if link.closed:
        return _closed_page(request, link)
    errors: dict[str, str] = {}
    respondent = link.response.respondent if link.response else ""
    if request.method == "POST":
        respondent = _text(request, "respondent")
        if not respondent:
            errors["respondent"] = link.loc.t("form_error_respondent")
        if request.POST.get("consent") != "yes":
            errors["consent"] = link.loc.t("form_error_consent")
        if not errors:
            response, _ = Response.objects.get_or_create(organisation=link.organisation)
            response.respondent = respondent
            response.consent = response.consent or timezone.now()
            response.lang = link.loc.lang
            response.save()
            _audit(link, "consent")
            return HttpResponseRedirect(link.url("partners"))
    consent = link.project.questions.get("consent", {}).get(link.loc.lang) or link.loc.t("form_consent_text",
                                                                                        network=link.project.name)
    return page(request, "start.html", link.loc, link=link, errors=errors,
                respondent=respondent, consent=consent, project=link.project)


# -- step 2: partners ----------------------------------------------------------------------

def partners(request: HttpRequest, token: str) -> HttpResponse:
    link = _editable(request, token)
    if isinstance(link, HttpResponse):
        return link
    response = link.response
    assert response is not None  # _editable made sure
    roster = roster_for(link.organisation)
    errors: dict[str, str] = {}
    query = request.GET.get("q", "")[:MAX_TEXT]
    if request.method == "POST":
        action = request.POST.get("action", "save")
        query = _text(request, "q")
        _save_partners(link, response, roster, request)
        if action == "add":
            added = _add_organisation(link, response, request, errors)
            if added is not None:
                roster = roster_for(link.organisation)
        elif action == "previous":
            _take_previous(link, response)
        if action == "autosave":
            return JsonResponse({"saved": True})
        if action == "next" and not errors:
            if response.ties.exists() or response.no_other_partners:
                return HttpResponseRedirect(link.url("details"))
            errors["partner"] = link.loc.t("form_error_no_partner")
        elif action in ("save", "previous") and not errors:
            return HttpResponseRedirect(link.url("partners") + ("?saved=1" if action == "save" else ""))
    chosen = _chosen(response)
    named = {answer.partner_id for answer in chosen}
    if len(roster) <= FULL_LIST:
        results, matched = [o for o in roster if o.pk not in named], 0
    else:
        found, matched = search_roster((o for o in roster if o.pk not in named), query, link.loc)
        results = found
    previous = (PreviousAnswer.objects.filter(organisation=link.organisation).count()
                if not chosen and not response.no_other_partners else 0)
    return page(request, "partners.html", link.loc, link=link, errors=errors,
                response=response, chosen=chosen, results=results, matched=matched, query=query,
                full_list=len(roster) <= FULL_LIST, roster_size=len(roster), previous=previous,
                saved=request.GET.get("saved") == "1", types=actor_types(link.loc), place=usual_place(roster),
                added=request.POST.get("action") == "add" and not errors)


def _save_partners(link: Link, response: Response, roster: list[Organisation], request: HttpRequest) -> None:
    """The partners ticked in the form become the answer's partners (details of those kept stay)."""
    allowed = {o.actor_id: o for o in roster}
    ticked = [allowed[a] for a in dict.fromkeys(request.POST.getlist("partner")) if a in allowed]
    keep = {o.pk for o in ticked}
    removed = response.ties.exclude(partner_id__in=keep).delete()[0]
    have = set(response.ties.values_list("partner_id", flat=True))
    TieAnswer.objects.bulk_create([TieAnswer(response=response, partner=o) for o in ticked if o.pk not in have])
    response.no_other_partners = request.POST.get("no_other_partners") == "yes"
    response.save()
    if removed or len(keep - have) or request.POST.get("action") != "autosave":
        _audit(link, "partners", partners=len(keep), step=request.POST.get("action", "save"))


def _add_organisation(link: Link, response: Response, request: HttpRequest,
                      errors: dict[str, str]) -> Organisation | None:
    """An organisation missing from the roster: named by this respondent, waiting for the coordinator."""
    name = _text(request, "new_name")
    if not name:
        errors["new_name"] = link.loc.t("form_error_new_name")
        return None
    kind = request.POST.get("new_type", "")
    kind = kind if kind in link.loc.vocabulary.actor_types else ""
    number = Organisation.objects.filter(confirmed=False, actor_id__startswith="new-").count() + 1
    for attempt in range(20):
        while Organisation.objects.filter(actor_id=f"new-{number}").exists():
            number += 1
        try:
            # A savepoint: on PostgreSQL another respondent may take the same number at the same
            # moment (SQLite's immediate transactions take turns); the loser takes the next one.
            with transaction.atomic():
                added: Organisation = Organisation.objects.create(
                    actor_id=f"new-{number}", name=name, type=kind,
                    sector=link.loc.vocabulary.sector_of(kind) if kind else "",
                    municipality=_text(request, "new_municipality"), added_by=link.organisation, confirmed=False)
            break
        except IntegrityError:
            if attempt == 19:
                raise
            number += 1
    TieAnswer.objects.create(response=response, partner=added)
    _audit(link, "added_organisation", added=added.actor_id)
    return added


def _take_previous(link: Link, response: Response) -> None:
    """Last wave's partners and their details as the starting point; partners already chosen keep
    what the respondent gave them."""
    have = set(response.ties.values_list("partner_id", flat=True))
    previous = [p for p in PreviousAnswer.objects.filter(organisation=link.organisation, partner__confirmed=True)
                if p.partner_id not in have]
    TieAnswer.objects.bulk_create([TieAnswer(response=response, partner_id=p.partner_id, tie_types=p.tie_types,
                                             level=p.level, frequency=p.frequency) for p in previous])
    _audit(link, "previous_wave", partners=len(previous))


def search(request: HttpRequest, token: str) -> HttpResponse:
    """The roster's matches for ``?q=`` as a list fragment (the partners page's script asks for it)."""
    link = _open(request, token)
    if isinstance(link, HttpResponse):
        return link
    named = set(link.response.ties.values_list("partner_id", flat=True)) if link.response else set()
    roster = [o for o in roster_for(link.organisation) if o.pk not in named]
    results, matched = search_roster(roster, request.GET.get("q", "")[:MAX_TEXT], link.loc)
    return page(request, "results.html", link.loc, link=link, results=results, matched=matched,
                query=request.GET.get("q", "")[:MAX_TEXT], full_list=False)


# -- step 3: details per partner -----------------------------------------------------------

def details(request: HttpRequest, token: str) -> HttpResponse:
    link = _editable(request, token)
    if isinstance(link, HttpResponse):
        return link
    response = link.response
    assert response is not None  # _editable made sure
    chosen = _chosen(response)
    ratings = rating_items(link.project)
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.POST.get("action", "save")
        for answer in chosen:
            _save_details(answer, request, link.loc, ratings)
        if action == "autosave":
            return JsonResponse({"saved": True})
        if action == "submit":
            for answer in chosen:
                if answer.level is None:
                    errors[f"level_{answer.pk}"] = link.loc.t("form_error_level", partner=answer.partner.name)
            if not errors:
                first = response.submitted is None
                send_answer(response)
                _audit(link, "submitted" if first else "resubmitted", partners=len(chosen))
                return HttpResponseRedirect(link.url("done"))
        elif action == "back":
            return HttpResponseRedirect(link.url("partners"))
        else:
            _audit(link, "details", partners=len(chosen))
            return HttpResponseRedirect(link.url("details") + "?saved=1")
    vocabulary = link.loc.vocabulary
    return page(request, "details.html", link.loc, link=link, errors=errors,
                response=response, chosen=chosen, saved=request.GET.get("saved") == "1",
                tie_types=[(ident, link.loc.label("tie_type", ident)) for ident in vocabulary.tie_types],
                levels=[(value, link.loc.label("level", value), link.loc.t(f"form_level_{value}"))
                        for value in sorted(vocabulary.levels)],
                frequencies=[(f, link.loc.t(f"form_frequency_{f}")) for f in FREQUENCIES],
                ratings=[(item, link.loc.t(f"form_rating_{item}")) for item in ratings],
                scale=[(v, link.loc.t(f"form_scale_{v}")) for v in (1, 2, 3, 4)])


def _save_details(answer: TieAnswer, request: HttpRequest, loc: Locale, ratings: list[str]) -> None:
    known = loc.vocabulary.tie_types
    answer.tie_types = sorted({t for t in request.POST.getlist(f"types_{answer.pk}") if t in known})
    level = request.POST.get(f"level_{answer.pk}", "")
    answer.level = int(level) if level.isdigit() and int(level) in loc.vocabulary.levels else None
    frequency = request.POST.get(f"frequency_{answer.pk}", "")
    answer.frequency = frequency if frequency in FREQUENCIES else ""
    scores = {}
    for item in ratings:
        value = request.POST.get(f"rating_{item}_{answer.pk}", "")
        if value in ("1", "2", "3", "4"):
            scores[item] = int(value)
    answer.ratings = scores
    answer.save()


# -- step 4: done, download, delete --------------------------------------------------------

def done(request: HttpRequest, token: str) -> HttpResponse:
    link = _open(request, token)
    if isinstance(link, HttpResponse):
        return link
    if link.response is None or link.response.submitted is None:
        return HttpResponseRedirect(link.url())
    return page(request, "done.html", link.loc, link=link, response=link.response,
                when=_when(link.response.submitted, link.loc), partners=len(_chosen(link.response)))


def _when(moment: Any, loc: Locale) -> str:
    """The day in the language's long form (the server's clock may be in another time zone than
    the reader, so no time of day)."""
    from babel.dates import format_date

    return str(format_date(moment.date(), "long", locale=loc.lang))


def download(request: HttpRequest, token: str) -> HttpResponse:
    """Everything stored about this organisation's answer, as JSON (the right of access)."""
    link = _open(request, token)
    if isinstance(link, HttpResponse):
        return link
    _audit(link, "downloaded")
    return answers_download(link.organisation)


def delete(request: HttpRequest, token: str) -> HttpResponse:
    """Delete this organisation's answer (asks first); the organisation stays on the roster."""
    link = _open(request, token)
    if isinstance(link, HttpResponse):
        return link
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        with transaction.atomic():
            if link.response is not None:
                link.response.delete()
            _audit(link, "deleted")
        return message(request, link.loc, link.loc.t("form_deleted_title"), link.loc.t("form_deleted"), 200)
    return page(request, "delete.html", link.loc, link=link)
