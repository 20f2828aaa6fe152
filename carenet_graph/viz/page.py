"""What every carenet page shares: its Content-Security-Policy, its inlined assets, safe JSON.

The map (:mod:`carenet_graph.viz.map`), the report (:mod:`carenet_graph.report.build`) and the
comparison page (:mod:`carenet_graph.report.comparison`) are single HTML files that load nothing
from outside. This module is the one home of the three things that make them so:

* :func:`content_security_policy` – a policy that lets only the page's own inline scripts run
  (by SHA-256 hash) and loads nothing from anywhere;
* :func:`package_asset`, :func:`vis_network_assets` – the texts inlined into a page: the
  package's templates, scripts and stylesheets, and vis-network from the copy pyvis ships (so no
  CDN is ever needed);
* :func:`safe_json` – data for a ``<script type="application/json">`` block that cannot end the
  block or open an HTML comment;
* :func:`render_page` – a Jinja2 template rendered with autoescape and strict undefined names.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
from markupsafe import Markup

from carenet_graph.errors import MissingDependencyError

__all__ = ["VisAssets", "content_security_policy", "package_asset", "render_page", "safe_json", "trusted",
           "vis_network_assets"]

#: The vis-network release bundled with pyvis 0.3.2 that the map inlines.
VIS_NETWORK = "vis-9.1.2"


class VisAssets(NamedTuple):
    """vis-network's script and stylesheet, as text to inline."""

    js: str
    css: str


def content_security_policy(scripts: Sequence[str], frames: bool = False) -> str:
    """A Content-Security-Policy that lets only these exact inline scripts run.

    Each script is allowed by its hash, ``'sha256-' + base64(SHA-256(UTF-8 bytes))`` (W3C,
    *Content Security Policy Level 3*, §8.3 "hash-source"); there is no ``'unsafe-inline'`` and
    no host, so injected markup cannot run code and nothing is loaded from outside.

    Parameters
    ----------
    scripts:
        The texts of the page's inline ``<script>`` blocks, exactly as they appear between the
        tags (JSON data blocks are not scripts and need no hash).
    frames:
        Also allow an embedded ``srcdoc`` page (the report embeds the map so); an embedded
        ``srcdoc`` page runs under this policy, so its scripts must be among ``scripts``.

    Returns
    -------
    str
        The policy, for a ``<meta http-equiv="Content-Security-Policy">`` placed before any script.

    Examples
    --------
    >>> content_security_policy(["1"]).split(";")[1]
    " script-src 'sha256-a4ayc/80/OGda4BO/1o/V0etpOqiLx1JwB5S3beHW0s='"
    """
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode('utf-8')).digest()).decode()}'"
                      for s in scripts)
    frame = "frame-src 'self' about: data:; child-src 'self' about: data:; " if frames else ""
    return (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
            f"font-src 'none'; connect-src 'none'; {frame}base-uri 'none'; form-action 'none'")


def safe_json(value: Any) -> str:
    """JSON that cannot end its ``<script>`` block or open an HTML comment.

    Keys are sorted and the separators compact (the same value gives the same bytes); ``<``,
    ``>`` and ``&`` are written as ``\\u003c``, ``\\u003e``, ``\\u0026`` (so neither
    ``</script>`` nor ``<!--`` can appear), and U+2028/U+2029 escaped (they end a line in older
    JavaScript). NaN and infinities are refused: they are not JSON.

    Parameters
    ----------
    value:
        Any JSON-serialisable value.

    Returns
    -------
    str
        The JSON text; ``json.loads`` gives back ``value``.

    Raises
    ------
    ValueError
        When ``value`` holds NaN or an infinity.

    Examples
    --------
    >>> safe_json({"b": "</script>", "a": 1})
    '{"a":1,"b":"\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def package_asset(package: str, name: str) -> str:
    """The text (UTF-8) of ``templates/<name>`` in the package ``package``.

    Parameters
    ----------
    package:
        A package holding a ``templates`` folder, such as ``"carenet_graph.viz"``.
    name:
        The file name, such as ``"map.js"``.
    """
    return resources.files(package).joinpath("templates", name).read_text(encoding="utf-8")


@cache
def vis_network_assets() -> VisAssets:
    """vis-network's minified script and stylesheet from the copy pyvis ships (read once).

    Raises
    ------
    MissingDependencyError
        When pyvis is not installed.
    """
    try:
        import pyvis
    except ImportError:  # pragma: no cover - pyvis is a declared dependency
        raise MissingDependencyError("pyvis is not installed", hint="pip install pyvis",
                                     key="viz.pyvis_missing", values={}) from None
    folder = Path(pyvis.__file__).parent / "lib" / VIS_NETWORK
    return VisAssets((folder / "vis-network.min.js").read_text(encoding="utf-8"),
                     (folder / "vis-network.css").read_text(encoding="utf-8"))


def trusted(text: str) -> Markup:
    """Mark markup the package made as not to be escaped: its scripts and styles, :func:`safe_json`
    output, pages and SVG it rendered (whose user strings were escaped there).

    Never for user strings: those reach a page only through autoescaped template fields or
    :func:`safe_json`.
    """
    return Markup(text)


def render_page(template: str, *, keep_trailing_newline: bool = True, **context: Any) -> str:
    """Render a page template with every ``{{ field }}`` HTML-escaped and unknown names refused.

    Parameters
    ----------
    template:
        The template text (:func:`package_asset`).
    keep_trailing_newline:
        Keep the template's final newline. The report has always been written without it; the
        switch keeps every page's bytes as they were.
    **context:
        The template's fields; wrap package-made HTML in :func:`trusted`.
    """
    env = jinja2.Environment(autoescape=True, keep_trailing_newline=keep_trailing_newline,
                             undefined=jinja2.StrictUndefined)
    return env.from_string(template).render(**context)
