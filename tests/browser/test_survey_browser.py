"""The survey server in headless Chromium, end to end: a respondent's whole way through the form
in each of the four languages, and the coordinator's — on SQLite, and on PostgreSQL for one
language and the coordinator.

The respondent types into the roster search (the page's script asks the server as one types),
ticks partners and sees them move to "your partners", adds a missing organisation, meets the
error summary when a level is missing, answers with mouse and keyboard, submits, comes back and
finds the answers kept; a change is saved on its own ("Saved at …") and survives a reload; on a
phone the pages do not scroll sideways. The coordinator logs in with the one-time link, sees the
dashboard count an answer, opens the live map and report, watches the workshop page redraw after
another answer, and confirms an organisation a respondent added.

Every text looked for comes from the catalogue (:func:`carenet_graph.i18n.translate`), so the
tests say what the reader sees in each language without copying sentences. No page may log a
console error, break its Content-Security-Policy or reach beyond the server (``open_served``).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from carenet_graph.i18n import translate
from carenet_graph.locale import Locale
from tests.support.survey_server import (
    Client,
    OpenServed,
    ServedPage,
    Server,
    SurveyProject,
    create_project,
    postgres_admin_url,
    postgres_database,
    respond,
    start_server,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LANGUAGES = ("en", "de", "nl", "sv")
PHONE = (390, 844)
READY = "body[data-ready='1']"
#: How long a map may take to lay itself out (ms): generous, as CI shares two cores with the server.
DRAWN = 60_000
#: Who answers in the browser, per language (the coordinator's test uses others).
RESPONDENT = {"en": "A012", "de": "A019", "nl": "A027", "sv": "A033"}
SEARCH = "lemgo"


@dataclass(frozen=True)
class Site:
    """A served example project: the project with its links, the server, the network's name."""

    project: SurveyProject
    server: Server
    network: str


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory,
          example_workbooks: dict[str, Path]) -> Iterator[Callable[[str], Site]]:
    """``sites(backend)``: the Lippe example served on "sqlite" or "postgresql", made on first use
    and kept for the module (each backend's project and server are made once)."""
    made: dict[str, Site] = {}
    with ExitStack() as stack:
        def site(backend: str) -> Site:
            if backend not in made:
                url = stack.enter_context(postgres_database(postgres_admin_url())) if backend == "postgresql" else None
                project = create_project(tmp_path_factory.mktemp(f"browser-{backend}") / "project",
                                         example_workbooks["lippe"], database_url=url)
                server = stack.enter_context(start_server(project.folder))
                ((network,),) = project.query("SELECT name FROM carenet_survey_project")
                made[backend] = Site(project, server, network)
            return made[backend]

        yield site


def wait_drawn(page: Any, frame: str) -> None:
    """Wait until the map in the iframe ``frame`` has drawn itself (``data-ready``). Chromium draws
    a frame only while it is in view, so it is scrolled into view — again, should the page have
    moved it while loading."""
    from playwright.sync_api import TimeoutError as Timeout

    ready = page.frame_locator(frame).locator(READY)
    deadline = time.monotonic() + DRAWN / 1000
    while True:
        page.locator(frame).scroll_into_view_if_needed()
        try:
            ready.wait_for(state="attached", timeout=5_000)
            return
        except Timeout:
            if time.monotonic() > deadline:
                where = page.locator(frame).bounding_box()
                frames = [(f.url[:60], f.evaluate("[document.readyState, typeof window.network]"))
                          for f in page.frames[1:]]
                raise AssertionError(f"the map in {frame} did not draw in {DRAWN // 1000} s; frame box {where}, "
                                     f"scrolled {page.evaluate('window.scrollY')}, frames {frames}") from None


def saved_pattern(lang: str) -> re.Pattern[str]:
    """The "Saved at 14:05." status in ``lang``, whatever the time."""
    before, _, after = translate("form_saved_at", lang, time="TIME").partition("TIME")
    return re.compile(re.escape(before) + r".+" + re.escape(after))


def item(page: Any, container: str, name: str) -> Any:
    """The list item of ``container`` whose organisation is called exactly ``name``."""
    return page.locator(f"{container} li").filter(has=page.get_by_text(name, exact=True))


def radio_checked(tab: ServedPage, partner: str, lang: str, level: int) -> bool:
    group = tab.page.get_by_role("group", name=translate("form_level", lang, partner=partner), exact=True)
    return bool(group.locator(f"input[type=radio][value='{level}']").is_checked())


# -- the respondent ------------------------------------------------------------------------------

@pytest.mark.parametrize(("backend", "lang"), [*(("sqlite", lang) for lang in LANGUAGES), ("postgresql", "de")])
def test_a_respondent_answers_in_the_browser(sites: Callable[[str], Site], backend: str, lang: str,
                                             open_served: OpenServed) -> None:
    from playwright.sync_api import expect  # (the browser fixture has checked that Playwright is there)

    site = sites(backend)
    loc = Locale(lang)
    actor = RESPONDENT[lang]
    link = site.project.links[actor]
    tab = open_served(site.server.base)
    page = tab.page

    # Step 1: the start page in the chosen language; name and consent.
    tab.goto(link + f"?lang={lang}")
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.get_by_role("heading", level=1).inner_text() == translate("form_start_title", lang,
                                                                           network=site.network)
    page.get_by_label(translate("form_respondent", lang)).fill("Maria Muster, Koordination")
    page.get_by_label(translate("form_consent_agree", lang)).check()
    page.get_by_role("button", name=translate("form_start_button", lang)).click()

    # Step 2: search the roster by typing; the script asks the server and shows what it found.
    page.wait_for_url(re.compile(r"/partners/$"))
    assert page.get_by_role("heading", level=1).inner_text() == translate("form_partners_title", lang)
    roster_size = len(site.project.links) - 1
    search = page.get_by_label(translate("form_search_label", lang, count=roster_size))
    with page.expect_response(lambda response: response.url.endswith(f"/search/?q={SEARCH}")) as asked:
        search.press_sequentially(SEARCH, delay=40)
    shown = asked.value.text().count('name="partner"')
    assert 0 < shown <= 40
    results = page.locator("#results input[name=partner]")
    expect(results).to_have_count(shown)
    expect(page.locator("#result-count")).to_have_text(translate("form_search_found", lang, count=shown))
    names = [n.strip() for n in page.locator("#results li .name").all_inner_texts()]
    assert all(SEARCH in (name + text).casefold() for name, text in
               zip(names, page.locator("#results li").all_inner_texts(), strict=True))
    first, second = names[0], names[1]
    # One by mouse, one by keyboard; both move into "your partners".
    item(page, "#results", first).locator("label").click()
    item(page, "#results", second).locator("input").focus()
    page.keyboard.press("Space")
    for name in (first, second):
        item(page, "#chosen-list", name).wait_for()
    assert item(page, "#results", first).count() == 0

    # An organisation missing from the list: added, it waits for the coordinator.
    added = f"Nachbarschaftshilfe Kalletal {lang.upper()}"
    page.get_by_text(translate("form_add_title", lang), exact=True).click()
    page.get_by_label(translate("form_add_name", lang)).fill(added)
    page.get_by_label(translate("form_add_type", lang)).select_option(index=1)
    page.get_by_label(translate("form_add_municipality", lang)).fill("Kalletal")
    page.get_by_role("button", name=translate("form_add_button", lang)).click()
    page.wait_for_load_state("load")
    entry = item(page, "#chosen-list", added)
    entry.wait_for()
    assert translate("form_added_waiting", lang) in entry.inner_text()
    for name in (first, second):
        assert item(page, "#chosen-list", name).locator("input").is_checked()
    page.get_by_role("button", name=translate("form_next", lang)).click()

    # Step 3: sent without levels, the error summary names every partner still missing one.
    page.wait_for_url(re.compile(r"/details/$"))
    assert page.get_by_role("heading", level=1).inner_text() == translate("form_details_title", lang)
    partners = [h.strip() for h in page.locator("section.partner h2").all_inner_texts()]
    assert sorted(partners) == sorted([first, second, added])
    page.get_by_role("button", name=translate("form_submit", lang)).click()
    summary = page.locator("#error-summary")
    # The page's script moves the focus to the summary, so that a screen reader reads it first.
    expect(summary).to_be_focused()
    assert summary.get_by_role("heading").inner_text() == translate("form_errors_title", lang)
    assert sorted(summary.locator("li").all_inner_texts()) == sorted(
        translate("form_error_level", lang, partner=name) for name in partners)

    # The levels: by mouse for two partners, by keyboard for one; kinds of work and how often.
    def group(key: str, name: str) -> Any:
        return page.get_by_role("group", name=translate(key, lang, partner=name), exact=True)

    mouse, keys, third = partners
    group("form_level", mouse).get_by_text(f"3 – {loc.label('level', 3)}").click()
    group("form_level", third).get_by_text(f"1 – {loc.label('level', 1)}").click()
    group("form_level", keys).get_by_role("radio").first.focus()
    page.keyboard.press("Space")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    assert radio_checked(tab, keys, lang, 4)
    tie_label = loc.label("tie_type", "information_exchange")
    group("form_tie_types", mouse).get_by_label(tie_label, exact=True).check()
    group("form_tie_types", keys).get_by_label(tie_label, exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_label(translate("form_frequency", lang, partner=mouse), exact=True).select_option("weekly")
    page.get_by_role("button", name=translate("form_submit", lang)).click()

    # Step 4: thank you.
    page.wait_for_url(re.compile(r"/done/$"))
    assert page.get_by_role("heading", level=1).inner_text() == translate("form_done_title", lang)
    from babel.dates import format_date

    when = format_date(dt.datetime.now(dt.UTC).date(), "long", locale=lang)
    assert translate("form_done_text", lang, when=when, count=3) in page.locator("main").inner_text()

    # Coming back with the same link: everything is still there.
    tab.goto(link)
    assert page.get_by_label(translate("form_respondent", lang)).input_value() == "Maria Muster, Koordination"
    assert page.get_by_label(translate("form_consent_agree", lang)).is_checked()
    tab.goto(link + "partners/")
    assert sorted(n.strip() for n in page.locator("#chosen-list li .name").all_inner_texts()) == sorted(partners)
    tab.goto(link + "details/")
    assert [radio_checked(tab, mouse, lang, 3), radio_checked(tab, keys, lang, 4), radio_checked(tab, third, lang, 1)]\
        == [True, True, True]
    assert group("form_tie_types", keys).get_by_label(tie_label, exact=True).is_checked()
    assert page.get_by_label(translate("form_frequency", lang, partner=mouse), exact=True).input_value() == "weekly"

    # Autosave: a change is saved by itself, says so, and is there after a reload.
    group("form_level", mouse).get_by_text(f"5 – {loc.label('level', 5)}").click()
    page.locator(".status").filter(has_text=saved_pattern(lang)).wait_for(timeout=15_000)
    page.reload()
    assert radio_checked(tab, mouse, lang, 5) and not radio_checked(tab, mouse, lang, 3)

    # On a phone nothing scrolls sideways, on any step.
    phone = open_served(site.server.base, viewport=PHONE)
    for step in ("", "partners/", "details/", "done/"):
        phone.goto(link + step)
        assert not phone.scrolls_sideways(), step

    assert tab.problems() == [] and phone.problems() == []
    # Stored: the answer as sent, and the change saved since (to be sent with the next "send").
    for table, levels in (("submittedtie", (3, 4, 1)), ("tieanswer", (5, 4, 1))):
        stored = site.project.query(
            f"SELECT p.name, t.level FROM carenet_survey_{table} t JOIN carenet_survey_response r "
            "ON r.id = t.response_id JOIN carenet_survey_organisation o ON o.id = r.organisation_id "
            "JOIN carenet_survey_organisation p ON p.id = t.partner_id WHERE o.actor_id = %s", actor)
        assert sorted(stored) == sorted(zip((mouse, keys, third), levels, strict=True)), table


# -- the coordinator ---------------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_coordinator_follows_the_round_live(sites: Callable[[str], Site], backend: str,
                                                open_served: OpenServed) -> None:
    from playwright.sync_api import expect

    site = sites(backend)
    lang = "de"
    loc = Locale(lang)
    ids = list(site.project.links)
    answering = iter(ids[60:])

    def answer_one(add: str | None = None) -> None:
        actor = next(answering)
        respond(Client(site.server), site.project.links[actor], ids[1:4], level=3, add=add)

    def answered() -> int:
        ((count,),) = site.project.query("SELECT COUNT(*) FROM carenet_survey_response r JOIN "
                                         "carenet_survey_organisation o ON o.id = r.organisation_id "
                                         "WHERE r.submitted IS NOT NULL AND o.confirmed")
        return int(count)

    answer_one()
    tab = open_served(site.server.base)
    page = tab.page
    tab.goto(site.server.login)
    page.wait_for_url(re.compile(r"/coordinator/$"))
    tab.goto("/coordinator/?lang=de")
    card = page.locator(".card", has_text=translate("dashboard_card_answered", lang, count=answered()))
    assert card.locator(".big").inner_text() == loc.number(answered())
    before = answered()

    # An answer arrives (with an organisation missing from the list): the dashboard counts it.
    added = "Ökumenische Nachbarschaftshilfe Extertal"
    answer_one(add=added)
    assert answered() == before + 1
    page.reload()
    card = page.locator(".card", has_text=translate("dashboard_card_answered", lang, count=before + 1))
    assert card.locator(".big").inner_text() == loc.number(before + 1)

    # The live map and report of the answers so far.
    tab.goto("/coordinator/live/map/")
    page.wait_for_selector(READY, state="attached", timeout=DRAWN)
    assert page.evaluate("window.network.body.data.nodes.length") > 0
    tab.goto("/coordinator/live/report/")
    assert page.evaluate("document.documentElement.lang") == lang
    wait_drawn(page, "#map iframe")

    # The workshop page redraws by itself when another answer comes in.
    tab.goto("/coordinator/workshop/")
    counter = page.locator("#workshop-counter")
    total = loc.number(len(site.project.links))
    assert counter.inner_text() == translate("dashboard_workshop_counter", lang, answered=answered(), total=total)
    wait_drawn(page, "#workshop-map")
    first_map = page.locator("#workshop-map").get_attribute("src")
    answer_one()
    expected = translate("dashboard_workshop_counter", lang, answered=answered(), total=total)
    expect(counter).to_have_text(expected, timeout=15_000)
    expect(page.locator("#workshop-map")).not_to_have_attribute("src", first_map or "", timeout=15_000)
    wait_drawn(page, "#workshop-map")

    # The organisation a respondent added: confirmed, it joins the list.
    tab.goto("/coordinator/added/")
    item = page.locator("section.added-item", has=page.get_by_role("heading", name=added, exact=True))
    item.get_by_role("button", name=translate("dashboard_added_confirm", lang)).click()
    page.wait_for_load_state("load")
    assert page.locator("section.added-item", has=page.get_by_role("heading", name=added, exact=True)).count() == 0
    ((confirmed,),) = site.project.query("SELECT confirmed FROM carenet_survey_organisation WHERE name = %s", added)
    assert confirmed

    assert tab.problems() == []
