"""The coordinator's pages (login required): the dashboard, reminders, organisations added by
respondents, the live map and report, the workshop projector and one organisation's page.

Login is by the one-time link ``carenet survey serve`` prints (:func:`login_link`) or, on a
shared server, by user name and password (:func:`login`; ``carenet survey password`` sets
one). Failed attempts of either are limited per client address.

* :func:`dashboard` – the round's numbers, response rates by municipality, sector and actor
  type, who has not answered, the last audit events;
* :func:`reminders` – new, additional personal links for everyone who has not submitted, as a
  CSV for mail merge (earlier links keep working);
* :func:`added` – organisations respondents added: confirm (a new roster id), merge into a
  roster organisation, or reject;
* :func:`live_map`, :func:`live_report` – the answers so far drawn with the package's map and
  report (:mod:`~carenet_graph.survey.live`), sent with the policy their ``<meta>`` declares;
* :func:`workshop`, :func:`workshop_state` – a projector page whose script polls the state and
  reloads the map when new answers arrive;
* :func:`organisation` – one organisation: its answer, a new link (shown once), revoking its
  links, downloading or deleting its answer for it.

Every change is a POST with the CSRF token, in the request's transaction, and leaves an
:class:`~carenet_graph.survey.models.AuditEvent` naming the logged-in user. The operations on added
organisations are in :mod:`~carenet_graph.survey.additions`, the figures and live pages in
:mod:`~carenet_graph.survey.live`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from functools import wraps
from typing import cast

from django.contrib import auth
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from carenet_graph.locale import Locale
from carenet_graph.survey import additions, live
from carenet_graph.survey.answers import answers_download
from carenet_graph.survey.models import AuditEvent, Invitation, LoginToken, Organisation, Project, Response, TieAnswer
from carenet_graph.survey.pages import chosen_language, message, not_found, page
from carenet_graph.survey.security import document_policy, limited, record_failure

__all__ = ["COORDINATOR", "added", "coordinator_only", "dashboard", "live_map", "live_report", "locale_for", "login",
           "login_link", "logout", "organisation", "reminders", "workshop", "workshop_state"]

#: The user name of the coordinator created for one-time login links.
COORDINATOR = "coordinator"

View = Callable[..., HttpResponse]


def _post_only(view: View) -> View:
    """Django's ``require_POST`` (405 for any other method), typed: Django ships no type information."""
    return cast(View, require_POST(view))


def _outside_transaction(view: View) -> View:
    """Run ``view`` without the request's transaction (Django's ``non_atomic_requests``), typed."""
    return cast(View, transaction.non_atomic_requests(view))


def locale_for(request: HttpRequest) -> Locale:
    """The coordinator's language: ``?lang=``, the cookie, the browser, the project's."""
    project = Project.objects.first()
    return Locale(chosen_language(request, project.lang if project else "en"))


def coordinator_only(view: View) -> View:
    """Let only a logged-in coordinator through; others go to the login page."""
    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_authenticated:
            return HttpResponseRedirect("/coordinator/login/")
        return view(request, *args, **kwargs)
    return wrapped


def login_link(request: HttpRequest, token: str) -> HttpResponse:
    """A one-time login link: valid once, until it expires."""
    from carenet_graph.survey.project import token_hash

    loc = locale_for(request)
    if limited(request, "login"):
        return message(request, loc, loc.t("form_too_many_title"), loc.t("dashboard_login_too_many"), 429)
    found = LoginToken.objects.filter(token_hash=token_hash(token) if token.isascii() else "", used__isnull=True,
                                      expires__gt=timezone.now()).first()
    if found is None:
        record_failure(request, "login")
        return message(request, loc, loc.t("dashboard_login_link_title"), loc.t("dashboard_login_link_invalid"), 403)
    LoginToken.objects.filter(pk=found.pk).update(used=timezone.now())
    user, _ = User.objects.get_or_create(username=COORDINATOR, defaults={"is_staff": True})
    if not user.has_usable_password():
        user.set_unusable_password()
    auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    AuditEvent.objects.create(actor=COORDINATOR, action="login", details={"by": "link"})
    return HttpResponseRedirect("/coordinator/")


def login(request: HttpRequest) -> HttpResponse:
    """User name and password (for a shared server); the one-time link is the usual way in."""
    loc = locale_for(request)
    error = ""
    if request.method == "POST":
        if limited(request, "login"):
            return message(request, loc, loc.t("form_too_many_title"), loc.t("dashboard_login_too_many"), 429)
        user = auth.authenticate(request, username=request.POST.get("username", "")[:150],
                                 password=request.POST.get("password", "")[:1000])
        if user is None:
            record_failure(request, "login")
            error = loc.t("dashboard_login_wrong")
        else:
            auth.login(request, user)
            AuditEvent.objects.create(actor=user.get_username(), action="login", details={"by": "password"})
            return HttpResponseRedirect("/coordinator/")
    return page(request, "login.html", loc, status=400 if error else 200, error=error)


@_post_only
def logout(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    return HttpResponseRedirect("/coordinator/login/")


# -- helpers of the pages below ------------------------------------------------------------

def _new_link(request: HttpRequest, organisation: Organisation) -> str:
    """An additional personal link (earlier ones keep working) on the address the last ``survey
    invite`` gave respondents, else on this server's own address."""
    from carenet_graph.survey.project import add_link, last_base_url

    return add_link(organisation, last_base_url() or request.build_absolute_uri("/"))


def _csv(filename: str, header: list[str], rows: list[list[str]]) -> HttpResponse:
    """A CSV download, each cell defused so that no spreadsheet runs it as a formula."""
    from carenet_graph.output.files import neutralise_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([neutralise_cell(cell) for cell in row] for row in rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _unconfirmed(actor_id: str) -> Organisation | None:
    found: Organisation | None = Organisation.objects.filter(actor_id=actor_id, confirmed=False).first()
    return found


# -- the dashboard ---------------------------------------------------------------------------

@coordinator_only
def dashboard(request: HttpRequest) -> HttpResponse:
    """The round at a glance: numbers, response rates by group, who has not answered, the audit log."""
    from django.conf import settings

    loc = locale_for(request)
    overview = live.overview(loc)
    return page(request, "dashboard.html", loc, overview=overview, events=live.recent_events(loc),
                closed=live.when_text(overview.closed, loc) if overview.closed else "",
                folder=str(getattr(settings, "CARENET_PROJECT_FOLDER", "")))


@coordinator_only
@_post_only
def reminders(request: HttpRequest) -> HttpResponse:
    """A CSV (id, name, municipality, email, link) with one new, additional personal link for
    every confirmed organisation that has not submitted, for a reminder by mail merge."""
    loc = locale_for(request)
    project = Project.objects.first()
    if project is None or project.closed is not None:
        return message(request, loc, loc.t("dashboard_closed_title"), loc.t("dashboard_reminders_closed"), 409)
    from carenet_graph.survey.project import not_answered

    rows = [[o.actor_id, o.name, o.municipality, o.email, _new_link(request, o)] for o in not_answered()]
    additions.audit(request, "reminders", links=len(rows))
    return _csv("reminder-links.csv", ["id", "name", "municipality", "email", "link"], rows)


# -- organisations added by respondents ------------------------------------------------------

@coordinator_only
def added(request: HttpRequest) -> HttpResponse:
    """Confirm, merge or reject each organisation a respondent added."""
    loc = locale_for(request)
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        organisation = _unconfirmed(request.POST.get("organisation", ""))
        if organisation is None or action not in ("confirm", "merge", "reject"):
            return message(request, loc, loc.t("dashboard_added_gone_title"), loc.t("dashboard_added_gone"), 404)
        with transaction.atomic():
            if action == "confirm":
                additions.confirm(request, organisation)
            elif action == "reject":
                additions.reject(request, organisation)
            else:
                target = Organisation.objects.filter(actor_id=request.POST.get("into", ""), confirmed=True).first()
                if target is None:
                    errors[f"into-{organisation.actor_id}"] = loc.t("dashboard_added_choose")
                else:
                    additions.merge(request, organisation, target)
        if not errors:
            return HttpResponseRedirect(f"/coordinator/added/?done={action}")
    roster = list(Organisation.objects.filter(confirmed=True).order_by("name", "actor_id"))
    waiting = (Organisation.objects.filter(confirmed=False).select_related("added_by")
               .annotate(named=Count("named_by")).order_by("name", "actor_id"))
    done = request.GET.get("done", "")
    return page(request, "added.html", loc, status=400 if errors else 200, errors=errors, roster=roster,
                waiting=[(o, additions.likely_same(o, roster)) for o in waiting],
                done=loc.t(f"dashboard_added_done_{done}") if done in ("confirm", "merge", "reject") else "")


# -- the live map and report, the workshop projector ------------------------------------------

def _live(request: HttpRequest, kind: str) -> HttpResponse:
    loc = locale_for(request)
    html = live.live_document(kind, loc)
    if html is None:
        return page(request, "live_empty.html", loc, kind=kind, framed=request.GET.get("v") is not None)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    # The page allows its own inline scripts by hash; the policy read from its <meta> is HTML-escaped there.
    response["Content-Security-Policy"] = document_policy(html)
    return response


@_outside_transaction
@coordinator_only
def live_map(request: HttpRequest) -> HttpResponse:
    """The map of the answers submitted so far (the package's interactive map)."""
    return _live(request, "map")


@_outside_transaction
@coordinator_only
def live_report(request: HttpRequest) -> HttpResponse:
    """The report of the answers submitted so far (the package's report)."""
    return _live(request, "report")


def _counter(loc: Locale) -> str:
    answered, organisations = live.response_counts()
    return loc.t("dashboard_workshop_counter", answered=answered, total=loc.number(organisations))


@coordinator_only
def workshop(request: HttpRequest) -> HttpResponse:
    """The projector page: the counter and the live map, both refreshed by the page's script."""
    loc = locale_for(request)
    project = Project.objects.first()
    return page(request, "workshop.html", loc, name=project.name if project else "", counter=_counter(loc),
                version=live.answers_version(), address=request.build_absolute_uri("/"))


@_outside_transaction
@coordinator_only
def workshop_state(request: HttpRequest) -> HttpResponse:
    """What the projector page polls: the answers' version and the counter sentence."""
    loc = locale_for(request)
    return JsonResponse({"version": live.answers_version(), "text": _counter(loc)})


# -- one organisation -------------------------------------------------------------------------

@coordinator_only
def organisation(request: HttpRequest, actor_id: str) -> HttpResponse:
    """One organisation: its roster data and answer; a new personal link, revoking its links,
    and the respondent's rights exercised for it (download, delete its answer)."""
    loc = locale_for(request)
    found = Organisation.objects.filter(actor_id=actor_id).select_related("added_by").first()
    if found is None:
        return not_found(request)
    new_link = ""
    confirm_delete = False
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "new_link" and found.confirmed:
            new_link = _new_link(request, found)
            additions.audit(request, "new_link", found)
        elif action == "revoke":
            revoked = Invitation.objects.filter(organisation=found, revoked=False).update(revoked=True)
            additions.audit(request, "revoke", found, links=revoked)
            return HttpResponseRedirect(f"{request.path}?done=revoke")
        elif action == "download":
            additions.audit(request, "downloaded", found)
            return answers_download(found)
        elif action == "delete" and request.POST.get("confirm") == "yes":
            Response.objects.filter(organisation=found).delete()
            additions.audit(request, "deleted", found)
            return HttpResponseRedirect(f"{request.path}?done=delete")
        elif action == "delete":
            confirm_delete = True
        else:
            return message(request, loc, loc.t("dashboard_organisation_title"), loc.t("dashboard_unknown_action"), 400)
    response = Response.objects.filter(organisation=found).first()
    # The answer as sent once it has been sent (what the wave holds), else the draft.
    shown = (response.submitted_ties if response.submitted else response.ties) if response else None
    answers = list(shown.select_related("partner").order_by("partner__name", "partner__actor_id")) if shown else []
    links = Invitation.objects.filter(organisation=found)
    used = links.exclude(last_used=None).order_by("-last_used").first()
    done = request.GET.get("done", "")
    return page(
        request, "organisation.html", loc, organisation=found, response=response, new_link=new_link,
        confirm_delete=confirm_delete, answers=[_answer_row(a, loc) for a in answers],
        active_links=links.filter(revoked=False).count(), all_links=links.count(),
        last_used=live.when_text(used.last_used, loc) if used else "",
        named_by=found.submitted_by.count(),
        submitted=live.when_text(response.submitted, loc) if response and response.submitted else "",
        done=loc.t(f"dashboard_organisation_done_{done}") if done in ("revoke", "delete") else "")


def _answer_row(answer: TieAnswer, loc: Locale) -> dict[str, str]:
    return {"partner": answer.partner.name, "actor_id": answer.partner.actor_id,
            "level": f"{answer.level} – {loc.label('level', answer.level)}" if answer.level is not None else "–",
            "types": ", ".join(loc.label("tie_type", t) for t in answer.tie_types) or "–",
            "frequency": loc.t(f"form_frequency_{answer.frequency}") if answer.frequency else "–",
            "waiting": "" if answer.partner.confirmed else loc.t("dashboard_added_waiting_short")}
