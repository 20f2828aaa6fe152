"""Every survey page passes axe-core's WCAG 2.1 A/AA rules in headless Chromium: labels, names,
contrast, landmarks, headings, language, focusable controls — for the respondent's steps (with
their error states) and the coordinator's pages.

axe-core (Deque, MPL-2.0) comes with the test extra's ``axe-playwright-python`` and is evaluated
in the page through the DevTools protocol, so the pages' strict policy stays on. A violation is
reported with the rule, its impact and the elements concerned.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.commands import child_env
from tests.support.survey_server import Server, path_of, start_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "lippe" / "netzwerk_lippe.xlsx"
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        "resultTypes": ["violations"]}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, list[str]]]:
    folder = tmp_path_factory.mktemp("a11y")
    env = child_env({"PYTHONIOENCODING": "utf-8"})
    for args in (["survey", "init", str(EXAMPLE), "-p", str(folder / "p"), "--lang", "de", "--questions", "trust"],
                 ["survey", "invite", "-p", str(folder / "p"), "-o", str(folder / "links.csv")]):
        done = subprocess.run([sys.executable, "-m", "carenet_graph", *args], capture_output=True, text=True,
                              env=env, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
    links = [row["link"] for row in csv.DictReader((folder / "links.csv").open(encoding="utf-8"))]
    with start_server(folder / "p") as server:
        yield server, links


def violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, options=WCAG).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:5]}" for v in found]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_respondents_pages_and_their_error_states_pass_axe(browser: Any, served: tuple[Server, list[str]],
                                                               lang: str) -> None:
    try:
        import axe_playwright_python  # noqa: F401
    except ImportError:
        pytest.fail("the accessibility tests need axe-playwright-python (the test extra)", pytrace=False)
    server, links = served
    link = server.url(path_of(links[70 if lang == "en" else 71]))
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    checked: dict[str, list[str]] = {}
    try:
        page.goto(link + f"?lang={lang}")
        page.get_by_role("button").last.click()  # without name and consent: the error state
        page.wait_for_selector("#error-summary")
        checked["start with errors"] = violations(page)
        page.locator("#respondent").fill("Erika Beispiel")
        page.locator("#consent").check()
        page.locator("button.primary").click()
        page.wait_for_url("**/partners/")
        page.locator("#q").fill("hospiz")
        page.locator("button[value=search]").click()
        page.wait_for_selector("#results input[name=partner]")
        page.locator("#results input[name=partner]").first.check()
        page.locator("details.add summary").click()
        checked["partners with results"] = violations(page)
        page.locator("button[value=next]").click()
        page.wait_for_url("**/details/")
        page.locator("button[value=submit]").click()
        page.wait_for_selector("#error-summary")
        checked["details with errors"] = violations(page)
        page.locator("input[type=radio][name^=level_]").nth(3).check()
        page.locator("button[value=submit]").click()
        page.wait_for_url("**/done/")
        checked["done"] = violations(page)
        page.goto(link + "delete/")
        checked["delete"] = violations(page)
        page.goto(link.replace(link.rstrip("/").rsplit("/", 1)[1], "x" * 22))
        checked["unknown link"] = violations(page)
    finally:
        context.close()
    assert len(checked) == 6
    assert {name: found for name, found in checked.items() if found} == {}


def test_the_checker_itself_finds_a_missing_label_and_language(browser: Any) -> None:
    page = browser.new_page()
    try:
        page.set_content("<html><head><title>x</title></head><body><main><input type=text></main></body></html>")
        found = " ".join(violations(page))
    finally:
        page.close()
    assert "label (critical)" in found and "html-has-lang" in found


def test_the_coordinators_pages_pass_axe(browser: Any, served: tuple[Server, list[str]]) -> None:
    server, _ = served
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    checked: dict[str, list[str]] = {}
    try:
        page.goto(server.url("/coordinator/login/"))
        checked["login form"] = violations(page)
        page.goto(server.login)
        page.wait_for_url("**/coordinator/")
        checked["dashboard"] = violations(page)
        for name, path in (("added", "/coordinator/added/"), ("workshop", "/coordinator/workshop/"),
                           ("organisation", "/coordinator/organisation/A001/")):
            page.goto(server.url(path))
            checked[name] = violations(page)
    finally:
        context.close()
    assert len(checked) == 5
    assert {name: found for name, found in checked.items() if found} == {}
