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

LANGUAGES = ("en", "de", "nl", "sv")


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    folder = resources.files(__package__)
    data: dict[str, str] = yaml.safe_load(folder.joinpath(f"{lang}.yaml").read_text(encoding="utf-8"))
    # Validation rule sentences and summary lines live in their own file per language.
    data.update(yaml.safe_load(folder.joinpath(f"rules_{lang}.yaml").read_text(encoding="utf-8")))
    return data


def translate(key: str, lang: str = "en", **values: Any) -> str:
    """The message ``key`` in ``lang`` with its placeholders filled from ``values``."""
    return catalog(lang)[key].format(**values)
