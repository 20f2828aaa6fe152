"""Django settings for one survey project, configured in code (no settings module to edit).

One process serves one project: :func:`use_project` configures Django on its first call and
refuses a second project (the CLI runs one command per process; tests run the CLI in child
processes). SQLite is the default — one file in the project folder, in WAL mode with a 30 s
busy timeout and ``BEGIN IMMEDIATE`` transactions, so that concurrent submissions wait for
each other instead of failing with "database is locked"; PostgreSQL is used when the project
was created with a database URL (``postgresql://user:password@host:port/name``).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from carenet_graph.errors import OptionError

__all__ = ["DATABASE_FILE", "SECRET_FILE", "URL_FILE", "database_settings", "use_project"]

DATABASE_FILE = "answers.sqlite3"
SECRET_FILE = "secret.key"
URL_FILE = "database.url"
_configured: list[Path] = []


def database_settings(folder: Path, url: str | None) -> dict[str, Any]:
    """Django's ``DATABASES["default"]`` for the project in ``folder`` (SQLite unless ``url``)."""
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(folder / DATABASE_FILE),
                "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE",
                            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
                "ATOMIC_REQUESTS": True}
    parts = urlparse(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise OptionError("the database URL is not a PostgreSQL URL",
                          hint="Write it as postgresql://user:password@host:5432/name, or leave it out for SQLite.",
                          key="survey.database_url", values={})
    return {"ENGINE": "django.db.backends.postgresql", "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""), "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "", "PORT": str(parts.port or ""), "ATOMIC_REQUESTS": True,
            # A connection kept per server thread: opening one per request doubled the submit time.
            "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}


def _secret(folder: Path) -> str:
    path = folder / SECRET_FILE
    if not path.exists():
        # Created private: the key signs sessions and CSRF tokens.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip()


def use_project(folder: Path, url: str | None = None, *, hosts: Sequence[str] = (), https: bool = False) -> None:
    """Configure Django for the project in ``folder`` (its database URL from ``database.url`` when
    ``url`` is None) and set it up; a second, different project in one process is a programming error.

    ``hosts`` are the names the server answers to besides the loopback names (``"*"`` when it
    listens on every interface, as for a workshop on the local network); ``https`` is for a
    server behind an HTTPS proxy: cookies are then sent only over HTTPS and browsers are told to
    keep to HTTPS.
    """
    import django
    from django.conf import settings

    folder = folder.resolve()
    if _configured:
        if _configured[0] != folder:
            raise RuntimeError("one survey project per process")
        return
    if url is None and (folder / URL_FILE).exists():
        url = (folder / URL_FILE).read_text(encoding="utf-8").strip() or None
    secure: dict[str, Any] = {}
    if https:
        secure = {"SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True, "SECURE_HSTS_SECONDS": 31_536_000,
                  "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
                  "CSRF_TRUSTED_ORIGINS": [f"https://{h}" for h in hosts if h != "*"]}
    settings.configure(
        SECRET_KEY=_secret(folder), DEBUG=False,
        ALLOWED_HOSTS=["127.0.0.1", "localhost", "[::1]", *hosts],
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions",
                        "carenet_graph.survey.apps.SurveyConfig"],
        MIDDLEWARE=["carenet_graph.survey.security.SecurityHeaders",
                    "django.middleware.security.SecurityMiddleware",
                    "django.middleware.common.CommonMiddleware",
                    "django.contrib.sessions.middleware.SessionMiddleware",
                    "django.middleware.csrf.CsrfViewMiddleware",
                    "django.contrib.auth.middleware.AuthenticationMiddleware",
                    "django.middleware.clickjacking.XFrameOptionsMiddleware"],
        ROOT_URLCONF="carenet_graph.survey.urls",
        DATABASES={"default": database_settings(folder, url)}, USE_TZ=True, TIME_ZONE="UTC",
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        # Rate limits count per process: one server process serves a project.
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Strict", CSRF_COOKIE_SAMESITE="Strict",
        CSRF_COOKIE_HTTPONLY=True, SESSION_COOKIE_AGE=12 * 3600, SESSION_EXPIRE_AT_BROWSER_CLOSE=True,
        CSRF_FAILURE_VIEW="carenet_graph.survey.pages.csrf_failure",
        X_FRAME_OPTIONS="SAMEORIGIN", SECURE_CONTENT_TYPE_NOSNIFF=True, SECURE_REFERRER_POLICY="same-origin",
        SECURE_CROSS_ORIGIN_OPENER_POLICY="same-origin",
        DATA_UPLOAD_MAX_NUMBER_FIELDS=20_000, DATA_UPLOAD_MAX_MEMORY_SIZE=5_000_000,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"],
        AUTH_PASSWORD_VALIDATORS=[
            {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
            {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
            {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
            {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"}],
        # Server errors reach the console as one line without the address (a link's token is in
        # it) and without the traceback, unless CARENET_DEBUG is set.
        LOGGING={"version": 1, "disable_existing_loggers": False,
                 "filters": {"quiet": {"()": "carenet_graph.survey.security.QuietErrors"}},
                 "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["quiet"]}},
                 "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
                             "django.security": {"handlers": ["console"], "level": "ERROR", "propagate": False}}},
        CARENET_PROJECT_FOLDER=folder, CARENET_HTTPS=https,
        **secure,
    )
    django.setup()
    _configured.append(folder)


def migrate() -> None:
    """Bring the database to the package's schema (the same migrations for SQLite and PostgreSQL)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
