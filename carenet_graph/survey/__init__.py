"""The survey server: collect who works with whom from each organisation (optional extra).

``pip install "carenet-graph[survey]"`` adds Django. A *survey project* is a folder holding the
database (``answers.sqlite3``, SQLite in WAL mode with a busy timeout and immediate transactions,
or PostgreSQL given by ``--database-url`` and kept in ``database.url``), the project's secret
key (``secret.key``, private) and nothing else: the coordinator can copy or back it up as one
folder.

Modules: :mod:`~carenet_graph.survey.django_setup` (settings, one database per process),
:mod:`~carenet_graph.survey.models` (organisations, invitations, answers, the audit log),
:mod:`~carenet_graph.survey.project` (init, invite, status, export, close: what ``carenet
survey`` runs). Django is imported only inside these modules, never by ``import carenet_graph``.
"""

from __future__ import annotations

from carenet_graph.errors import OptionError

__all__ = ["require_django"]


def require_django() -> None:
    """Raise a plain :class:`~carenet_graph.errors.OptionError` when the survey extra is not installed."""
    try:
        import django  # noqa: F401
    except ImportError:
        raise OptionError("the survey commands need the survey extra, which is not installed",
                          hint='Install it with: pip install "carenet-graph[survey]"',
                          key="survey.needs_extra", values={}) from None
