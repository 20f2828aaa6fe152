"""The office workbooks of analyze, gaps and compare as a coordinator opens them, and the CSV files
beside them as Excel and scripts read them (issue 14, item 7)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from carenet_graph.analysis.run import analyze
from carenet_graph.gaps.run import find_gaps
from carenet_graph.gaps.texts import rule_title
from carenet_graph.locale import Locale
from carenet_graph.output.columns import CODE_LISTS, COLUMN_KINDS, FIGURE_KINDS
from carenet_graph.read import load
from carenet_graph.vocabulary import default_vocabulary
from carenet_graph.waves import compare, write_comparison
from tests.gaps.test_gaps import CARE_WELFARE, GP_PKD, network, rules
from tests.output.xlsx_cells import Cell, column, read_workbook, values
from tests.support.commands import Invoke
from tests.waves.test_compare import rules as wave_rules
from tests.waves.test_compare import waves


def codes() -> set[str]:
    """Every id and code a workbook must show as a word: vocabulary ids, code lists, column ids."""
    vocab = default_vocabulary()
    found = {str(k) for k in (*vocab.actor_types, *vocab.sectors, *vocab.tie_types)}
    found |= {code for group in CODE_LISTS.values() for code in group}
    found |= set(COLUMN_KINDS) | set(FIGURE_KINDS) | {"true", "false", "True", "False"}
    return found


def visible_codes(book: dict[str, list[list[Cell]]], id_headers: set[str]) -> list[tuple[str, str, str]]:
    """(sheet, header, text) of each text cell that is an id or code, outside the columns of the user's ids."""
    forbidden = codes()
    out = []
    for sheet, rows in book.items():
        headers = [str(c.value) for c in rows[0]] if rows else []
        for row in rows:
            for header, cell in zip(headers, row, strict=False):
                if header not in id_headers and isinstance(cell.value, str) and cell.value.strip() in forbidden:
                    out.append((sheet, header, cell.value))
    return out


def test_analysis_workbook_in_german(multigraph: nx.MultiDiGraph, tmp_path: Path) -> None:
    result = analyze(multigraph, permutations=20)
    written = result.write(tmp_path, locale="de")
    assert [p.name for p in written] == ["actors.csv", "groups.csv", "mixing.csv", "brokerage.csv", "network.json",
                                         "analysis.xlsx"]
    book = read_workbook(tmp_path / "analysis.xlsx")
    assert list(book) == ["Akteure", "Netzwerk-Kennzahlen", "Gruppen", "Zwischen Gruppen", "Vermittlung gegen Zufall",
                          "Erläuterungen"]
    actors = book["Akteure"]
    assert len(actors) - 1 == len(result.actors)  # every actor, nothing more
    between = column(actors, "Anteil kürzester Wege über den Akteur (Betweenness)")
    # Full precision as a spreadsheet keeps it (xlsxwriter writes 16 significant digits; Excel keeps 15).
    assert [c.value for c in between] == pytest.approx([float(x) for x in result.actors["betweenness"]], rel=1e-15)
    assert {c.format for c in between} == {"0.000"}
    assert {c.value for c in column(actors, "Bereich")} == {"Ärztliche Versorgung", Locale("de").label(
        "sector", "social_welfare")}
    assert {c.value for c in column(actors, "Kritisches Bindeglied")} == {"ja", "nein"}
    figures = {row[0].value: row[1] for row in book["Netzwerk-Kennzahlen"][1:]}
    assert list(figures)[:3] == ["Akteure", "Verbindungen", "Dichte (Anteil der möglichen Paare, die zusammenarbeiten)"]
    assert not [name for name in figures if re.search(r"[a-z]_[a-z]|^[a-z_.]+$", str(name))]  # no figure key shown
    assert figures["Akteure"].value == 6 and figures["Akteure"].format == "#,##0"
    assert figures["Anteil der Akteure im größten Teil"].value == pytest.approx(5 / 6)
    assert figures["Anteil der Akteure im größten Teil"].format == "0.0%"
    assert figures["Welche Angaben eine Verbindung ergeben"].value == "Angabe einer Seite genügt"
    assert figures["Alle Maße exakt berechnet"].value == "ja"
    assert any(str(name).startswith("Version von networkx") for name in figures)
    groups = values(book["Gruppen"])
    assert groups[0][0] == "Gruppe" and {row[0] for row in groups[1:]} == {"Ärztliche Versorgung", Locale(
        "de").label("sector", "social_welfare")}
    brokerage = values(book["Vermittlung gegen Zufall"])
    assert brokerage[0][:3] == ["Akteurs-ID", "Bezeichnung", "Vermittlung als Koordinator: zufällig erwartet"]
    assert brokerage[1][1] == "Actor a"
    explained = {(row[0], row[1]) for row in values(book["Erläuterungen"])[3:]}
    assert ("Vermittlung gegen Zufall", "…: z-Wert") in explained
    assert ("Akteure", "Anteil kürzester Wege über den Akteur (Betweenness)") in explained
    assert visible_codes(book, {"Akteurs-ID"}) == []
    # The CSV files stay the machine's: English column ids, ids, comma, decimal point, no BOM.
    csv = (tmp_path / "actors.csv").read_bytes()
    assert csv.startswith(b"id,name,type,sector,municipality,degree,") and b"other_organisation" in csv


def test_gaps_workbook_in_german_names_rules_by_their_titles(tmp_path: Path) -> None:
    chosen = rules(GP_PKD, CARE_WELFARE)
    report = find_gaps(network(), chosen, locale="de")
    report.write(tmp_path)
    book = read_workbook(tmp_path / "gaps.xlsx")
    assert list(book) == ["Unerfüllte Erwartungen", "Vorgeschlagene Kontakte", "Kommunen", "Strukturelle Lücken",
                          "Abweichende Angaben", "Erläuterungen"]
    gaps = book["Unerfüllte Erwartungen"]
    titles = {rule.id: rule_title(rule, "de") for rule in chosen}
    assert {c.value for c in column(gaps, "Erwartung")} == {titles[r] for r in report.gaps["rule"]}
    assert {c.value for c in column(gaps, "Verbindlichkeit")} <= {"verpflichtend", "erwartet", "empfohlen"}
    assert {c.value for c in column(gaps, "Art")} == {Locale("de").label("actor_type", t) for t in report.gaps["type"]}
    cards = book["Kommunen"]
    coverage = column(cards, "Erfüllte Erwartungen (Anteil)")
    assert [c.value for c in coverage] == [None if pd.isna(x) else float(x) for x in report.scorecards["rule_coverage"]]
    assert {c.format for c in coverage if c.value is not None} == {"0%"}
    ids = {"Akteurs-ID", "Partner-ID", "Vermittler-ID", "Mögliche Partner (IDs)", "Hängt allein ab von (IDs)",
           "Akteurs-ID (erster)", "Akteurs-ID (zweiter)", "Gruppe oder Partner", "Andere Gruppe oder Partner"}
    assert visible_codes(book, ids) == []
    assert not any(isinstance(c.value, str) and c.value in {r.id for r in chosen}
                   for rows in book.values() for row in rows for c in row)
    # The CSV keeps the rule ids, for scripts.
    assert "gp_pkd" in (tmp_path / "gaps.csv").read_text(encoding="utf-8")


def test_compare_workbook_in_dutch(tmp_path: Path) -> None:
    before, after = waves()
    result = compare(before, after, rules=wave_rules(), locale="nl")
    written = write_comparison(result, tmp_path)
    assert [p.name for p in written][-1] == "compare.xlsx"
    book = read_workbook(tmp_path / "compare.xlsx")
    assert list(book) == ["Kenmerken voor en na", "Gewijzigde verbindingen", "Veranderingen per actor",
                          "Koppeling van actoren", "Toelichting"]
    figures = {row[0].value: row[1:] for row in book["Kenmerken voor en na"][1:]}
    ties = figures["Verbindingen"]
    assert [c.value for c in ties] == [result.summary["network"]["ties"][k] for k in ("before", "after", "delta")]
    assert {c.format for c in ties} == {"#,##0"}
    changes = book["Gewijzigde verbindingen"]
    assert {c.value for c in column(changes, "Verandering")} == {"nieuw", "beëindigd", "nauwer", "losser",
                                                                "andere soort samenwerking", "onveranderd"}
    actors = values(book["Veranderingen per actor"])
    assert "Aantal partners (graad) voorheen" in actors[0] and "Aantal partners (graad): verandering" in actors[0]
    assert "role_change" not in actors[0] and "Veranderde rol" in actors[0]
    matching = book["Koppeling van actoren"]
    assert {c.value for c in column(matching, "Hoe gekoppeld")} <= {
        "onduidelijk: de naam past bij meerdere actoren", "op ID, maar met een andere naam",
        "nieuw in de latere meting", "alleen in de eerdere meting", "op naam", "op ID"}
    # The tables key actors of the earlier wave only as "before:<id>"; the workbook shows their own id.
    assert "before:hospiz-alt" in set(result.tie_changes["actor_a"]) | set(result.tie_changes["actor_b"])
    assert not [c.value for rows in book.values() for row in rows for c in row
                if isinstance(c.value, str) and c.value.startswith("before:")]
    assert "hospiz-alt" in {c.value for c in column(changes, "Actor-ID (eerste)") + column(changes,
                                                                                          "Actor-ID (tweede)")}
    ids = {"Actor-ID", "Actor-ID (eerste)", "Actor-ID (tweede)", "Actor-ID (latere meting)",
           "Actor-ID in de eerdere meting", "Actor-ID in de latere meting"}
    assert visible_codes(book, ids) == []


def test_workbooks_are_byte_identical(multigraph: nx.MultiDiGraph, tmp_path: Path) -> None:
    result = analyze(multigraph, permutations=20)
    result.write(tmp_path / "one", locale="sv", csv="excel")
    result.write(tmp_path / "two", locale="sv", csv="excel")
    for name in ("analysis.xlsx", "actors.csv", "brokerage.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


# -- through the command line ---------------------------------------------------------------------

def test_cli_analyze_and_gaps_write_the_workbook_in_the_language(example_workbooks: dict[str, Path], tmp_path: Path,
                                                                 invoke: Invoke) -> None:
    lippe = example_workbooks["lippe"]
    done = invoke("analyze", lippe, "-o", tmp_path / "analyse", "--lang", "de")
    assert done.exit_code == 0, done.output
    book = read_workbook(tmp_path / "analyse" / "analysis.xlsx")
    assert next(iter(book)) == "Akteure"
    assert visible_codes(book, {"Akteurs-ID"}) == []
    gaps = invoke("gaps", lippe, "-o", tmp_path / "luecken", "--lang", "de")
    assert gaps.exit_code == 0, gaps.output
    book = read_workbook(tmp_path / "luecken" / "gaps.xlsx")
    ids = {"Akteurs-ID", "Partner-ID", "Vermittler-ID", "Mögliche Partner (IDs)", "Hängt allein ab von (IDs)",
           "Akteurs-ID (erster)", "Akteurs-ID (zweiter)", "Gruppe oder Partner", "Andere Gruppe oder Partner"}
    assert visible_codes(book, ids) == []
    rule_ids = {str(r) for r in pd.read_csv(tmp_path / "luecken" / "gaps.csv")["rule"]}
    assert rule_ids and not any(c.value in rule_ids for rows in book.values() for row in rows for c in row)


@pytest.mark.parametrize("lang", ["de", "nl", "sv"])
def test_excel_csv_round_trip_through_convert_and_validate(lang: str, example_workbooks: dict[str, Path],
                                                           tmp_path: Path, invoke: Invoke) -> None:
    source = example_workbooks["lippe"]
    done = invoke("convert", source, "-o", tmp_path / "netz.csv", "--csv", "excel", "--lang", lang)
    assert done.exit_code == 0, done.output
    actors, ties = tmp_path / "netz_actors.csv", tmp_path / "netz_ties.csv"
    raw = actors.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid;name;")
    checked = invoke("validate", actors, ties, "--format", "json")
    assert checked.exit_code == 0, checked.output
    report = json.loads(checked.output[checked.output.index("{"):])
    # Read back whole: no error, no warning (no "1,125" left to guess), every row an actor or a tie.
    assert report["counts"]["error"] == 0 and report["counts"]["warning"] == 0, report["rules"]
    assert report["accounting"]["rows_rejected"] == 0 and report["rules"]["file.delimiter"] == 2
    with pytest.warns(UserWarning, match="left out"):  # the example's deliberate errors, left out by convert
        original = load(source)
    again = load([actors, ties])
    assert sorted(map(str, again.nodes)) == sorted(map(str, original.nodes))
    assert again.number_of_edges() == original.number_of_edges()
    for v, data in original.nodes(data=True):
        for key in ("lat", "lon", "name", "type", "municipality"):
            assert again.nodes[str(v)].get(key) == data.get(key), (v, key)
    # pandas reads the same file with the arguments the README documents.
    frame = pd.read_csv(actors, sep=";", decimal=",", encoding="utf-8-sig")
    machine = tmp_path / "machine.csv"
    assert invoke("convert", source, "-o", machine).exit_code == 0
    pd.testing.assert_frame_equal(frame, pd.read_csv(tmp_path / "machine_actors.csv"))


def test_cli_excel_csv_of_analyze_reads_back_in_pandas(example_workbooks: dict[str, Path], tmp_path: Path,
                                                       invoke: Invoke) -> None:
    lippe = example_workbooks["lippe"]
    assert invoke("analyze", lippe, "-o", tmp_path / "m").exit_code == 0
    assert invoke("analyze", lippe, "-o", tmp_path / "x", "--csv", "excel", "--lang", "de").exit_code == 0
    for name in ("actors.csv", "groups.csv", "mixing.csv", "brokerage.csv"):
        text = (tmp_path / "x" / name).read_text(encoding="utf-8-sig")
        assert text.splitlines()[0] == (tmp_path / "m" / name).read_text(encoding="utf-8").splitlines()[0].replace(
            ",", ";")
        assert not re.search(r"(^|;)\d+\.\d+(;|$)", text, flags=re.M)  # no decimal point left in a number
        excel = pd.read_csv(tmp_path / "x" / name, sep=";", decimal=",", encoding="utf-8-sig")
        pd.testing.assert_frame_equal(excel, pd.read_csv(tmp_path / "m" / name))


def test_the_users_vocabulary_reaches_the_gaps_workbook(tmp_path: Path) -> None:
    from carenet_graph.vocabulary import load_vocabulary

    extra = tmp_path / "terms.yaml"
    extra.write_text("actor_types:\n  - id: general_practitioner\n    labels: {de: Hausarztpraxis-Eigenname}\n",
                     encoding="utf-8")
    report = find_gaps(network(), rules(GP_PKD), locale=Locale("de", load_vocabulary([extra])))
    report.write(tmp_path / "own")
    report.write(tmp_path / "again", locale="de")  # a language code keeps the report's vocabulary
    for folder in ("own", "again"):
        gaps = read_workbook(tmp_path / folder / "gaps.xlsx")["Unerfüllte Erwartungen"]
        assert {c.value for c in column(gaps, "Art")} == {"Hausarztpraxis-Eigenname"}
