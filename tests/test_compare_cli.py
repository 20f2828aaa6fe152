"""`carenet compare`: two waves in, tables, summary, and a safe offline compare.html out."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from carenet_graph.cli import cli

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


def test_compare_two_folders(tmp_path: Path) -> None:
    first, second = waves(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["compare", str(first), str(second), "-o", str(out), "--lang", "de"])
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
    CliRunner().invoke(cli, ["compare", str(first), str(second), "-o", str(again), "--lang", "de"])
    for name in ("tie_changes.csv", "actor_changes.csv", "actor_matching.csv", "summary.json", "compare.html"):
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_compare_pseudonymized_keeps_matching_and_hides_names(tmp_path: Path) -> None:
    first, second = waves(tmp_path)
    out = tmp_path / "out"
    key = tmp_path / "k.key"
    result = CliRunner().invoke(cli, ["compare", str(first), str(second), "-o", str(out), "--pseudonymize",
                                      "--key", str(key)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "6 actors in both waves, 0 new, 0 left."
    for path in out.iterdir():
        text = path.read_text(encoding="utf-8")
        for secret in ("Praxis", "PKD Lippe", "Pflegedienst", "Sozialamt"):
            assert secret not in text, (path.name, secret)
