"""The coordinator's pages over HTTP: login, the dashboard's numbers, reminder links, organisations
added by respondents, the live map and report, the workshop projector, one organisation's page.

One served project for the whole module (``survey_project``: the Lippe example, 133 organisations,
on SQLite and on PostgreSQL): the server runs in a child process (:mod:`tests.support.survey_server`),
respondents answer through their pages as a browser without JavaScript would, and the coordinator
is one logged-in client. Each test
uses its own organisations, so the tests do not depend on each other's order; figures are
compared before and after what a test does.
"""

from __future__ import annotations

import csv
import html
import io
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pytest

from tests.support.survey_server import Client, Reply, Server, SurveyProject, path_of, respond, start_server

PAGES = ("/coordinator/", "/coordinator/added/", "/coordinator/live/map/", "/coordinator/live/report/",
         "/coordinator/workshop/", "/coordinator/workshop/state.json", "/coordinator/organisation/A001/")
LEVEL_FIELD = re.compile(r'name="(level_\d+)"')
ADDED_PARTNER = re.compile(r'name="partner" value="(new-\d+)"')
BIG = re.compile(r'<span class="big">([^<]+)</span>')
WAITING_ROW = re.compile(r'<tr><td><a href="/coordinator/organisation/([^/]+)/">')


@dataclass
class Round:
    """The served project: the server, its personal links by actor id, the logged-in coordinator,
    and the live map as it was before anyone answered."""

    server: Server
    links: dict[str, str]
    names: dict[str, str]
    coordinator: Client
    empty_map: Reply


@pytest.fixture(scope="module")
def served(survey_project: SurveyProject) -> Iterator[Round]:
    with start_server(survey_project.folder) as server:
        coordinator = Client(server, lang="en")
        coordinator.login()
        yield Round(server, survey_project.links, survey_project.names, coordinator,
                    coordinator.get("/coordinator/live/map/"))


# -- a respondent, as a browser without JavaScript -------------------------------------------

def begin(server: Server, link: str) -> Client:
    """Open the link, name the respondent and consent."""
    respondent = Client(server, lang="de")
    page = respondent.get(link)
    assert page.status == 200, page.status
    reply = respondent.post(link, {"respondent": "Frau Beispiel", "consent": "yes"}, token=page.token())
    assert reply.status == 302, reply.text[:300]
    return respondent


def add_organisation(respondent: Client, link: str, name: str, partners: Sequence[str] = ()) -> str:
    """Add an organisation missing from the roster; returns its waiting id (``new-N``)."""
    page = respondent.get(link + "partners/")
    reply = respondent.post(link + "partners/", {"partner": list(partners), "action": "add", "new_name": name},
                            token=page.token())
    assert reply.status == 200, reply.text[:300]
    added = ADDED_PARTNER.findall(reply.text)
    assert added, "the added organisation is not among the chosen partners"
    return str(added[-1])


def submit(respondent: Client, link: str, partners: Sequence[str], levels: Sequence[str] = ()) -> None:
    """Choose ``partners`` and submit with a level each (``levels`` in the details page's order, else 3)."""
    page = respondent.get(link + "partners/")
    reply = respondent.post(link + "partners/", {"partner": list(partners), "action": "next"}, token=page.token())
    assert reply.status == 302 and reply.headers["Location"].endswith("/details/"), reply.text[:300]
    details = respondent.get(link + "details/")
    fields = list(dict.fromkeys(LEVEL_FIELD.findall(details.text)))
    assert len(fields) == len(partners)
    chosen = list(levels) or ["3"] * len(fields)
    reply = respondent.post(link + "details/", {**dict(zip(fields, chosen, strict=True)), "action": "submit"},
                            token=details.token())
    assert reply.status == 302 and reply.headers["Location"].endswith("/done/"), reply.text[:300]


def answer(served: Round, actor: str, partners: Sequence[str]) -> None:
    respond(Client(served.server, lang="de"), served.links[actor], partners)


def figures(served: Round) -> list[str]:
    """The dashboard's big numbers: roster, answered, drafts, response rate, added to check."""
    page = served.coordinator.get("/coordinator/")
    assert page.status == 200
    return BIG.findall(page.text)


def waiting_ids(served: Round) -> list[str]:
    return WAITING_ROW.findall(served.coordinator.get("/coordinator/").text)


def post_as_coordinator(served: Round, path: str, data: dict[str, str | list[str]]) -> Reply:
    page = served.coordinator.get(path)
    return served.coordinator.post(path, data, token=page.token())


# -- login ----------------------------------------------------------------------------------

def test_every_coordinator_page_needs_a_login(served: Round) -> None:
    stranger = Client(served.server)
    for path in (*PAGES, "/coordinator/reminders.csv"):
        reply = stranger.get(path)
        assert (reply.status, reply.headers.get("Location")) == (302, "/coordinator/login/"), path
    for path in PAGES:
        reply = served.coordinator.get(path)
        assert reply.status == 200, (path, reply.text[:300])


def test_the_login_link_works_once(served: Round) -> None:
    second = Client(served.server, lang="en")
    reply = second.get(served.server.login)  # the fixture has used it already
    assert reply.status == 403
    assert "This login link does not work" in reply.text
    assert second.get("/coordinator/").status == 302


def test_a_form_without_its_protection_token_is_refused(served: Round) -> None:
    before = figures(served)
    for path, data in (("/coordinator/reminders.csv", {}),
                       ("/coordinator/added/", {"organisation": "new-1", "action": "reject"}),
                       ("/coordinator/organisation/A002/", {"action": "revoke"})):
        for token in ("", "not-the-token"):  # no token, a wrong one
            reply = served.coordinator.post(path, data, token=token)
            assert reply.status == 403, (path, token)
    assert figures(served) == before
    assert served.coordinator.get("/coordinator/reminders.csv").status == 405  # a download that changes data: POST only


# -- the dashboard ----------------------------------------------------------------------------

def test_dashboard_counts_answers_drafts_and_who_has_not_answered(served: Round) -> None:
    roster, answered, drafts, _, _ = figures(served)
    answer(served, "A010", ["A001", "A002"])
    answer(served, "A011", ["A010"])
    begin(served.server, served.links["A012"])  # consent given, nothing submitted: a draft
    page = served.coordinator.get("/coordinator/")
    now = BIG.findall(page.text)
    assert now[0] == roster and int(roster) >= 133
    assert int(now[1]) == int(answered) + 2
    assert int(now[2]) == int(drafts) + 1
    assert now[3] == f"{round(100 * int(now[1]) / int(roster))}%"
    waiting = WAITING_ROW.findall(page.text)
    assert "A010" not in waiting and "A011" not in waiting and "A012" in waiting
    assert len(waiting) == int(roster) - int(now[1])
    assert "Hospiz- und Palliativnetz Lippe" in page.text
    assert "The round is open" in page.text and "carenet survey close -p" in page.text
    # Response rates by municipality, sector and actor type, in words and with a bar.
    for caption in ("By municipality", "By sector", "By type of organisation"):
        assert f"<caption>{caption}</caption>" in page.text
    assert "Medical care" in page.text and "<meter" in page.text
    # The audit log names the organisation and says what it did.
    audit = page.text.split('id="audit-title"', 1)[1]
    assert html.escape(served.names["A011"]) in audit and "Answers submitted" in audit and "Logged in" in audit


def test_dashboard_in_another_language(served: Round) -> None:
    try:
        reply = served.coordinator.get("/coordinator/?lang=sv")
        assert reply.status == 200 and '<html lang="sv">' in reply.text
        assert "Svarsfrekvens" in reply.text and "Har inte svarat än" in reply.text
        assert '<html lang="sv">' in served.coordinator.get("/coordinator/added/").text  # the choice is kept
    finally:
        served.coordinator.get("/coordinator/?lang=en")  # the other tests read English


# -- reminders ----------------------------------------------------------------------------------

def test_reminders_are_new_links_for_exactly_those_who_have_not_submitted(served: Round) -> None:
    answer(served, "A020", ["A001"])
    old_link = served.links["A021"]
    page = served.coordinator.get("/coordinator/")
    reply = served.coordinator.post("/coordinator/reminders.csv", {}, token=page.token())
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in reply.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    assert list(rows[0]) == ["id", "name", "municipality", "email", "link"]
    ids = [r["id"] for r in rows]
    assert sorted(ids) == sorted(waiting_ids(served))
    assert "A020" not in ids and "A021" in ids
    assert len(set(r["link"] for r in rows)) == len(rows)
    # A new link opens its own organisation's start page, on this server's address.
    fresh = next(r for r in rows if r["id"] == "A021")
    assert fresh["link"].startswith(served.server.base + "a/")
    assert path_of(fresh["link"]) != old_link
    opened = Client(served.server).get(path_of(fresh["link"]))
    assert opened.status == 200 and html.escape(served.names["A021"]) in opened.text
    # Earlier links keep working.
    assert Client(served.server).get(old_link).status == 200
    assert "Reminder links created" in served.coordinator.get("/coordinator/").text


# -- organisations added by respondents ------------------------------------------------------------

def test_an_added_organisation_is_confirmed_onto_the_roster(served: Round) -> None:
    link = served.links["A030"]
    respondent = begin(served.server, link)
    added = add_organisation(respondent, link, "Trauercafé Neustart Lippe", ["A001"])
    submit(respondent, link, ["A001", added])
    roster = int(figures(served)[0])
    page = served.coordinator.get("/coordinator/added/")
    assert "Trauercafé Neustart Lippe" in page.text and html.escape(served.names["A030"]) in page.text
    reply = served.coordinator.post("/coordinator/added/", {"organisation": added, "action": "confirm"},
                                    token=page.token())
    assert reply.status == 302
    assert f'id="added-{added}"' not in served.coordinator.get("/coordinator/added/").text
    assert int(figures(served)[0]) == roster + 1
    # It has a roster id of its own now, and a page; A030's answer names it under that id.
    answer_page = served.coordinator.get("/coordinator/organisation/A030/")
    new_id = re.search(r'href="/coordinator/organisation/(N\d{3})/">Trauercafé Neustart Lippe<', answer_page.text)
    assert new_id, answer_page.text[-3000:]
    organisation = served.coordinator.get(f"/coordinator/organisation/{new_id.group(1)}/")
    assert organisation.status == 200 and "Trauercafé Neustart Lippe" in organisation.text
    assert "Added organisation put on the list" in served.coordinator.get("/coordinator/").text


def test_an_added_organisation_is_merged_into_the_one_on_the_roster(served: Round) -> None:
    target = "A015"  # Ambulanter Hospizdienst Detmold
    link = served.links["A031"]
    respondent = begin(served.server, link)
    added = add_organisation(respondent, link, served.names[target] + " e. V.", [target])
    # The same partner twice, under two names: level 2 for the roster's, 4 and a tie type for the added one.
    page = respondent.get(link + "partners/")
    respondent.post(link + "partners/", {"partner": [target, added], "action": "next"}, token=page.token())
    details = respondent.get(link + "details/")
    fields = list(dict.fromkeys(LEVEL_FIELD.findall(details.text)))
    by_partner = {re.search(rf'<h2 id="partner-{f[6:]}">([^<]+)</h2>', details.text).group(1): f  # type: ignore[union-attr]
                  for f in fields}
    values = {by_partner[html.escape(served.names[target])]: "2",
              by_partner[html.escape(served.names[target] + " e. V.")]: "4"}
    types = {f"types_{by_partner[html.escape(served.names[target] + ' e. V.')][6:]}": "joint_training"}
    reply = respondent.post(link + "details/", {**values, **types, "action": "submit"}, token=details.token())
    assert reply.status == 302
    page = served.coordinator.get("/coordinator/added/")
    # The roster organisation with the closest name is offered first.
    assert f'<option value="{target}" selected>' in page.text
    missing = served.coordinator.post("/coordinator/added/", {"organisation": added, "action": "merge", "into": ""},
                                      token=page.token())
    assert missing.status == 400 and "Choose the organisation on the list" in missing.text
    reply = served.coordinator.post("/coordinator/added/", {"organisation": added, "action": "merge", "into": target},
                                    token=page.token())
    assert reply.status == 302
    assert f'id="added-{added}"' not in served.coordinator.get("/coordinator/added/").text
    download = post_as_coordinator(served, "/coordinator/organisation/A031/", {"action": "download"})
    partners = download.json()["answer"]["partners"]
    assert [(p["id"], p["level"], "joint_training" in p["tie_types"]) for p in partners] == [(target, 4, True)]
    # Dealt with: a second merge of the same organisation is refused, not repeated.
    again = served.coordinator.post("/coordinator/added/", {"organisation": added, "action": "merge", "into": target},
                                    token=page.token())
    assert again.status == 404


def test_an_added_organisation_is_rejected_with_its_mentions(served: Round) -> None:
    link = served.links["A032"]
    respondent = begin(served.server, link)
    added = add_organisation(respondent, link, "Gibt es nicht GmbH", ["A001"])
    submit(respondent, link, ["A001", added])
    reply = post_as_coordinator(served, "/coordinator/added/", {"organisation": added, "action": "reject"})
    assert reply.status == 302
    assert f'id="added-{added}"' not in served.coordinator.get("/coordinator/added/").text
    download = post_as_coordinator(served, "/coordinator/organisation/A032/", {"action": "download"})
    assert [p["id"] for p in download.json()["answer"]["partners"]] == ["A001"]


# -- live map and report, workshop ---------------------------------------------------------------------

def test_before_any_answer_the_live_map_says_so(served: Round) -> None:
    assert served.empty_map.status == 200
    assert "No answers yet" in served.empty_map.text
    assert "sha256-" not in served.empty_map.headers["Content-Security-Policy"]  # the server's own strict policy


def test_live_map_and_report_draw_the_answers_so_far(served: Round) -> None:
    answer(served, "A040", ["A041", "A042"])
    for path in ("/coordinator/live/map/", "/coordinator/live/report/"):
        started = time.monotonic()
        reply = served.coordinator.get(path)
        first = time.monotonic() - started
        assert reply.status == 200, reply.text[:500]
        policy = reply.headers["Content-Security-Policy"]
        assert "'sha256-" in policy and "&#39;" not in policy and "frame-ancestors 'self'" in policy
        for actor in ("A040", "A041"):
            assert served.names[actor] in reply.text, (path, actor)  # names without characters to escape
        assert first < 60, f"{path} took {first:.1f} s"
        started = time.monotonic()
        again = served.coordinator.get(path)
        assert again.text == reply.text
        assert time.monotonic() - started < min(1.0, first), "the second request was not served from the cache"


def test_workshop_page_and_its_state(served: Round) -> None:
    page = served.coordinator.get("/coordinator/workshop/")
    assert page.status == 200
    assert 'class="projector"' in page.text and 'id="workshop-map"' in page.text
    assert 'data-src="/coordinator/live/map/"' in page.text
    assert 'data-state="/coordinator/workshop/state.json"' in page.text
    assert served.server.base + "a/" in page.text  # where participants' personal links point
    before = served.coordinator.get("/coordinator/workshop/state.json").json()
    assert f'data-version="{before["version"]}"' in page.text
    counted = re.fullmatch(r"(\d+) of (\d+) organisations ha(s|ve) answered", before["text"])
    assert counted, before
    answered, roster = int(counted.group(1)), counted.group(2)
    assert before["text"] in page.text
    assert served.coordinator.get("/coordinator/workshop/state.json").json() == before  # nothing new, same version
    answer(served, "A050", ["A051"])
    after = served.coordinator.get("/coordinator/workshop/state.json").json()
    assert after["version"] != before["version"]
    verb = "has" if answered + 1 == 1 else "have"
    assert after["text"] == f"{answered + 1} of {roster} organisations {verb} answered"


def test_a_changed_answer_changes_the_version_when_sent_again(served: Round) -> None:
    link = served.links["A070"]
    respondent = Client(served.server, lang="de")
    respond(respondent, link, ["A071"])
    before = served.coordinator.get("/coordinator/workshop/state.json").json()
    details = respondent.get(link + "details/")
    field = LEVEL_FIELD.search(details.text).group(1)  # type: ignore[union-attr]
    saved = respondent.post(link + "details/", {field: "5", "action": "save"}, token=details.token())
    assert saved.status == 302
    # Saved, not sent: the live pages still show the answer as sent.
    assert served.coordinator.get("/coordinator/workshop/state.json").json() == before
    sent = respondent.post(link + "details/", {field: "5", "action": "submit"}, token=details.token())
    assert sent.status == 302
    after = served.coordinator.get("/coordinator/workshop/state.json").json()
    assert after["version"] != before["version"] and after["text"] == before["text"]


# -- one organisation -----------------------------------------------------------------------------

def test_organisation_page_shows_the_answer_and_manages_links_and_data(served: Round) -> None:
    answer(served, "A060", ["A061", "A062"])
    path = "/coordinator/organisation/A060/"
    page = served.coordinator.get(path)
    assert page.status == 200
    assert html.escape(served.names["A061"]) in page.text and "3 – Coordination" in page.text
    assert "submitted on" in page.text
    # A new link is shown once; it opens the organisation's answers; it is not on the page again.
    reply = served.coordinator.post(path, {"action": "new_link"}, token=page.token())
    found = re.search(r'<code class="link" id="new-link">([^<]+)</code>', reply.text)
    assert reply.status == 200 and found
    new_link = path_of(found.group(1))
    assert Client(served.server).get(new_link).status == 200
    assert new_link not in served.coordinator.get(path).text
    # Revoking stops every link of the organisation, the first one and the new one.
    reply = post_as_coordinator(served, path, {"action": "revoke"})
    assert reply.status == 302
    assert Client(served.server).get(new_link).status == 404
    assert Client(served.server).get(served.links["A060"]).status == 404
    # Deleting asks first, then deletes the answer; the organisation stays on the roster.
    ask = post_as_coordinator(served, path, {"action": "delete"})
    assert ask.status == 200 and 'name="confirm" value="yes"' in ask.text
    assert "3 – Coordination" in served.coordinator.get(path).text
    deleted = served.coordinator.post(path, {"action": "delete", "confirm": "yes"}, token=ask.token())
    assert deleted.status == 302
    after = served.coordinator.get(path)
    assert "not started its answer" in after.text and "3 – Coordination" not in after.text
    assert "A060" in waiting_ids(served)
    events = served.coordinator.get("/coordinator/").text
    for words in ("Additional personal link created", "Personal links revoked", "Answers deleted"):
        assert words in events


def test_unknown_organisation_is_not_found(served: Round) -> None:
    assert served.coordinator.get("/coordinator/organisation/nobody/").status == 404
