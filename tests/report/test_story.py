"""The report tells the story a coordinator takes into a meeting, in the reader's words.

On the three bundled examples, in their own language and in English: the network's name heads
the page; the key findings come first, as sentences linking to sections that exist; the
municipalities the findings call unlinked are exactly those the scorecard marks "no"; isolates
are named; and no id, code, boolean, option value or hand-written plural reaches the text a
person reads (the map's srcdoc, the software versions and the citations aside).
"""

from __future__ import annotations

import re
import warnings
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

import carenet_graph as cg
from carenet_graph.gaps import load_rules
from carenet_graph.i18n import LANGUAGES, catalog
from carenet_graph.report import build_report
from carenet_graph.report.build import SECTIONS
from carenet_graph.vocabulary import default_vocabulary

EXAMPLES = {"lippe": "de", "varmland": "sv", "eemland": "nl"}
NETWORK_NAMES = {"lippe": "Hospiz- und Palliativnetz Lippe", "varmland": "Palliativa rådet i Värmland",
                 "eemland": "Netwerk Palliatieve Zorg Eemland"}


class Page(HTMLParser):
    """The text a reader sees, by section id; the iframe's srcdoc and the versions list are not text."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, list[str]] = {}
        self.stack: list[str] = []
        self.links: list[str] = []
        self.order: list[str] = []
        self.h1: list[str] = []
        self._in_h1 = False
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "section":
            self.stack.append(found.get("id") or "")
            self.order.append(found.get("id") or "")
        if tag == "a" and (found.get("href") or "").startswith("#"):
            self.links.append((found.get("href") or "")[1:])
        if tag in ("style", "script"):
            self._skip += 1
        self._in_h1 = self._in_h1 or tag == "h1"

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.stack.pop()
        if tag in ("style", "script"):
            self._skip -= 1
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_h1:
            self.h1.append(data)
        self.sections.setdefault(self.stack[-1] if self.stack else "", []).append(data)

    def text(self, section: str) -> str:
        return " ".join(self.sections.get(section, []))


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def examples(example_workbooks: dict[str, Path]) -> dict[str, nx.MultiDiGraph]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the examples hold a few deliberate errors
        return {name: cg.load(example_workbooks[name]) for name in EXAMPLES}


@pytest.fixture(scope="module")
def pages(examples: dict[str, nx.MultiDiGraph]) -> dict[tuple[str, str], str]:
    built = {}
    for name, lang in EXAMPLES.items():
        for language in sorted({lang, "en"}):
            built[name, language] = build_report(examples[name], locale=language)
    return built


def _ids() -> set[str]:
    vocab = default_vocabulary()
    ids = set(vocab.actor_types) | set(vocab.sectors) | set(vocab.tie_types) | {r.id for r in load_rules()}
    return {i for i in ids if "_" in i}  # one-word ids ("pharmacy") are also ordinary English words


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_story_comes_first(pages: dict[tuple[str, str], str], name: str) -> None:
    page = parse(pages[name, EXAMPLES[name]])
    assert "".join(page.h1).strip() == NETWORK_NAMES[name]
    assert page.order[:3] == ["findings", "introductions", "map"]
    findings = re.findall(r'<ol class="findings">(.*?)</ol>', pages[name, EXAMPLES[name]], re.S)[0]
    items = re.findall(r"<li>(.*?)</li>", findings, re.S)
    assert 3 <= len(items) <= 6
    for item in items:
        target = re.search(r'href="#([\w-]+)"', item)
        assert target is not None and target.group(1) in SECTIONS, item
    assert set(page.links) <= set(SECTIONS)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_findings_and_scorecards_agree_on_the_unlinked_municipalities(pages: dict[tuple[str, str], str],
                                                                      name: str) -> None:
    html = pages[name, "en"]
    page = parse(html)
    rows = re.findall(r"<tr>(.*?)</tr>", html[html.index('<section id="scorecards">'):
                                              html.index('<section id="key-actors">')], re.S)
    cards = [re.findall(r"<td>(.*?)</td>", row) for row in rows[1:]]
    column = re.findall(r"<th>(.*?)</th>", rows[0]).index(catalog("en")["card_linked_to_network"])
    unlinked = sorted(cells[0] for cells in cards if cells[column] == "no")
    sentence = next(s for s in page.sections["findings"] if "municipalit" in s)
    if unlinked and len(unlinked) == len(cards):
        assert f"None of the {len(cards)} municipalities" in sentence
    elif unlinked:
        assert f"{len(unlinked)} of {len(cards)} municipalities" in sentence
        for municipality in unlinked[:5]:
            assert municipality in sentence
    else:
        assert f"All {len(cards)} municipalities" in sentence


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_isolated_actors_are_named(examples: dict[str, nx.MultiDiGraph], pages: dict[tuple[str, str], str],
                                   name: str) -> None:
    G = examples[name]
    alone = [d["name"] for v, d in G.nodes(data=True) if G.degree(v) == 0]
    edge = parse(pages[name, EXAMPLES[name]]).text("edge")
    assert alone, "the examples have an isolate on purpose"
    for actor in alone:
        assert actor in edge


@pytest.mark.parametrize(("name", "lang"), [(n, lang) for n, own in EXAMPLES.items() for lang in sorted({own, "en"})])
def test_no_identifier_code_or_machine_word_in_the_text(pages: dict[tuple[str, str], str], name: str,
                                                        lang: str) -> None:
    page = parse(pages[name, lang])
    text = " ".join(page.text(s) for s in page.sections if s != "methods") + " " + _methods_without_versions(page)
    words = set(re.findall(r"[\w.]+", text))
    assert not words & _ids(), sorted(words & _ids())
    for machine in ("True", "False", "nan", "NaN", "undirected"):
        assert machine not in words, machine
    assert not re.search(r"\bNone\b(?! of )", text)  # Python's None, not the English "None of the 16 …"
    assert "[tie." not in text and "[actor." not in text
    assert not re.search(r"\w\((n|s|e|en|er|ar)\)", text), re.search(r".{20}\w\((n|s|e|en|er|ar)\).{20}", text)


def _methods_without_versions(page: Page) -> str:
    # The software versions ("pandas 3.1.1") and citations are for analysts and are not words to translate.
    text = page.text("methods")
    return text.split(catalog("en")["methods_measures"])[0]


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_numbers_use_the_languages_decimal_sign(examples: dict[str, nx.MultiDiGraph], lang: str) -> None:
    html = build_report(examples["lippe"], locale=lang)
    key_actors = html[html.index('<section id="key-actors">'):html.index('<section id="fragility">')]
    values = re.findall(r'<td class="num">([^<]*)</td>', key_actors)
    assert any(re.fullmatch(r"\d+,\d{3}", v) for v in values), values[:12]
    assert not any(re.fullmatch(r"\d+\.\d{3}", v) for v in values), values[:12]


def test_a_title_option_and_the_date_head_the_page(examples: dict[str, nx.MultiDiGraph]) -> None:
    import datetime as dt

    html = build_report(examples["lippe"], locale="de", title="Netzwerktreffen Lippe", date=dt.date(2026, 11, 30))
    page = parse(html)
    assert "".join(page.h1) == "Netzwerktreffen Lippe"
    assert '<p class="subtitle">Kreis Lippe · 30. November 2026</p>' in html


def test_progress_names_every_long_step(examples: dict[str, nx.MultiDiGraph]) -> None:
    steps: list[str] = []
    build_report(examples["eemland"], locale="nl", progress=steps.append)
    assert steps[0] == "centrality" and steps[-3:] == ["gaps", "map", "page"]
    assert all(f"progress_{step}" in catalog("nl") for step in steps)
