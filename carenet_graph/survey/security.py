"""What every survey page is sent with, and the limits on guessing links and passwords.

* :class:`SecurityHeaders` – a strict Content-Security-Policy on every response (scripts,
  styles and images only from the server itself, no inline script, no outside host, framing
  only by the server's own pages), the referrer only to the server itself (a link's token is
  in its path and must never leak to another site; "no-referrer" would make browsers send
  ``Origin: null`` with forms, which Django's CSRF check rightly refuses), and no caching of
  answer pages on a shared computer.
* :func:`limited` / :func:`record_failure` – failed attempts counted per client address in a
  sliding window (a link that does not exist, a wrong password): above the limit the server
  answers 429 until the window has passed, so a 128-bit token cannot be guessed and a password
  cannot be tried out. Counts live in the process's cache: one server process serves a project.

Generated documents (the live map and report) carry their own policy, which allows exactly
their inline scripts by hash (:func:`carenet_graph.viz.page.content_security_policy`); the
server sends that policy as the header for them (:func:`document_policy`).
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable
from html import unescape

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

__all__ = ["LIMITS", "POLICY", "QuietErrors", "SecurityHeaders", "document_policy", "limited", "record_failure"]

#: The policy of the server's own pages.
POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
          "form-action 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'")

#: Failed attempts allowed per client address: (count, window in seconds).
LIMITS: dict[str, tuple[int, int]] = {"link": (20, 600), "login": (10, 900)}

_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"')


class SecurityHeaders:
    """Django middleware adding the policy and privacy headers to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = POLICY
        response["Referrer-Policy"] = "same-origin"
        response["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        if not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response


def document_policy(html: str) -> str:
    """The policy a generated page declares in its ``<meta>`` (the package's pages always do),
    tightened to be framed only by the server's own pages."""
    found = _META.search(html)
    # The attribute is HTML-escaped in the page ("&#39;self&#39;"); the header takes the plain text.
    policy = unescape(found.group(1)) if found else "default-src 'none'"
    return f"{policy}; frame-ancestors 'self'"


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "?"))


def limited(request: HttpRequest, kind: str) -> bool:
    """True when the client has used up its failed attempts of ``kind`` ("link", "login")."""
    count, window = LIMITS[kind]
    now = time.time()
    attempts = [t for t in cache.get(f"failed:{kind}:{_client(request)}", []) if t > now - window]
    return len(attempts) >= count


def record_failure(request: HttpRequest, kind: str) -> None:
    """Count one failed attempt of ``kind`` for the client."""
    _, window = LIMITS[kind]
    key = f"failed:{kind}:{_client(request)}"
    now = time.time()
    attempts = [t for t in cache.get(key, []) if t > now - window]
    cache.set(key, [*attempts, now], window)


class QuietErrors(logging.Filter):
    """Server errors on the console as "Server error 500" with the view's name: no address (a
    respondent's token is part of it), no traceback (cell values could be in it) unless the
    ``CARENET_DEBUG`` environment variable is set."""

    def filter(self, record: logging.LogRecord) -> bool:
        if os.environ.get("CARENET_DEBUG"):
            return True
        status = getattr(record, "status_code", "")
        request = getattr(record, "request", None)
        match = getattr(request, "resolver_match", None)
        view = getattr(match, "view_name", "") if match is not None else ""
        record.msg, record.args = "Server error %s in %s (set CARENET_DEBUG=1 for details)", (status, view or "?")
        record.exc_info = record.exc_text = None
        return True
