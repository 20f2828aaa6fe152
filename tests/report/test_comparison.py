"""`carenet compare`: two waves in, tables, summary, and a safe offline compare.html out."""

from __future__ import annotations

import json
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from carenet_graph.locale import Locale
from carenet_graph.read.load import load
from carenet_graph.report import compare_waves
from carenet_graph.report.comparison import CHANGE_STYLE, change_table, comparison_map, comparison_page, narrative
from tests.support.commands import Invoke

ACTORS = ("id;name;type;municipality\ng1;Praxis <b>A</b>;Hausarzt;Lemgo\np1;PKD Lippe;PKD;Lemgo\n"
          "n1;Pflegedienst;Pflegedienst;Lemgo\nt1;Stadt Lemgo;Stadt;Lemgo\n"
          "net;Palliativnetz Lippe;Hospiz- und Palliativnetzwerk;Detmold\nw1;Sozialamt;Sozialamt;Lemgo\n")


def waves(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "2024", tmp_path / "2025"
    for folder, ties in ((first, "g1;p1;Konsil;2\np1;n1;gemeinsame Patienten;3\nn1;w1;Informationsaustausch;2\n"),
                         (second, "g1;p1;Konsil;4\np1;n1;gemeinsame Patienten;3\nt1;net;Mitgliedschaft;2\n"
                                  "g1;n1;gemeinsame Patienten;3\n")):
        folder.mkdir()
        (folder / "actors.csv").write_text(ACTORS, encoding="utf-8")
        (folder / "ties.csv").write_text("source;target;type;level\n" + ties, encoding="utf-8")
    return first, second


def test_compare_two_folders(tmp_path: Path, invoke: Invoke) -> None:
    first, second = waves(tmp_path)
    out = tmp_path / "out"
    result = invoke("compare", first, second, "-o", out, "--lang", "de")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # The narrative's words are the catalogue's (checked there); here the numbers they carry.
    de = Locale("de")
    assert de.t("compare_actors", matched=6, new=0, left=0) in lines
    assert de.t("compare_ties", added=2, removed=1, up=1, down=0) in lines
    assert de.t("compare_linked", count=1, names="Lemgo") in lines
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["ties"]["added"] == 2 and summary["municipalities_newly_linked"] == ["Lemgo"]
    html = (out / "compare.html").read_text(encoding="utf-8")
    assert "Die wichtigsten Veränderungen" in html and 'http-equiv="Content-Security-Policy"' in html
    assert "<b>A</b>" not in html  # the name travels only escaped, as JSON text
    again = tmp_path / "again"
    invoke("compare", first, second, "-o", again, "--lang", "de")
    for name in ("tie_changes.csv", "actor_changes.csv", "actor_matching.csv", "summary.json", "compare.html"):
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_compare_pseudonymized_keeps_matching_and_hides_names(tmp_path: Path, invoke: Invoke) -> None:
    first, second = waves(tmp_path)
    out = tmp_path / "out"
    key = tmp_path / "k.key"
    result = invoke("compare", first, second, "-o", out, "--pseudonymize", "--key", key)
    assert result.exit_code == 0, result.output
    assert Locale("en").t("compare_actors", matched=6, new=0, left=0) in result.output.splitlines()
    for path in out.iterdir():
        if path.suffix == ".xlsx":  # a workbook is XML in a zip file
            with zipfile.ZipFile(path) as book:
                text = "".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))
        else:
            text = path.read_text(encoding="utf-8")
        for secret in ("Praxis", "PKD Lippe", "Pflegedienst", "Sozialamt"):
            assert secret not in text, (path.name, secret)


class Header(HTMLParser):
    """The text of each list item inside the page's <header> and the ids of the elements there."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.ids: list[str] = []
        self.items: list[str] = []
        self._item: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "header":
            self.depth += 1
        elif self.depth:
            self.ids += [value for name, value in attrs if name == "id" and value]
            if tag == "li":
                self._item = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "header":
            self.depth -= 1
        elif tag == "li" and self._item is not None:
            self.items.append("".join(self._item))
            self._item = None

    def handle_data(self, data: str) -> None:
        if self._item is not None:
            self._item.append(data)


def test_compare_waves_is_the_commands_twin(tmp_path: Path, invoke: Invoke) -> None:
    first, second = waves(tmp_path)
    cli_out = tmp_path / "cli"
    result = invoke("compare", first, second, "-o", cli_out, "--lang", "de")
    assert result.exit_code == 0, result.output
    G_before, G_after = load([first]), load([second])
    out = tmp_path / "lib"
    compared = compare_waves(G_before, G_after, locale=Locale("de"), output=out)
    names = [p.name for p in compared.written]
    assert names[:4] == ["tie_changes.csv", "actor_changes.csv", "actor_matching.csv", "summary.json"]
    assert names[-1] == "compare.html"  # the order the command prints: the page last
    assert all(p.parent == out for p in compared.written)
    for name in names:
        assert (out / name).read_bytes() == (cli_out / name).read_bytes(), name
    story = narrative(compared.summary, "de")
    printed = result.output.splitlines()
    start = printed.index(story[0])
    assert printed[start:start + len(story)] == story
    assert result.output.splitlines()[-1].endswith(", ".join(str(cli_out / name) for name in names))
    # The story sits in the page's header, each sentence escaped, above the map.
    header = Header()
    header.feed((out / "compare.html").read_text(encoding="utf-8"))
    assert "narrative" in header.ids and header.items == story
    assert compare_waves(G_before, G_after).written == ()  # nothing written without output
    assert not (tmp_path / "compare.html").exists()


# -- the page names the changed pairs and draws them over a pale rest (issue 14, item 6) --------------------------


def compared(tmp_path: Path, lang: str = "en") -> tuple[Any, Any, Any]:
    first, second = waves(tmp_path)
    G_before, G_after = load([first]), load([second])
    return G_before, G_after, compare_waves(G_before, G_after, locale=lang)


def test_change_table_names_each_changed_pair_with_levels_in_words(tmp_path: Path) -> None:
    _, _, result = compared(tmp_path)
    table = change_table(result.tie_changes, "en")
    assert table.heading == "Ties that changed"
    assert table.header == ("Change", "Actor", "With", "Before", "Now")
    changes = [row[0] for row in table.rows]
    assert changes == ["new tie", "new tie", "ended tie", "closer than before"]
    assert {frozenset(row[1:3]) for row in table.rows} == {
        frozenset(("Praxis <b>A</b>", "Pflegedienst")), frozenset(("Stadt Lemgo", "Palliativnetz Lippe")),
        frozenset(("Pflegedienst", "Sozialamt")), frozenset(("Praxis <b>A</b>", "PKD Lippe"))}
    closer = table.rows[3]
    assert closer[3:] == ("level 2: Cooperation", "level 4: Coalition")
    assert table.note is None
    short = change_table(result.tie_changes, "de", limit=1)
    assert len(short.rows) == 1 and short.note == "3 weitere Veränderungen stehen in tie_changes.csv."
    assert change_table(result.tie_changes.iloc[0:0], "sv").note == (
        "Ingen kontakt har förändrats mellan de aktörer som finns i båda mätningarna.")


def test_changed_ties_are_bold_and_coloured_over_a_pale_rest_and_their_actors_named(tmp_path: Path) -> None:
    G_before, G_after, result = compared(tmp_path)
    data = comparison_map(G_before, G_after, result, locale="en")
    assert data.title == "Palliativnetz Lippe: What changed between the two waves"  # the network's name
    changed = {frozenset((str(r.actor_a), str(r.actor_b))): str(r.change) for r in result.tie_changes.itertuples()
               if r.change in CHANGE_STYLE}
    assert len(changed) == 4
    for edge in data.edges:
        pair = frozenset((edge["from"], edge["to"]))
        if pair in changed:
            assert edge["color"] == CHANGE_STYLE[changed[pair]]["color"] and edge["width"] >= 4
        else:
            assert edge["color"]["color"] == "#B4B4B4" and edge["color"]["opacity"] < 0.5 and edge["width"] == 1
    ends = {v for pair in changed for v in pair}
    assert {n["id"] for n in data.nodes if n.get("pinned")} == ends
    assert sorted(n["rank"] for n in data.nodes if n.get("pinned")) == list(range(len(ends)))
    assert [item["label"] for item in data.legend] == ["new tie", "ended tie", "closer than before"]
    assert [item.get("dashed") for item in data.legend] == [False, True, False]
    assert data.details == change_table(result.tie_changes, "en")
    assert "Pale grey line: tie that did not change" in data.legend_notes


def test_comparison_page_holds_the_table_and_the_print_picture(tmp_path: Path) -> None:
    G_before, G_after, result = compared(tmp_path, "de")
    html = comparison_page(G_before, G_after, result, locale="de")
    assert '<section id="details"><h2>Veränderte Verbindungen</h2>' in html
    assert "<td>Praxis &lt;b&gt;A&lt;/b&gt;</td>" in html and "<b>A</b>" not in html
    assert "<td>Stufe 4: Koalition (gemeinsame Entscheidungen)</td>" in html
    assert '<body class="has-details">' in html
    figure = html[html.index('<figure id="print-map">'):html.index("</figure>")]
    assert "Praxis &lt;b&gt;A&lt;/b&gt;" in figure  # a changed actor, named in the picture (escaped)
    assert 'stroke="#009E73"' in figure and 'stroke="#D55E00"' in figure
