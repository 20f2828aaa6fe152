"""Message catalogues in English, German, Dutch and Swedish.

Each language has a YAML file of ``key: text`` with ``{placeholders}``; :func:`translate`
fills them. Every key exists in every language (a test checks it), so output never falls
back to another language silently.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from carenet_graph.errors import OptionError

#: The languages of every page, message and template: the one list (the CLI offers these).
LANGUAGES: tuple[str, ...] = ("en", "de", "nl", "sv")


def check_language(lang: str) -> str:
    """``lang`` if it is one of :data:`LANGUAGES`; else :class:`~carenet_graph.errors.OptionError`."""
    if lang not in LANGUAGES:
        raise OptionError(f"there are no texts in the language {lang!r}",
                          hint=f"Choose one of: {', '.join(LANGUAGES)}.")
    return lang


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language."""
    check_language(lang)
    folder = resources.files(__package__)
    data: dict[str, str] = yaml.safe_load(folder.joinpath(f"{lang}.yaml").read_text(encoding="utf-8"))
    # Validation rule sentences and summary lines live in their own file per language.
    data.update(yaml.safe_load(folder.joinpath(f"rules_{lang}.yaml").read_text(encoding="utf-8")))
    return data


def translate(key: str, lang: str = "en", **values: Any) -> str:
    """The message ``key`` in ``lang`` with its placeholders filled from ``values``."""
    return catalog(lang)[key].format(**values)
