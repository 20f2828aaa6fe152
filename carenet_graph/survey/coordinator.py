"""The coordinator's pages (login required): the dashboard, reminders, organisations added by
respondents, the live map and report, and the workshop projector.

Login is by the one-time link ``carenet survey serve`` prints (:func:`login_link`) or, on a
shared server, by user name and password (:func:`login`; ``carenet survey password`` sets
one). Failed attempts of either are limited per client address.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import auth
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from carenet_graph.locale import Locale
from carenet_graph.survey.models import AuditEvent, LoginToken, Project
from carenet_graph.survey.pages import chosen_language, message, page
from carenet_graph.survey.security import limited, record_failure

__all__ = ["COORDINATOR", "coordinator_only", "locale_for", "login", "login_link", "logout"]

#: The user name of the coordinator created for one-time login links.
COORDINATOR = "coordinator"

View = Callable[..., HttpResponse]


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


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    return HttpResponseRedirect("/coordinator/login/")


# -- pages being built (issue 15): the helper replaces these -------------------------------
def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    from django.http import Http404

    raise Http404


dashboard = reminders = added = live_map = live_report = workshop = workshop_state = organisation = _todo
