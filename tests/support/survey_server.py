"""A running ``carenet survey serve`` for tests, and a small HTTP client that behaves like a browser
without JavaScript (cookies, CSRF tokens from the forms, no redirects followed unless asked).

The server runs in a child process (one survey project per process, as the CLI does) on a free
port of the loopback interface; :func:`start_server` waits until it prints its login link, then a
thread keeps reading what it prints (a full pipe would stop the server mid-test).

A project for the tests comes from :func:`create_project` (``carenet survey init`` and ``invite``
in child processes), on SQLite or on a fresh PostgreSQL database from :func:`postgres_database`;
:meth:`SurveyProject.query` reads its database directly, whichever it is. :func:`respond` is one
respondent's whole way through the form over HTTP, timed step by step.
"""

from __future__ import annotations

import csv
import http.cookiejar
import json
import re
import secrets
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.commands import child_env

#: The variable holding a PostgreSQL URL of a role that may create databases (.ci/run sets it).
POSTGRES_VARIABLE = "CARENET_TEST_POSTGRES_URL"
URL = re.compile(r"(http://127\.0\.0\.1:\d+/)\s*$")
LOGIN = re.compile(r"(http://127\.0\.0\.1:\d+/coordinator/login/[A-Za-z0-9_-]+/)")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Server:
    """A served project: its address, the one-time coordinator login link and the process."""

    base: str
    login: str
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    def url(self, path: str) -> str:
        return urllib.parse.urljoin(self.base, path.lstrip("/"))

    def log(self) -> str:
        """What the server printed (complete after it stopped, so far while it runs)."""
        return "".join(self.output)

    def kill(self) -> None:
        """Stop the server at once, as a crash or a pulled plug would (SIGKILL: no clean-up)."""
        self.process.kill()
        self.process.wait(timeout=20)


@contextmanager
def start_server(project: Path, *args: str, env: Mapping[str, str] | None = None,
                 timeout: float = 60) -> Iterator[Server]:
    """Serve ``project`` on a free loopback port until the block ends."""
    process = subprocess.Popen(
        [sys.executable, "-m", "carenet_graph", "survey", "serve", "-p", str(project), "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=child_env(env or {}))
    assert process.stdout is not None
    output: list[str] = []
    base = login = ""
    deadline = time.monotonic() + timeout
    while not login:
        line = process.stdout.readline()
        if not line:
            raise AssertionError(f"the survey server stopped before it was ready:\n{''.join(output)}")
        output.append(line)
        if found := URL.search(line):
            base = found.group(1)
        if found := LOGIN.search(line):
            login = found.group(1)
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"the survey server did not start in {timeout} s:\n{''.join(output)}")
    stream = process.stdout

    def drain() -> None:
        for line in stream:
            output.append(line)

    reader = threading.Thread(target=drain, name="survey-server-output", daemon=True)
    reader.start()
    server = Server(base, login, process, output, reader)
    try:
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=20)
        stream.close()


@dataclass
class Reply:
    status: int
    text: str
    headers: Mapping[str, str]
    url: str
    #: Every header as sent, repeated ones (Set-Cookie) included.
    header_list: Sequence[tuple[str, str]] = ()

    def all(self, name: str) -> list[str]:
        """Every value of the header ``name`` (case ignored)."""
        return [value for key, value in self.header_list if key.lower() == name.lower()]

    def json(self) -> Any:
        return json.loads(self.text)

    def token(self) -> str:
        """The CSRF token of the page's first form."""
        found = CSRF.search(self.text)
        assert found, f"no form with a CSRF token on {self.url}"
        return found.group(1)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Client:
    """Cookies kept between requests; redirects returned, not followed (``follow=True`` follows)."""

    def __init__(self, server: Server, lang: str | None = None, timeout: float = 60) -> None:
        self.server = server
        self.jar = http.cookiejar.CookieJar()
        self.lang = lang
        self.timeout = timeout
        cookies = urllib.request.HTTPCookieProcessor(self.jar)
        self._plain = urllib.request.build_opener(cookies, _NoRedirect)
        self._follow = urllib.request.build_opener(cookies)

    def _send(self, request: urllib.request.Request, follow: bool) -> Reply:
        if self.lang:
            request.add_header("Accept-Language", self.lang)
        opener = self._follow if follow else self._plain
        try:
            with opener.open(request, timeout=self.timeout) as answer:
                return Reply(answer.status, answer.read().decode("utf-8", "replace"), dict(answer.headers),
                             answer.url, list(answer.headers.items()))
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode("utf-8", "replace"), dict(error.headers), error.url,
                         list(error.headers.items()))

    def get(self, path: str, *, follow: bool = False) -> Reply:
        return self._send(urllib.request.Request(self.server.url(path)), follow)

    def post(self, path: str, data: Mapping[str, str | Sequence[str]], *, token: str | None = None,
             follow: bool = False) -> Reply:
        """POST a form; ``token`` is the page's CSRF token (else the one of the CSRF cookie)."""
        if token is None:
            token = next((c.value for c in self.jar if c.name == "csrftoken"), "") or ""
        fields = [("csrfmiddlewaretoken", token)]
        for name, value in data.items():
            values = [value] if isinstance(value, str) else list(value)
            fields.extend((name, v) for v in values)
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.server.url(path), data=body, method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        return self._send(request, follow)

    def login(self) -> Reply:
        """Log in as the coordinator with the server's one-time link."""
        reply = self.get(self.server.login)
        assert reply.status == 302, (reply.status, reply.text[:500])
        return reply


def path_of(link: str) -> str:
    """The path of a full link (``http://127.0.0.1:8000/a/TOKEN/`` → ``/a/TOKEN/``)."""
    return urllib.parse.urlsplit(link).path


# -- projects for the tests: SQLite or a fresh PostgreSQL database ---------------------------

def postgres_admin_url() -> str:
    """The PostgreSQL URL the tests may create databases with (:data:`POSTGRES_VARIABLE`).

    Without it (or without psycopg) the PostgreSQL tests skip on a developer's machine but fail
    in CI, like the browser tests: .ci/run starts Debian's postgresql and sets the variable."""
    import os

    import pytest

    from tests.browser.conftest import in_ci

    url = os.environ.get(POSTGRES_VARIABLE, "").strip()
    reason = "" if url else f"{POSTGRES_VARIABLE} is not set"
    if url:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            reason = "the Python package psycopg (Django's PostgreSQL driver) is not installed"
    if reason:
        if in_ci():
            pytest.fail(f"the PostgreSQL tests cannot run in CI: {reason}. .ci/run installs Debian's postgresql, "
                        f"starts it and sets {POSTGRES_VARIABLE}=postgresql://USER:PASSWORD@127.0.0.1:5432/postgres "
                        f"(a role allowed to create databases).", pytrace=False)
        pytest.skip(f"{reason} (the PostgreSQL tests fail instead of skipping when CI is set)")
    return url


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database (a random name) created with the role of ``admin_url``,
    which must be allowed to create databases; yields its URL and drops it afterwards."""
    import psycopg
    from psycopg import sql

    name = f"carenet_test_{secrets.token_hex(6)}"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=20) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = urllib.parse.urlunsplit(urllib.parse.urlsplit(admin_url)._replace(path=f"/{name}"))
    try:
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=20) as admin:
            # FORCE ends connections a killed server left behind (PostgreSQL 13 and later).
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@dataclass(frozen=True)
class SurveyProject:
    """A survey project made for a test: its folder, its database and every organisation's link."""

    folder: Path
    database_url: str | None
    #: Actor id → the path of its personal link (``/a/TOKEN/``), in the roster's order.
    links: dict[str, str]
    #: Actor id → name.
    names: dict[str, str]

    @property
    def backend(self) -> str:
        return "postgresql" if self.database_url else "sqlite"

    def query(self, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        """Run ``statement`` (``%s`` placeholders) on the project's database; its rows.

        Read-only use in the tests goes straight to the database, past the server, so that what
        the server says and what it stored are checked separately."""
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True, connect_timeout=20) as server:
                cursor = server.execute(statement, params)
                return list(cursor.fetchall()) if cursor.description else []
        with closing(sqlite3.connect(self.folder / "answers.sqlite3", timeout=30)) as database, database:
            return list(database.execute(statement.replace("%s", "?"), params).fetchall())


def create_project(folder: Path, actors: Path, *, database_url: str | None = None, lang: str = "en",
                   name: str | None = None, timeout: float = 300) -> SurveyProject:
    """``carenet survey init ACTORS -p FOLDER [--database-url URL] [--name NAME]`` and ``carenet
    survey invite`` (the links written next to the folder, never into it), each in a child process."""
    links_file = folder.with_name(f"{folder.name}-links.csv")
    init = ["survey", "init", str(actors), "-p", str(folder), "--lang", lang,
            *(["--database-url", database_url] if database_url else []), *(["--name", name] if name else [])]
    for args in (init, ["survey", "invite", "-p", str(folder), "-o", str(links_file)]):
        done = subprocess.run([sys.executable, "-m", "carenet_graph", *args], capture_output=True, text=True,
                              encoding="utf-8", env=child_env({"PYTHONIOENCODING": "utf-8"}), timeout=timeout,
                              check=False)
        if done.returncode != 0:
            raise AssertionError(f"carenet {args[0]} {args[1]} failed:\n{done.stdout}{done.stderr}")
    with links_file.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return SurveyProject(folder, database_url, {r["id"]: path_of(r["link"]) for r in rows},
                         {r["id"]: r["name"] for r in rows})


# -- one respondent's way through the form ---------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One request of a respondent's way: which, the answer's status, where it sent on, how long."""

    name: str
    status: int
    seconds: float
    location: str = ""


class FlowError(AssertionError):
    """A step of :func:`respond` did not answer as a working form does."""


LEVEL_FIELD = re.compile(r'name="level_(\d+)"')
TICKED = re.compile(r'<input type="checkbox" name="partner" value="([^"]+)"[^>]*\schecked')


def respond(client: Client, link: str, partners: Sequence[str], *, level: int = 3,
            respondent: str = "Test respondent", types: Sequence[str] = ("information_exchange",),
            frequency: str = "monthly", add: str | None = None, submit: bool = True) -> list[Step]:
    """One respondent's whole way through the form, as a browser without JavaScript goes it:
    GET start → POST start → GET partners → POST partners (``partners``, and ``add``, a missing
    organisation's name, added first) → GET details → POST details (every partner at ``level``,
    submitted; with ``submit=False`` the way ends at the details page, a draft). Returns the
    steps; raises :class:`FlowError` at the first unexpected answer."""
    steps: list[Step] = []

    def timed(name: str, expected: int, call: Any, *args: Any, **kwargs: Any) -> Reply:
        began = time.perf_counter()
        reply: Reply = call(*args, **kwargs)
        location = reply.headers.get("Location", "")
        steps.append(Step(name, reply.status, time.perf_counter() - began, location))
        if reply.status != expected:
            raise FlowError(f"{name}: HTTP {reply.status} instead of {expected}; steps so far: "
                            f"{[(s.name, s.status) for s in steps]}\n{reply.text[:300]}")
        return reply

    start = timed("get start", 200, client.get, link)
    moved = timed("post start", 302, client.post, link, {"respondent": respondent, "consent": "yes"},
                  token=start.token())
    if not moved.headers.get("Location", "").endswith("/partners/"):
        raise FlowError(f"post start went to {moved.headers.get('Location')!r}")
    form = timed("get partners", 200, client.get, link + "partners/")
    token = form.token()
    ticked = list(partners)
    if add is not None:
        added = timed("post add", 200, client.post, link + "partners/",
                      {"partner": ticked, "new_name": add, "new_type": "", "new_municipality": "",
                       "action": "add"}, token=token)
        # The page comes back with the added organisation ticked among the partners, as a browser sends it on.
        ticked = TICKED.findall(added.text)
    moved = timed("post partners", 302, client.post, link + "partners/",
                  {"partner": ticked, "action": "next"}, token=token)
    if not moved.headers.get("Location", "").endswith("/details/"):
        raise FlowError(f"post partners went to {moved.headers.get('Location')!r}")
    page = timed("get details", 200, client.get, link + "details/")
    if not submit:
        return steps
    fields = details_form(page, level=level, types=types, frequency=frequency)
    moved = timed("post submit", 302, client.post, link + "details/", fields, token=page.token())
    if not moved.headers.get("Location", "").endswith("/done/"):
        raise FlowError(f"post submit went to {moved.headers.get('Location')!r}")
    return steps


def details_form(page: Reply, *, level: int | None, types: Sequence[str] = ("information_exchange",),
                 frequency: str = "monthly", action: str = "submit") -> dict[str, str | Sequence[str]]:
    """The details form of ``page`` filled in alike for every partner (``level`` None: left out)."""
    fields: dict[str, str | Sequence[str]] = {"action": action}
    for key in dict.fromkeys(LEVEL_FIELD.findall(page.text)):
        fields.update({f"types_{key}": list(types), f"frequency_{key}": frequency})
        if level is not None:
            fields[f"level_{key}"] = str(level)
    return fields


def run_together(jobs: Sequence[Callable[[], Any]], timeout: float) -> list[Any]:
    """Run every job in its own thread, all released at the same moment; what each returned or
    the exception it raised, in order. Fails when a job is still running after ``timeout`` s."""
    results: list[Any] = [None] * len(jobs)
    gate = threading.Barrier(len(jobs))

    def work(index: int) -> None:
        try:
            gate.wait(timeout)
            results[index] = jobs[index]()
        except BaseException as error:  # handed back to the test, which says what failed
            results[index] = error

    threads = [threading.Thread(target=work, args=(i,), daemon=True, name=f"respondent-{i}")
               for i in range(len(jobs))]
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    running = sum(thread.is_alive() for thread in threads)
    if running:
        raise AssertionError(f"{running} of {len(jobs)} jobs were still running after {timeout} s")
    return results


# -- the served survey in a browser (tests/browser/conftest.py: open_served) --------------------

#: Reports every Content-Security-Policy violation of every frame to the test (an init script
#: runs before the page's own scripts and is not subject to the page's policy).
VIOLATION_LISTENER = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.__carenetViolation(event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
                            " in " + (event.sourceFile || document.location.pathname) + ":" + event.lineNumber);
});
"""


@dataclass
class ServedPage:
    """A browser tab on the served survey with everything it reported: console messages, uncaught
    errors, policy violations, requests to the server and attempts to reach anywhere else."""

    page: Any
    context: Any
    base: str
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def goto(self, path: str) -> Any:
        """Open ``path`` (or a full address) and wait until it has loaded."""
        return self.page.goto(urllib.parse.urljoin(self.base, path), wait_until="load")

    def problems(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions and policy violations, as text."""
        return ([f"console.{kind}: {text}" for kind, text in self.console if kind in ("error", "warning")] +
                [f"pageerror: {text}" for text in self.errors] + [f"csp: {text}" for text in self.violations])

    def scrolls_sideways(self) -> bool:
        """True when the page is wider than the window (a phone would scroll sideways)."""
        return bool(self.page.evaluate("document.documentElement.scrollWidth > window.innerWidth"))


# The type of the open_served fixture: open_served(base, viewport=(width, height)) -> ServedPage.
OpenServed = Callable[..., ServedPage]
