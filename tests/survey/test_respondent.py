"""The respondent's pages over HTTP, as a browser without JavaScript uses them: last wave as a
starting point, the roster search, saying "no other partners", editing until the round closes,
downloading and deleting one's own answers.

The server runs in a child process (tests/support/survey_server.py); every text asserted on is
taken from the catalogue, so the tests say what the reader sees without copying sentences.
"""

from __future__ import annotations

import csv
import html
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from carenet_graph.i18n import translate
from carenet_graph.read import read_network
from tests.support.commands import child_env
from tests.support.survey_server import Client, Server, path_of, start_server

try:
    import django  # noqa: F401
except ImportError:  # the README's test command installs the extra; a missing one must not pass silently
    pytest.fail("the survey tests need the survey extra: pip install '.[test,survey]'", pytrace=False)


def carenet(*args: str | Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "carenet_graph", *map(str, args)], capture_output=True, text=True,
                          env=child_env({"PYTHONIOENCODING": "utf-8"}), timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return done


class Project:
    """An example project with its links by organisation id, served for the module."""

    def __init__(self, folder: Path, links: dict[str, str], server: Server) -> None:
        self.folder, self.links, self.server = folder, links, server

    def client(self, lang: str = "en") -> Client:
        return Client(self.server, lang=lang)

    def open(self, actor: str, lang: str = "en") -> tuple[Client, str]:
        """A fresh client that has given consent for ``actor``; returns it and the link's path."""
        client, path = self.client(lang), path_of(self.links[actor])
        start = client.get(path)
        assert start.status == 200, start.status
        done = client.post(path, {"respondent": "Test Person", "consent": "yes"}, token=start.token())
        assert done.status == 302 and done.headers["Location"].endswith("/partners/"), done.status
        return client, path


def _make(tmp: Path, example: Path) -> tuple[Path, dict[str, str]]:
    folder = tmp / "umfrage"
    carenet("survey", "init", example, "-p", folder, "--lang", "de")
    carenet("survey", "invite", "-p", folder, "-o", tmp / "links.csv")
    links = {row["id"]: row["link"] for row in csv.DictReader((tmp / "links.csv").open(encoding="utf-8"))}
    return folder, links


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    example = Path(__file__).resolve().parents[2] / "data" / "lippe" / "netzwerk_lippe.xlsx"
    folder, links = _make(tmp_path_factory.mktemp("respondent"), example)
    with start_server(folder) as server:
        yield Project(folder, links, server)


def partners_on(page: str) -> set[str]:
    """The ids of the ticked partners on a partners page."""
    return set(re.findall(r'name="partner" value="([^"]+)" id="c-[^"]+" checked', page))


def test_last_wave_is_offered_and_taken_as_the_starting_point(served: Project) -> None:
    example = Path(__file__).resolve().parents[2] / "data" / "lippe" / "netzwerk_lippe.xlsx"
    ties = read_network([example]).ties
    actor = "A005"
    mine = ties[ties["reported_by"] == actor]
    assert len(mine) > 0
    expected = set(mine["target"].where(mine["source"] == actor, mine["source"]))
    client, path = served.open(actor)
    page = client.get(path + "partners/")
    offer = translate("form_previous_offer", "en", count=len(expected))
    assert html.escape(offer, quote=True) in page.text, offer
    taken = client.post(path + "partners/", {"action": "previous"}, token=page.token(), follow=True)
    assert partners_on(taken.text) == expected
    # Details came along: every level of last wave is preset on the details page.
    details = client.get(path + "details/")
    assert details.text.count(" checked aria-describedby=\"level_") == len(expected)


def test_the_roster_search_ignores_case_and_accents_and_says_how_many(served: Project) -> None:
    client, path = served.open("A010")
    found = client.get(path + "search/?q=lugde")
    assert found.status == 200
    names = set(re.findall(r'<span class="name">([^<]+)</span>', found.text))
    assert names and all("Lügde" in html.unescape(n) or "lügde" in found.text.lower() for n in names)
    by_type = client.get(path + "search/?q=" + "hospice")  # the type's label in the reader's language
    assert len(re.findall('name="partner"', by_type.text)) >= 3
    many = client.get(path + "search/?q=e")
    assert len(re.findall('name="partner"', many.text)) == 40
    assert html.escape(translate("form_search_more", "en", shown=40), quote=True) in many.text
    nothing = client.get(path + "search/?q=zzzqqq")
    assert html.escape(translate("form_search_found", "en", count=0), quote=True) in nothing.text
    # Without JavaScript the same search is a button of the form.
    page = client.get(path + "partners/")
    searched = client.post(path + "partners/", {"action": "search", "q": "lugde"}, token=page.token(), follow=True)
    assert set(re.findall(r'<span class="name">([^<]+)</span>', searched.text)) >= names


def test_no_partner_at_all_needs_the_explicit_sentence(served: Project) -> None:
    client, path = served.open("A020")
    page = client.get(path + "partners/")
    refused = client.post(path + "partners/", {"action": "next"}, token=page.token())
    assert refused.status == 200
    assert html.escape(translate("form_error_no_partner", "en"), quote=True) in refused.text
    moved = client.post(path + "partners/", {"action": "next", "no_other_partners": "yes"}, token=page.token())
    assert moved.status == 302 and moved.headers["Location"].endswith("/details/")
    sent = client.post(path + "details/", {"action": "submit"}, token=page.token())
    assert sent.status == 302 and sent.headers["Location"].endswith("/done/")
    answers = client.get(path + "answers.json").json()
    assert answers["answer"]["no_other_partners"] is True and answers["answer"]["partners"] == []
    assert answers["answer"]["submitted"]


def test_a_partner_from_another_organisations_addition_cannot_be_named(served: Project) -> None:
    first, first_path = served.open("A030")
    page = first.get(first_path + "partners/")
    added = first.post(first_path + "partners/", {"action": "add", "new_name": "Café <Lotsen> & Co"},
                       token=page.token())
    assert "Café &lt;Lotsen&gt; &amp; Co" in added.text and "<Lotsen>" not in added.text
    new_id = re.search(r'value="(new-\d+)" id="c-', added.text)
    assert new_id, "the added organisation is among the partners"
    other, other_path = served.open("A031")
    page = other.get(other_path + "partners/")
    other.post(other_path + "partners/", {"action": "save", "partner": [new_id.group(1), "A001"]}, token=page.token())
    assert partners_on(other.get(other_path + "partners/").text) == {"A001"}
    assert "Lotsen" not in other.get(other_path + "search/?q=lotsen").text


def test_answers_can_be_downloaded_and_deleted_by_their_link_only(served: Project) -> None:
    client, path = served.open("A040")
    page = client.get(path + "partners/")
    client.post(path + "partners/", {"action": "save", "partner": ["A001", "A002"]}, token=page.token())
    mine = client.get(path + "answers.json")
    assert mine.headers["Content-Disposition"].startswith("attachment")
    assert {p["id"] for p in mine.json()["answer"]["partners"]} == {"A001", "A002"}
    # Another organisation's link shows nothing of this answer.
    other = served.client().get(path_of(served.links["A041"]) + "answers.json").json()
    assert other["organisation"]["id"] == "A041" and other["answer"] is None
    confirm = client.get(path + "delete/")
    gone = client.post(path + "delete/", {"confirm": "yes"}, token=confirm.token())
    assert html.escape(translate("form_deleted_title", "en"), quote=True) in gone.text
    assert client.get(path + "answers.json").json()["answer"] is None


def test_after_closing_links_show_the_answer_but_change_nothing(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "data" / "lippe" / "netzwerk_lippe.xlsx"
    folder, links = _make(tmp_path, example)
    with start_server(folder) as server:
        project = Project(folder, links, server)
        client, path = project.open("A050")
        page = client.get(path + "partners/")
        client.post(path + "partners/", {"action": "save", "partner": ["A001"]}, token=page.token())
    carenet("survey", "close", "-p", folder)
    with start_server(folder) as server:
        client = Client(server, lang="en")
        closed = client.get(path + "partners/")
        assert html.escape(translate("form_closed_title", "en"), quote=True) in closed.text
        # A valid form post (the CSRF cookie's token) is answered with the closed page, not stored.
        refused = client.post(path + "partners/", {"action": "save", "partner": ["A002"]})
        assert html.escape(translate("form_closed_title", "en"), quote=True) in refused.text
        kept = json.loads(client.get(path + "answers.json").text)
        assert [p["id"] for p in kept["answer"]["partners"]] == ["A001"]
