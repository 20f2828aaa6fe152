"""Printable invitation letters (being built)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def letters_page(request: HttpRequest) -> HttpResponse:
    raise Http404
