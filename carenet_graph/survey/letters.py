"""Printable invitation letters: one A4 page per organisation, its personal link in full and as
a QR code, in the coordinator's language.

* :func:`render_letters` – the letters as one HTML document (``survey invite --letters``
  writes it next to the links; :func:`letters_page` serves it).
* :func:`letters_page` – the dashboard's button: a new, additional link for every organisation
  that has not answered yet (earlier links keep working) and their letters, to print at once.

The QR code is drawn by segno as inline SVG (no image file, nothing loaded from anywhere): it
is markup this module makes from the link alone, so it is inserted as it is; every name and
every text of the coordinator is escaped by the template.

**Why the stylesheet is inlined, with its hash in the policy.** The letters file is opened from
disk, where no ``/static/`` exists, so it must carry its own CSS. The server's policy allows no
inline style, so the served letters would lose theirs. Rather than render two documents, the
one document carries the package's ``survey.css`` in a ``<style>`` block and a
Content-Security-Policy that allows exactly that block by its SHA-256 (and nothing else: no
script, no image, no form, no outside host); the server sends that policy as the response's
header (:func:`~carenet_graph.survey.security.document_policy`, as for the live map). So the
file and the page are the same letters, and the strict policy still holds for both.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from carenet_graph.errors import MissingDependencyError
from carenet_graph.i18n import LANGUAGES
from carenet_graph.locale import Locale
from carenet_graph.survey.coordinator import coordinator_only, locale_for
from carenet_graph.survey.models import AuditEvent, Project
from carenet_graph.survey.pages import message
from carenet_graph.survey.security import document_policy
from carenet_graph.viz.page import package_asset, render_page, trusted

__all__ = ["Letter", "letters_page", "letters_policy", "qr_svg", "render_letters"]

#: Longest contact line taken from the dashboard's form.
MAX_CONTACT = 300


@dataclass(frozen=True)
class Letter:
    """One organisation's letter: to whom, and the personal link it carries."""

    organisation: str
    municipality: str
    link: str


def qr_svg(link: str) -> str:
    """The QR code of ``link`` as inline SVG (error correction M: a printed page survives a crease).

    Sized by CSS (a ``viewBox``, no width or height), black on white for any printer."""
    try:
        import segno
    except ImportError:
        raise MissingDependencyError("the letters' QR codes need segno, part of the survey extra",
                                     hint='Install it with: pip install "carenet-graph[survey]"',
                                     key="survey.needs_segno", values={}) from None
    code = segno.make(link, error="m", micro=False)
    return str(code.svg_inline(omitsize=True, svgclass="qr-code", lineclass=None, dark="#000", border=4))


def stylesheet() -> str:
    """The package's ``survey.css``, the letters' stylesheet."""
    css = resources.files("carenet_graph.survey").joinpath("static", "survey.css").read_text(encoding="utf-8")
    if "</" in css:  # would end the <style> block; the package's own file never holds it
        raise RuntimeError("survey.css must not contain '</'")
    return css


def letters_policy(css: str) -> str:
    """The letters' Content-Security-Policy: their one ``<style>`` block by hash, nothing else."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; script-src 'none'; "
            "base-uri 'none'; form-action 'none'")


def render_letters(letters: Sequence[Letter], loc: Locale, *, network: str, deadline: date | None = None,
                   contact: str = "") -> str:
    """The letters as one standalone HTML document, one letter per printed A4 page.

    Parameters
    ----------
    letters:
        One :class:`Letter` per organisation, in the order to print.
    loc:
        The language of the letters.
    network:
        The network's name, who asks (empty: "our network" in ``loc``'s words).
    deadline:
        The day to answer by, written in the language's long form; None: not mentioned.
    contact:
        Who answers questions (name, phone, e-mail); empty: not mentioned.

    Returns
    -------
    str
        The HTML. Every name and text is escaped; the QR codes are :func:`qr_svg`.
    """
    from babel.dates import format_date

    css = stylesheet()
    return render_page(
        package_asset("carenet_graph.survey", "letters.html"),
        # The policy is the package's text (no quote or bracket in it): unescaped, so that the
        # server can send the very same policy as its header (document_policy).
        lang=loc.lang, t=loc.t, csp=trusted(letters_policy(css)), css=trusted(css),
        network=network.strip() or loc.t("letters_network_unnamed"),
        deadline=str(format_date(deadline, "long", locale=loc.lang)) if deadline else "",
        contact=contact.strip(), count=len(letters),
        letters=[(letter, trusted(qr_svg(letter.link))) for letter in letters])


def _deadline(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None  # the form's date field sends ISO dates; anything else is left out


@coordinator_only
def letters_page(request: HttpRequest) -> HttpResponse:
    """Letters for every organisation that has not answered, each with a new additional link.

    The form (POST, CSRF token) may send ``deadline`` (YYYY-MM-DD), ``contact`` (text) and
    ``lang`` (en, de, nl or sv; default: the coordinator's language). Links use the address of
    the last ``survey invite`` (else this server's address). Each click makes new links, so the
    page is never cached."""
    from carenet_graph.survey.project import add_link, last_base_url, not_answered

    if request.method != "POST":  # each request makes links: never on a GET (a prefetch, a reload)
        return HttpResponseNotAllowed(["POST"])
    chosen = request.POST.get("lang", "")
    loc = Locale(chosen) if chosen in LANGUAGES else locale_for(request)
    project = Project.objects.first()
    if project is None or project.closed is not None:
        return message(request, loc, loc.t("letters_closed_title"), loc.t("letters_closed"), 409)
    base_url = last_base_url() or request.build_absolute_uri("/")
    with transaction.atomic():
        letters = [Letter(o.name, o.municipality, add_link(o, base_url)) for o in not_answered()]
        AuditEvent.objects.create(actor=request.user.get_username(), action="letters",
                                  details={"links": len(letters)})
    html = render_letters(letters, loc, network=project.name,
                          deadline=_deadline(request.POST.get("deadline", "")[:20]),
                          contact=request.POST.get("contact", "")[:MAX_CONTACT])
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = document_policy(html)
    return response
