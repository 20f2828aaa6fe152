"""`carenet compare`: two waves in, tables, summary, and a safe offline compare.html out."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

from carenet_graph.locale import Locale
from carenet_graph.read.load import load
from carenet_graph.report import compare_waves
from carenet_graph.report.comparison import narrative
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
    assert lines[0] == "6 Akteure in beiden Erhebungen, 0 neu, 0 nicht mehr dabei."
    assert lines[1] == "2 neue Verbindungen, 1 beendet, 1 enger geworden, 0 schwächer geworden."
    assert "1 Kommunen sind jetzt mit dem Palliativnetz verbunden: Lemgo." in lines
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
    assert result.output.splitlines()[0] == "6 actors in both waves, 0 new, 0 left."
    for path in out.iterdir():
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
    names = ["tie_changes.csv", "actor_changes.csv", "actor_matching.csv", "summary.json", "compare.html"]
    assert [p.name for p in compared.written] == names  # the order the command prints
    assert all(p.parent == out for p in compared.written)
    for name in names:
        assert (out / name).read_bytes() == (cli_out / name).read_bytes(), name
    story = narrative(compared.summary, "de")
    assert result.output.splitlines()[:len(story)] == story
    assert result.output.splitlines()[-1].endswith(", ".join(str(cli_out / name) for name in names))
    # The story sits in the page's header, each sentence escaped, above the map.
    header = Header()
    header.feed((out / "compare.html").read_text(encoding="utf-8"))
    assert "narrative" in header.ids and header.items == story
    assert compare_waves(G_before, G_after).written == ()  # nothing written without output
    assert not (tmp_path / "compare.html").exists()
