"""Message catalogues in English, German, Dutch and Swedish.

Each language has YAML files of ``key: text`` with ``{placeholders}``: ``LANG.yaml`` and one
file per area, ``AREA_LANG.yaml`` (:data:`AREAS`), so that work on one area does not touch
another's file. :func:`translate` fills them; plural blocks and numbers follow the language
through Babel (:mod:`carenet_graph.i18n.formatting`). Every key exists in every language (a
test checks it), so output never falls back to another language silently.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from carenet_graph.errors import CarenetError, OptionError
from carenet_graph.i18n.formatting import render

#: The catalogue areas besides ``LANG.yaml``: ``AREA_LANG.yaml`` in every language.
AREAS: tuple[str, ...] = ("rules", "report", "map", "tables", "gaps", "survey", "form", "dashboard", "letters")

#: The languages of every page, message and template: the one list (the CLI offers these).
LANGUAGES: tuple[str, ...] = ("en", "de", "nl", "sv")


def check_language(lang: str) -> str:
    """``lang`` if it is one of :data:`LANGUAGES`; else :class:`~carenet_graph.errors.OptionError`."""
    if lang not in LANGUAGES:
        raise OptionError(f"there are no texts in the language {lang!r}",
                          hint=f"Choose one of: {', '.join(LANGUAGES)}.",
                          key="option.unknown_language", values={"lang": lang, "choices": ", ".join(LANGUAGES)})
    return lang


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language."""
    check_language(lang)
    folder = resources.files(__package__)
    data: dict[str, str] = yaml.safe_load(folder.joinpath(f"{lang}.yaml").read_text(encoding="utf-8"))
    for area in AREAS:
        part = folder.joinpath(f"{area}_{lang}.yaml")
        if not part.is_file():
            continue
        more: dict[str, str] = yaml.safe_load(part.read_text(encoding="utf-8")) or {}
        twice = sorted(set(more) & set(data))
        if twice:  # a key in two files would silently shadow one text: a packaging error
            raise RuntimeError(f"catalogue keys defined twice in {lang}: {', '.join(twice)}")
        data.update(more)
    return data


def progress_text(step: str, lang: str = "en") -> str:
    """The words for a progress step id ("betweenness", "map", …) in ``lang``; an unknown id as it is.

    A step may carry the share of it done after a colon ("paths:0.4"): the words are followed by
    the percentage in the language's format ("… 40 %" in German).
    """
    name, _, share = step.partition(":")
    text = catalog(lang).get(f"progress_{name}", name)
    if not share:
        return text
    from babel.numbers import format_percent

    return f"{text} … {format_percent(float(share), locale=lang)}"


def translate(key: str, lang: str = "en", **values: Any) -> str:
    """The message ``key`` in ``lang`` with its plural blocks chosen and placeholders filled from ``values``."""
    return render(catalog(lang)[key], lang, values)


@cache
def error_catalog(lang: str) -> dict[str, dict[str, str]]:
    """The messages and hints of fatal errors in ``lang`` by error key (``errors_LANG.yaml``;
    English is the text at the raise site, so there is no English file)."""
    check_language(lang)
    if lang == "en":
        return {}
    text = resources.files(__package__).joinpath(f"errors_{lang}.yaml").read_text(encoding="utf-8")
    data: dict[str, dict[str, str]] = yaml.safe_load(text)
    return data


def describe_error(error: CarenetError, lang: str = "en") -> str:
    """What :meth:`CarenetError.describe` says (where, what, how to fix it), in ``lang``.

    The message and hint come from the error catalogue by the error's key, with their plural
    blocks chosen for the error's values (:func:`~carenet_graph.i18n.formatting.render`); an error without a
    key carries text already in the user's language (the CLI's own stops) and keeps it. Either
    way the location words and the "how to fix" label are in ``lang``. A test checks that every
    other error raised in the package has its key and its translations.
    """
    if lang == "en":
        return error.describe()
    entry = error_catalog(lang).get(error.key or "")
    words = catalog(lang)
    return error.describe(
        message=render(entry["message"], lang, error.values) if entry else None,
        hint=render(entry["hint"], lang, error.values) if entry and entry.get("hint") else None,
        words={part: words[f"summary.{part}"] for part in ("row", "sheet", "column", "fix")})
