"""Headless Chromium for the map's browser tests: Debian's ``chromium`` driven by Playwright.

No browser is downloaded (never ``playwright install``): the system Chromium is launched by
path. Without Chromium or Playwright the tests skip on a developer machine, but fail in CI
(``CI`` set, as every CI service does) so that a broken set-up cannot pass silently.

Every request a page makes is routed: ``file://`` is allowed, anything else is aborted and
recorded, so a test can assert that the map never tried to reach the network. Pages of the
survey server (``open_served``) may reach only that server's origin, ``http://127.0.0.1:PORT``.
"""

from __future__ import annotations

import os
import shutil
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from tests.support.browser import MapPage, OpenPage
from tests.support.survey_server import VIOLATION_LISTENER, OpenServed, ServedPage

CHROMIUM = os.environ.get("CARENET_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]
READY = "body[data-ready='1']"


def in_ci() -> bool:
    """True when the ``CI`` variable is set (to anything but an explicit "no")."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason: str) -> NoReturn:
    # A skipped browser test in CI would hide a broken set-up: there it is a failure.
    if in_ci():
        pytest.fail(f"browser tests cannot run in CI: {reason}. .ci/run installs Debian's chromium "
                    f"(apt-get install chromium) and the test extra installs playwright; "
                    f"set CARENET_CHROMIUM to use another Chromium binary.", pytrace=False)
    pytest.skip(f"{reason} (the browser tests fail instead of skipping when CI is set)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package playwright is not installed")
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        unavailable(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        except Exception as exc:  # a Chromium that cannot start is a set-up problem, reported as such
            unavailable(f"Chromium at {CHROMIUM} does not start ({type(exc).__name__}: {exc})")
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[OpenPage]:
    """Factory: ``open_page(path)`` loads a file in a fresh context and waits for the map to be ready.

    A string is loaded as HTML content instead of a file. ``ready=False`` only loads (for pages
    that are not maps). After the test, no page may have attempted a request outside ``file://``
    (unless opened with ``allow_outside=True``, for the test of this harness itself).
    """
    opened: list[tuple[Any, MapPage]] = []

    def route(recorded: MapPage) -> Callable[[Any], None]:
        def handle(route: Any) -> None:
            url = route.request.url
            if url.startswith("file:"):
                route.continue_()
            else:
                recorded.outside.append(url)
                route.abort()
        return handle

    def open_(target: Path | str, *, ready: bool = True, viewport: tuple[int, int] = (1400, 900),
              allow_outside: bool = False) -> MapPage:
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                      service_workers="block", java_script_enabled=True)
        context.set_default_timeout(20_000)
        page = context.new_page()
        recorded = MapPage(page, allow_outside=allow_outside)
        opened.append((context, recorded))
        context.route("**/*", route(recorded))
        page.on("console", lambda message: recorded.console.append((message.type, message.text)))
        page.on("pageerror", lambda error: recorded.errors.append(str(error)))
        # Also requests that routing might not see (they must not happen at all).
        page.on("request", lambda request: None if request.url.startswith(("file:", "data:", "about:", "blob:"))
                else recorded.outside.append(request.url))
        if isinstance(target, Path):
            page.goto(target.resolve().as_uri())
            if ready:
                page.wait_for_selector(READY, state="attached")
        else:
            page.set_content(target)
        return recorded

    yield open_
    outside = sorted({url for _, recorded in opened if not recorded.allow_outside for url in recorded.outside})
    for context, _ in opened:
        context.close()
    if outside:
        pytest.fail(f"the page tried to reach outside the file: {outside}")


# -- pages served by the survey server (tests/browser/test_survey_browser.py) -------------------

@pytest.fixture
def open_served(browser: Any) -> Iterator[OpenServed]:
    """Factory: ``open_served(base)`` is a fresh browser context (its own cookies, as another
    person's browser) with one tab, allowed to reach only the survey server at ``base``
    (``http://127.0.0.1:PORT/``): every other request is aborted and recorded. Console messages,
    uncaught errors and Content-Security-Policy violations (``securitypolicyviolation`` events of
    every frame) are recorded too. After the test no page may have tried to reach another
    address or broken the policy; console errors are for the test to assert on.
    """
    opened: list[ServedPage] = []

    def open_(base: str, *, viewport: tuple[int, int] = (1280, 900)) -> ServedPage:
        origin = "{0.scheme}://{0.netloc}/".format(urllib.parse.urlsplit(base))
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                      service_workers="block", java_script_enabled=True)
        context.set_default_timeout(20_000)
        served = ServedPage(None, context, base)
        opened.append(served)

        def route(route: Any) -> None:
            if route.request.url.startswith(origin):
                route.continue_()
            else:
                served.outside.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        context.expose_binding("__carenetViolation", lambda source, text: served.violations.append(str(text)))
        context.add_init_script(VIOLATION_LISTENER)
        page = context.new_page()
        page.on("console", lambda message: served.console.append((message.type, message.text)))
        page.on("pageerror", lambda error: served.errors.append(str(error)))
        page.on("request", lambda request: served.requests.append(request.url))
        served.page = page
        return served

    yield open_
    outside = sorted({url for served in opened for url in served.outside})
    violations = sorted({text for served in opened for text in served.violations})
    for served in opened:
        served.context.close()
    if outside or violations:
        pytest.fail(f"the survey's pages reached outside their server: {outside}; policy violations: {violations}")
