"""A running ``carenet survey serve`` for tests, and a small HTTP client that behaves like a browser
without JavaScript (cookies, CSRF tokens from the forms, no redirects followed unless asked).

The server runs in a child process (one survey project per process, as the CLI does) on a free
port of the loopback interface; :func:`start_server` waits until it prints its login link.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.commands import child_env

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

    def url(self, path: str) -> str:
        return urllib.parse.urljoin(self.base, path.lstrip("/"))

    def log(self) -> str:
        """What the server printed (after it stopped)."""
        return "".join(self.output)


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
    server = Server(base, login, process, output)
    try:
        yield server
    finally:
        process.terminate()
        try:
            rest, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            rest, _ = process.communicate()
        output.append(rest or "")


@dataclass
class Reply:
    status: int
    text: str
    headers: Mapping[str, str]
    url: str

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

    def __init__(self, server: Server, lang: str | None = None) -> None:
        self.server = server
        self.jar = http.cookiejar.CookieJar()
        self.lang = lang
        cookies = urllib.request.HTTPCookieProcessor(self.jar)
        self._plain = urllib.request.build_opener(cookies, _NoRedirect)
        self._follow = urllib.request.build_opener(cookies)

    def _send(self, request: urllib.request.Request, follow: bool) -> Reply:
        if self.lang:
            request.add_header("Accept-Language", self.lang)
        opener = self._follow if follow else self._plain
        try:
            with opener.open(request, timeout=60) as answer:
                return Reply(answer.status, answer.read().decode("utf-8", "replace"), dict(answer.headers),
                             answer.url)
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode("utf-8", "replace"), dict(error.headers), error.url)

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
