"""``carenet survey serve``: migrate the project's database and serve it with waitress.

waitress is a pure-Python production WSGI server that runs the same on Windows, macOS and Linux
(gunicorn and uWSGI do not run on Windows), so a coordinator's laptop needs nothing but
``pip install "carenet-graph[survey]"``. It listens on 127.0.0.1 unless told otherwise; for a
workshop on the local network ``--host 0.0.0.0`` lets phones reach it.

The coordinator logs in through a one-time link printed at start: its 128-bit token is stored
hashed, works once and expires after :data:`LOGIN_VALID`; a password (``carenet survey
password``) serves a shared server instead.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from carenet_graph.errors import OptionError

__all__ = ["LOGIN_VALID", "new_login_link", "serve"]

LOGIN_VALID = timedelta(hours=12)
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def new_login_link(base_url: str) -> str:
    """A one-time coordinator login link (the token stored hashed, valid for :data:`LOGIN_VALID`)."""
    from django.utils import timezone

    from carenet_graph.survey.models import AuditEvent, LoginToken
    from carenet_graph.survey.project import token_hash

    token = secrets.token_urlsafe(16)
    LoginToken.objects.create(token_hash=token_hash(token), expires=timezone.now() + LOGIN_VALID)
    AuditEvent.objects.create(actor="coordinator", action="login_link")
    return f"{base_url.rstrip('/')}/coordinator/login/{token}/"


def serve(folder: Path, *, host: str = "127.0.0.1", port: int = 8000, https: bool = False,
          announce: Callable[[str, str, str], None] = lambda url, login, name: None, threads: int = 8) -> None:
    """Serve the project in ``folder`` until interrupted; ``announce(url, login_link, name)`` is
    called once the server listens (``port`` 0 picks a free port)."""
    from carenet_graph.survey.project import open_project

    hosts = ("*",) if host in ("0.0.0.0", "::", "") else tuple(h for h in (host,) if h not in LOOPBACK)
    open_project(folder, hosts=hosts, https=https)
    import waitress
    from django.core.wsgi import get_wsgi_application

    from carenet_graph.survey.models import Project

    try:
        server = waitress.create_server(get_wsgi_application(), host=host, port=port, threads=threads,
                                        ident="carenet", clear_untrusted_proxy_headers=True,
                                        **({"trusted_proxy": "127.0.0.1",
                                            "trusted_proxy_headers": {"x-forwarded-proto"}} if https else {}))
    except OSError:
        # Taken by another program (often a server still running), or not allowed on this computer.
        raise OptionError(f"the server cannot use port {port} on {host}",
                          hint="Stop the other server, or choose another port, e.g. --port 8001.",
                          key="survey.port_unavailable", values={"host": host, "port": port}) from None
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    url = f"http://{'[' + shown + ']' if ':' in shown else shown}:{server.effective_port}/"
    project = Project.objects.first()
    announce(url, new_login_link(url), project.name if project else "")
    server.run()
