"""How the survey server renders its pages: one Jinja2 environment, the reader's language, the
package's own stylesheet and script, and the plain error pages.

Templates live in ``survey/templates`` and are rendered with autoescape and strict undefined
names, like every other page of the package. The language is chosen by ``?lang=`` (kept in a
cookie), else the cookie, else the browser's preferred language among en/de/nl/sv, else the
project's. Texts come from the ``form`` and ``dashboard`` catalogue areas through
:meth:`~carenet_graph.locale.Locale.t`, so plurals and numbers follow the language.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from importlib import resources
from typing import Any

import jinja2
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from carenet_graph.i18n import LANGUAGES
from carenet_graph.locale import Locale

__all__ = ["LANGUAGE_NAMES", "chosen_language", "csrf_failure", "not_found", "page", "static_file"]

#: Each language named in itself, for the language switch.
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch", "nl": "Nederlands", "sv": "Svenska"}
LANG_COOKIE = "carenet_lang"
STATIC = {"survey.css": "text/css; charset=utf-8", "survey.js": "text/javascript; charset=utf-8"}


@cache
def _environment() -> jinja2.Environment:
    folder = resources.files("carenet_graph.survey").joinpath("templates")
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def chosen_language(request: HttpRequest, default: str = "en") -> str:
    """The reader's language: ``?lang=``, the cookie, the browser's ``Accept-Language``, ``default``."""
    for candidate in (request.GET.get("lang", ""), request.COOKIES.get(LANG_COOKIE, "")):
        if candidate in LANGUAGES:
            return str(candidate)
    for part in request.headers.get("Accept-Language", "").split(","):
        code = str(part).split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default if default in LANGUAGES else "en"


def page(request: HttpRequest, template: str, loc: Locale, *, status: int = 200, **context: Any) -> HttpResponse:
    """Render ``template`` in ``loc``'s language; a ``?lang=`` choice is kept in a cookie.

    ``errors`` (field id → sentence) may be asked for any field: a field without an error reads "".
    """
    if "errors" in context:
        context["errors"] = defaultdict(str, context["errors"])
    html = _environment().get_template(template).render(
        t=loc.t, loc=loc, lang=loc.lang, languages=LANGUAGE_NAMES, csrf_token=get_token(request),
        path=request.path, **context)
    response = HttpResponse(html, status=status, content_type="text/html; charset=utf-8")
    if request.GET.get("lang", "") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, loc.lang, max_age=365 * 86400, samesite="Strict", httponly=True,
                            secure=bool(getattr(settings, "CARENET_HTTPS", False)))
    return response


def static_file(request: HttpRequest, name: str) -> HttpResponse:
    """The package's stylesheet or script (nothing else is served from disk)."""
    if name not in STATIC:
        return not_found(request)
    text = resources.files("carenet_graph.survey").joinpath("static", name).read_bytes()
    response = HttpResponse(text, content_type=STATIC[name])
    response["Cache-Control"] = "no-cache"
    return response


def message(request: HttpRequest, loc: Locale, title: str, text: str, status: int) -> HttpResponse:
    """A page that only says something (closed round, unknown link, too many attempts)."""
    return page(request, "message.html", loc, status=status, title=title, text=text)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    loc = Locale(chosen_language(request))
    return message(request, loc, loc.t("form_not_found_title"), loc.t("form_not_found"), 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its protection token: say what to do, not what went wrong inside."""
    loc = Locale(chosen_language(request))
    return message(request, loc, loc.t("form_expired_title"), loc.t("form_expired"), 403)
