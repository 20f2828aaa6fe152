"""The HTML report: every section in every language, offline, escaped and deterministic."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from markupsafe import escape

from carenet_graph.errors import OptionError
from carenet_graph.i18n import catalog
from carenet_graph.locale import Locale
from carenet_graph.report import build_report, write_report
from carenet_graph.report.build import SECTIONS
from carenet_graph.vocabulary import load_vocabulary
from tests.support.commands import Invoke

HOSTILE = '<img src=x onerror="window.__pwned=1">'


def graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(name="Test")
    actors = [("gp", "general_practitioner", "medical", "Lemgo"), ("pkd", "palliative_consult_service", "medical",
              "Lemgo"), ("nurse", "home_nursing_service", "nursing_care", "Lemgo"),
              ("town", "municipality", "municipality_public", "Lemgo"),
              ("welfare", "social_welfare_organisation", "social_welfare", "Blomberg")]
    for v, kind, sector, place in actors:
        G.add_node(v, name=f"Name {v}", type=kind, sector=sector, municipality=place)
    G.nodes["welfare"]["name"] = HOSTILE
    for u, v, level in (("gp", "pkd", 3), ("pkd", "nurse", 2), ("nurse", "town", 2), ("town", "welfare", 1)):
        G.add_edge(u, v, level=level, type="information_exchange")
    return G


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        for name, value in attrs:
            if name == "id" and value:
                self.ids.append(value)


@pytest.mark.parametrize("lang", ["en", "de", "nl", "sv"])
def test_every_section_in_every_language(lang: str) -> None:
    page = build_report(graph(), locale=lang, title="Netz <b>Titel</b>")
    parser = Collector()
    parser.feed(page)
    for section in SECTIONS:
        assert section in parser.ids, (lang, section)
    assert f'<html lang="{lang}">' in page
    assert "Netz &lt;b&gt;Titel&lt;/b&gt;" in page and "<b>Titel</b>" not in page
    # Offline: no element loads anything from outside; the map sits in an escaped srcdoc.
    for tag, attrs in parser.tags:
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            assert not re.match(r"(?i)(https?:|//)", value), (tag, name, value)
    assert 'http-equiv="Content-Security-Policy"' in page
    # The hostile name appears only escaped (in tables and inside the map's srcdoc, twice escaped).
    assert HOSTILE not in page
    # The methods section says which ties are counted and how eigenvector and E-I are defined.
    assert str(escape(catalog(lang)["methods_views"])) in page


def test_report_is_deterministic_and_cli_writes_it(tmp_path: Path, invoke: Invoke) -> None:
    assert build_report(graph(), locale="de") == build_report(graph(), locale="de")
    actors = tmp_path / "actors.csv"
    ties = tmp_path / "ties.csv"
    actors.write_text("id;name;type;municipality\ngp;Praxis A;Hausarzt;Lemgo\npkd;PKD Lippe;PKD;Lemgo\n"
                      "nurse;Pflegedienst;Pflegedienst;Lemgo\n", encoding="utf-8")
    ties.write_text("source;target;type;level\ngp;pkd;Konsil;3\npkd;nurse;gemeinsame Patienten;3\n",
                    encoding="utf-8")
    out = tmp_path / "bericht.html"
    result = invoke("report", actors, ties, "-o", out, "--lang", "de")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert '<html lang="de">' in text and "Die wichtigsten Ergebnisse" in text and "Praxis A" in text
    wrong = invoke("report", actors, ties, "-o", tmp_path / "x.pdf")
    assert wrong.exit_code == 2
    no_key = invoke("report", actors, ties, "-o", out, "--pseudonymize")
    assert no_key.exit_code == 2 and "--key" in no_key.output


def test_pseudonymized_report_contains_no_original_name(tmp_path: Path, invoke: Invoke) -> None:
    actors = tmp_path / "actors.csv"
    ties = tmp_path / "ties.csv"
    names = ["Praxis Zzyzx Quaggenbusch", "PKD Xylophonia", "Pflegedienst Wumpelstilz"]
    actors.write_text("id;name;type;municipality;notes;postcode\n"
                      f"p1;{names[0]};Hausarzt;Lemgo;Dr. Geheimnisträger privat;32657\n"
                      f"p2;{names[1]};PKD;Lemgo;;32657\n"
                      f"p3;{names[2]};Pflegedienst;Lemgo;;32657\n", encoding="utf-8")
    ties.write_text("source;target;type;level\np1;p2;Konsil;3\np2;p3;gemeinsame Patienten;3\np1;p9;Konsil;2\n",
                    encoding="utf-8")
    out = tmp_path / "report.html"
    key = tmp_path / "netz.key"
    result = invoke("report", actors, ties, "-o", out, "--pseudonymize", "--key", key)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    for secret in [*names, "Geheimnisträger", "Zzyzx", "Xylophonia", "Wumpelstilz", "32657", str(tmp_path)]:
        assert secret not in text, secret
    assert key.exists() and key.read_text(encoding="utf-8").strip() not in text
    again = tmp_path / "again.html"
    invoke("report", actors, ties, "-o", again, "--pseudonymize", "--key", key)
    assert again.read_bytes() == out.read_bytes()  # same key, same pseudonyms, same report


def test_methods_section_states_pseudonymisation(tmp_path: Path) -> None:
    from carenet_graph.privacy.pseudonyms import pseudonymize

    plain = build_report(graph(), locale="en")
    assert "Names are shown as entered" in plain
    hidden, _ = pseudonymize(graph(), b"k" * 32)
    page = build_report(hidden, locale="en")
    assert "keyed pseudonyms (HMAC-SHA256)" in page and "Name gp" not in page


def test_the_users_vocabulary_reaches_the_report_and_its_map(tmp_path: Path) -> None:
    """One Locale carries the language and the user's words to the tables and the embedded map."""
    path = tmp_path / "vokabular.yaml"
    path.write_text("actor_types:\n  - id: palliative_consult_service\n    labels: {de: Unser Konsildienst}\n"
                    "sectors:\n  - id: medical\n    labels: {de: Heilkunde (unser Wort)}\n", encoding="utf-8")
    out = write_report(graph(), tmp_path / "bericht.html", locale=Locale("de", load_vocabulary([path])))
    page = out.read_text(encoding="utf-8")
    assert '<html lang="de">' in page
    assert "<td>Unser Konsildienst</td>" in page  # key actors table
    assert "<td>Heilkunde (unser Wort)</td>" in page  # brokerage and mixing tables
    srcdoc = next(attrs["srcdoc"] or "" for tag, attrs in _tags(page) if tag == "iframe")
    assert "Unser Konsildienst" in srcdoc and "Heilkunde (unser Wort)" in srcdoc  # the map's filters and legend
    assert page == build_report(graph(), locale=Locale("de", load_vocabulary([path])))


def test_unknown_language_is_refused_by_the_locale(tmp_path: Path) -> None:
    with pytest.raises(OptionError, match="there are no texts in the language 'fr'"):
        write_report(graph(), tmp_path / "report.html", locale="fr")
    assert not (tmp_path / "report.html").exists()


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Collector()
    parser.feed(page)
    return parser.tags


def test_data_quality_section_names_no_file_sheet_column_or_value() -> None:
    """A report travels: its problems say where by number and letter, never by name or value."""
    from carenet_graph.read.problems import Problem, ValidationReport

    validation = ValidationReport(sources=["/home/anna/Frau Okonkwo/netz.xlsx"],
                                  sheets={"/home/anna/Frau Okonkwo/netz.xlsx": ["Hinweise", "Akteure Herr Ihle"]})
    validation.add(Problem("actor.type_unmatched", "warning", "actor type not in the vocabulary; read as "
                           "'other_organisation'", file="/home/anna/Frau Okonkwo/netz.xlsx",
                           sheet="Akteure Herr Ihle", row=7, column="Rückruf Frau Kowalski", column_index=2,
                           value="Nachbarin Frau Kowalski"))
    for lang in ("en", "de"):
        page = build_report(graph(), locale=lang, validation=validation)
        section = page[page.index('<section id="data-quality">'):page.index('<section id="appendix"')]
        for secret in ("anna", "Okonkwo", "netz.xlsx", "Ihle", "Kowalski", "Rückruf"):
            assert secret not in section, (lang, secret)
        assert ("file 1, sheet 2, row 7, column C" if lang == "en" else "Datei 1, Tabellenblatt 2, Zeile 7, Spalte C") \
            in section, lang
        assert ("Places: file 1 = the 1st input file read" if lang == "en" else "Orte: Datei 1") in section
