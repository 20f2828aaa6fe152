"""Limits and settings that protect a served project beyond the respondents' links: failed
coordinator logins are limited per client address, and behind an HTTPS proxy (``serve
--behind-https``) cookies travel only over HTTPS and browsers are told to keep to HTTPS.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from tests.support.survey_server import Client, start_server

try:
    import django  # noqa: F401
except ImportError:  # the README's test command installs the extra; a missing one must not pass silently
    pytest.fail("the survey tests need the survey extra: pip install '.[test,survey]'", pytrace=False)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import subprocess
    import sys

    from tests.support.commands import child_env

    folder = tmp_path_factory.mktemp("security") / "p"
    example = Path(__file__).resolve().parents[2] / "data" / "lippe" / "netzwerk_lippe.xlsx"
    done = subprocess.run([sys.executable, "-m", "carenet_graph", "survey", "init", str(example), "-p", str(folder)],
                          capture_output=True, text=True, env=child_env({}), timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return folder


def test_failed_logins_are_limited_per_address(project: Path) -> None:
    with start_server(project) as server:
        client = Client(server, lang="en")
        form = client.get("/coordinator/login/")
        for _ in range(10):
            wrong = client.post("/coordinator/login/", {"username": "coordinator", "password": "not the password"},
                                token=form.token())
            assert wrong.status == 400 and "not right" in wrong.text
        assert client.post("/coordinator/login/", {"username": "coordinator", "password": "x"},
                           token=form.token()).status == 429
        # Guessed one-time login links count too, and the real link is refused while the limit holds.
        assert client.get("/coordinator/login/AAAAAAAAAAAAAAAAAAAAAA/").status == 429
        assert Client(server).get(server.login).status == 429


def test_behind_https_cookies_are_secure_and_browsers_keep_to_https(project: Path) -> None:
    with start_server(project, "--behind-https") as server:
        request = urllib.request.Request(server.url("/coordinator/login/"), headers={"X-Forwarded-Proto": "https"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            cookies = answer.headers.get_all("Set-Cookie") or []
            hsts = answer.headers.get("Strict-Transport-Security", "")
        assert cookies and all("Secure" in c and "HttpOnly" in c and "SameSite=Strict" in c for c in cookies)
        assert hsts.startswith("max-age=31536000")
    with start_server(project) as server:
        login = server.url("/coordinator/login/")
        with urllib.request.urlopen(login, timeout=60) as plain:
            cookies, headers = plain.headers.get_all("Set-Cookie") or [], dict(plain.headers)
    assert cookies and not any("Secure" in c for c in cookies)
    assert "Strict-Transport-Security" not in headers
