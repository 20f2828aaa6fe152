"""Tests for carenet_graph.read.resolve: actor ids, references, duplicates and the row accounting.

Every input is a small CSV pair written into ``tmp_path``; the expected values (rule ids,
severities, rows, messages) are what a coordinator would see for that exact file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from carenet_graph.read.load import NetworkData, read_network
from carenet_graph.read.problems import Problem


def _read(tmp_path: Path, actors: str | None, ties: str | None = None) -> NetworkData:
    files: list[Path] = []
    for name, text in (("actors.csv", actors), ("ties.csv", ties)):
        if text is not None:
            path = tmp_path / name
            path.write_text(text, encoding="utf-8")
            files.append(path)
    return read_network(files)


def _only(data: NetworkData, rule: str) -> Problem:
    found = [p for p in data.report.problems if p.rule == rule]
    assert len(found) == 1, [(p.rule, p.row) for p in data.report.problems]
    return found[0]


def _rules(data: NetworkData) -> dict[str, int]:
    return data.report.rule_counts()


ACTORS = (
    "id,name,type\n"
    "a1,Hospiz Lemgo,Hospiz\n"
    "a2,Pflegedienst Nord,Ambulanter Pflegedienst\n"
    "a3,Apotheke am Markt,Apotheke\n"
)


# -- actor ids ------------------------------------------------------------------------------
def test_ids_are_generated_from_names_without_an_id_column(tmp_path: Path) -> None:
    # Two different services share a name (different towns): "(2)" is added to the second id.
    data = _read(tmp_path, "name,type,municipality\nHospiz Lemgo,Hospiz,Lemgo\n"
                           "Pflegedienst Nord,Pflegedienst,Lemgo\nPflegedienst Nord,Pflegedienst,Blomberg\n")
    assert list(data.actors.index) == ["Hospiz Lemgo", "Pflegedienst Nord", "Pflegedienst Nord (2)"]
    assert list(data.actors["name"]) == ["Hospiz Lemgo", "Pflegedienst Nord", "Pflegedienst Nord"]
    assert list(data.actors["row"]) == [2, 3, 4]
    note = _only(data, "actor.id_generated")
    assert (note.severity, note.column, note.count, note.rows) == ("info", "name", 3, (2, 3, 4))
    assert note.message == "no id given; id generated from the name"
    dup = _only(data, "actor.duplicate_name")
    assert (dup.severity, dup.row, dup.column, dup.rejected) == ("warning", 4, "name", False)
    assert dup.message == "another actor (row 3) has the same name; ties cannot refer to either by name"
    assert dup.value == "Pflegedienst Nord"


def test_same_name_without_ids_and_no_conflict_is_merged(tmp_path: Path) -> None:
    data = _read(tmp_path, "name,type,municipality\nPflegedienst Nord,Pflegedienst,Lemgo\n"
                           "pflegedienst  nord,,Lemgo\n")
    assert list(data.actors.index) == ["Pflegedienst Nord"]
    merged = _only(data, "actor.merged_duplicate")
    assert (merged.severity, merged.row) == ("info", 3)
    assert merged.message == "same actor as row 2; rows merged"
    acc = data.report.accounting
    assert (acc.rows_read, acc.actor_rows, acc.rows_rejected, acc.actors) == (2, 2, 0, 1)


def test_empty_id_and_name_is_an_error_and_the_row_is_rejected(tmp_path: Path) -> None:
    data = _read(tmp_path, "id,name,type\n,,Hospiz\na1,Apotheke am Markt,Apotheke\n")
    problem = _only(data, "actor.no_id_or_name")
    assert (problem.severity, problem.row, problem.column, problem.column_index, problem.rejected) == (
        "error", 2, "id", 0, True)
    assert problem.message == "actor row has neither an id nor a name; row not used"
    assert list(data.actors.index) == ["a1"]
    acc = data.report.accounting
    assert (acc.rows_read, acc.actor_rows, acc.rows_rejected, acc.actors) == (2, 1, 1, 1)
    assert acc.balanced


def test_id_without_name_uses_the_id_as_name(tmp_path: Path) -> None:
    data = _read(tmp_path, "id,name,type\na1,,Hospiz\n")
    assert data.actors.loc["a1", "name"] == "a1"
    assert not data.report.has_errors


def test_repeated_id_with_same_name_is_merged_as_info(tmp_path: Path) -> None:
    data = _read(tmp_path, "id,name,type,municipality\na1,Hospiz Lemgo,Hospiz,\na1,hospiz  LEMGO,Hospiz,Lemgo\n")
    assert list(data.actors.index) == ["a1"]
    # The second row fills what the first left empty; the first row's name stays.
    assert data.actors.loc["a1", "name"] == "Hospiz Lemgo"
    assert data.actors.loc["a1", "municipality"] == "Lemgo"
    assert data.actors.loc["a1", "row"] == 2
    merged = _only(data, "actor.merged_duplicate")
    assert (merged.severity, merged.row, merged.column, merged.rejected, merged.hint) == ("info", 3, None, False, "")
    assert merged.message == "same actor as row 2; rows merged"
    acc = data.report.accounting
    assert (acc.rows_read, acc.actor_rows, acc.rows_rejected, acc.actors) == (2, 2, 0, 1)


def test_repeated_id_disagreeing_on_attributes_warns_and_keeps_first_value(tmp_path: Path) -> None:
    data = _read(tmp_path, "id,name,type,municipality\n"
                           "a1,Hospiz Lemgo,Hospiz,Lemgo\na1,Hospiz Lemgo,Apotheke,Detmold\n")
    merged = _only(data, "actor.merged_duplicate")
    assert (merged.severity, merged.row) == ("warning", 3)
    assert merged.message == (
        "same actor as row 2; rows merged (they disagree on type, municipality; the first row's values kept)")
    assert merged.hint == "Keep one row per actor."
    assert data.actors.loc["a1", "type"] == "inpatient_hospice"
    assert data.actors.loc["a1", "sector"] == "hospice"
    assert data.actors.loc["a1", "municipality"] == "Lemgo"


def test_repeated_id_with_another_name_is_an_error(tmp_path: Path) -> None:
    data = _read(tmp_path, "id,name,type\na1,Hospiz Lemgo,Hospiz\na1,Apotheke am Markt,Apotheke\n")
    problem = _only(data, "actor.duplicate_id")
    assert (problem.severity, problem.row, problem.column, problem.rejected) == ("error", 3, "id", True)
    assert problem.message == "this id is already used for a different actor (row 2); row not used"
    assert problem.value == "a1"
    assert "Apotheke am Markt" not in problem.describe()
    assert data.actors.loc["a1", "name"] == "Hospiz Lemgo"
    acc = data.report.accounting
    assert (acc.rows_read, acc.actor_rows, acc.rows_rejected) == (2, 1, 1)


# -- references -----------------------------------------------------------------------------
def test_same_name_under_two_ids_warns_and_a_tie_by_that_name_is_ambiguous(tmp_path: Path) -> None:
    data = _read(tmp_path, ACTORS + "a4,Doppel,Apotheke\na5,doppel ,Apotheke\n",
                 "source,target,level\na1,Doppel,2\na1,a5,3\n")
    dup = _only(data, "actor.duplicate_name")
    assert (dup.severity, dup.row, dup.column) == ("warning", 6, "name")
    assert dup.message == "another actor (row 5) has the same name; ties cannot refer to either by name"
    ambiguous = _only(data, "tie.ambiguous_actor")
    assert (ambiguous.severity, ambiguous.row, ambiguous.column, ambiguous.column_letter, ambiguous.rejected) == (
        "error", 2, "target", "B", True)
    assert ambiguous.message == "the target name fits more than one actor; tie not used"
    assert ambiguous.value == "Doppel"
    # The id still works.
    assert data.ties[["source", "target", "row"]].values.tolist() == [["a1", "a5", 3]]


def test_generated_ids_do_not_make_a_shared_name_unambiguous(tmp_path: Path) -> None:
    # Without ids, the first "Pflegedienst" gets the id "Pflegedienst": a tie naming it must
    # still be ambiguous, and a real name "Pflegedienst (2)" must win over a generated id.
    data = _read(tmp_path, "name,type,municipality\nPflegedienst,Pflegedienst,Lemgo\nPflegedienst,Pflegedienst,Lage\n"
                           "Pflegedienst (2),Apotheke,\nHospiz Lemgo,Hospiz,\n",
                 "source,target\nHospiz Lemgo,Pflegedienst\nHospiz Lemgo,Pflegedienst (2)\n")
    assert list(data.actors.index) == ["Pflegedienst", "Pflegedienst (2)", "Pflegedienst (2) (2)", "Hospiz Lemgo"]
    ambiguous = _only(data, "tie.ambiguous_actor")
    assert (ambiguous.row, ambiguous.value) == (2, "Pflegedienst")
    assert data.ties[["source", "target"]].values.tolist() == [["Hospiz Lemgo", "Pflegedienst (2) (2)"]]
    assert data.actors.loc["Pflegedienst (2) (2)", "type"] == "pharmacy"


def test_tie_by_unique_name_ignores_case_and_spacing(tmp_path: Path) -> None:
    data = _read(tmp_path, ACTORS, "source,target,level\n  HOSPIZ   lemgo ,pflegedienst nord,2\n")
    assert data.ties[["source", "target"]].values.tolist() == [["a1", "a2"]]
    notes = sorted((p.column, p.severity, p.row, p.count) for p in data.report.problems
                   if p.rule == "tie.matched_by_name")
    assert notes == [("source", "info", 2, 1), ("target", "info", 2, 1)]
    assert {p.message for p in data.report.problems if p.rule == "tie.matched_by_name"} == {
        "actor found by name (ignoring case and spacing)"}
    assert not data.report.has_errors


def test_unknown_actor_keeps_the_reference_in_value_not_in_message(tmp_path: Path) -> None:
    secret = "Praxis Dr. Schmidt"
    data = _read(tmp_path, ACTORS, f"source,target,level\na1,{secret},2\n")
    problem = _only(data, "tie.unknown_actor")
    assert (problem.severity, problem.row, problem.column, problem.column_letter, problem.rejected) == (
        "error", 2, "target", "B", True)
    assert problem.message == "the target is not in the actors table; tie not used"
    assert problem.hint == "Add the actor to the actors table, or correct the spelling / id."
    assert problem.value == secret
    assert secret not in problem.message + problem.hint
    assert secret not in problem.describe()
    assert secret in problem.describe(show_values=True)
    assert len(data.ties) == 0


def test_unknown_source_is_reported_for_the_source_column(tmp_path: Path) -> None:
    data = _read(tmp_path, ACTORS, "source,target\nx9,a1\n")
    problem = _only(data, "tie.unknown_actor")
    assert (problem.column, problem.column_index, problem.value) == ("source", 0, "x9")
    assert problem.message == "the source is not in the actors table; tie not used"


def test_missing_tie_end_is_an_error(tmp_path: Path) -> None:
    data = _read(tmp_path, ACTORS, "source,target,level\na1,,2\n")
    problem = _only(data, "tie.missing_end")
    assert (problem.severity, problem.row, problem.column, problem.rejected) == ("error", 2, "target", True)
    assert problem.message == "tie has no target; row not used"


def test_self_tie_is_a_rejected_warning(tmp_path: Path) -> None:
    data = _read(tmp_path, ACTORS, "source,target,level\na1,a2,2\na1,Hospiz Lemgo,3\n")
    problem = _only(data, "tie.self")
    assert (problem.severity, problem.row, problem.column, problem.rejected) == ("warning", 3, "source", True)
    assert problem.message == "tie from an actor to itself; row not used"
    assert len(data.ties) == 1
    assert data.report.accounting.rows_rejected == 1


# -- duplicate and conflicting ties ----------------------------------------------------------
def test_exact_duplicate_tie_is_not_added_twice(tmp_path: Path) -> None:
    data = _read(tmp_path, ACTORS, "source,target,type,level\na1,a2,referral,3\na1,a2,referral,3\n")
    problem = _only(data, "tie.duplicate")
    assert (problem.severity, problem.row, problem.rejected) == ("warning", 3, True)
    assert problem.message == "same tie as row 2 (same ends, type, level and reporter); not added twice"
    assert list(data.ties["row"]) == [2]


def test_same_tie_with_another_level_is_conflicting_and_both_kept(tmp_path: Path) -> None:
    data = _read(tmp_path, ACTORS, "source,target,type,level\na1,a2,referral,3\na1,a2,referral,4\n")
    problem = _only(data, "tie.conflicting")
    assert (problem.severity, problem.row, problem.rejected) == ("warning", 3, False)
    assert problem.message == "the same tie is reported in row 2 with a different level or weight; both kept"
    assert list(data.ties["level"]) == [3, 4]
    assert data.report.accounting.tie_rows == 2


def test_same_tie_with_another_weight_is_conflicting(tmp_path: Path) -> None:
    data = _read(tmp_path, ACTORS, "source,target,type,weight\na1,a2,referral,2\na1,a2,referral,5\n")
    assert _only(data, "tie.conflicting").row == 3
    assert list(data.ties["weight"]) == [2.0, 5.0]


def test_reports_by_two_reporters_are_neither_duplicate_nor_conflicting(tmp_path: Path) -> None:
    data = _read(tmp_path, ACTORS, "source,target,type,level,reported_by\n"
                                   "a1,a2,shared_patients,3,a1\na2,a1,shared_patients,4,a2\n")
    assert "tie.duplicate" not in _rules(data)
    assert "tie.conflicting" not in _rules(data)
    assert list(data.ties["reported_by"]) == ["a1", "a2"]


def test_undirected_type_treats_both_orders_by_one_reporter_as_one_tie(tmp_path: Path) -> None:
    data = _read(tmp_path, ACTORS, "source,target,type,level,reported_by\n"
                                   "a1,a3,shared_patients,2,a1\na3,a1,shared_patients,2,Hospiz Lemgo\n"
                                   "a1,a3,referral,2,a1\na3,a1,referral,2,a1\n")
    problem = _only(data, "tie.duplicate")
    assert (problem.row, problem.message) == (
        3, "same tie as row 2 (same ends, type, level and reporter); not added twice")
    # Directed: a1 → a3 and a3 → a1 are two ties.
    assert data.ties[["source", "target", "type", "row"]].values.tolist() == [
        ["a1", "a3", "shared_patients", 2], ["a1", "a3", "referral", 4], ["a3", "a1", "referral", 5]]
    # The reporter given by name is stored as the actor id.
    assert set(data.ties["reported_by"]) == {"a1"}


def test_direction_defaults_from_the_tie_type_and_a_direction_column_overrides(tmp_path: Path) -> None:
    data = _read(tmp_path, ACTORS, "source,target,type,direction\n"
                                   "a1,a2,referral,\n"
                                   "a1,a2,shared_patients,\n"
                                   "a1,a3,referral,gegenseitig\n"
                                   "a2,a3,shared_patients,gerichtet\n"
                                   "a3,a1,,\n"
                                   "a2,a1,Überweisung,wederzijds\n")
    assert data.ties[["type", "direction"]].values.tolist() == [
        ["referral", "directed"],
        ["shared_patients", "undirected"],
        ["referral", "mutual"],
        ["shared_patients", "directed"],
        [None, "undirected"],
        ["referral", "mutual"],
    ]
    # a1 → a2 (row 2) and a2 ↔ a1 (row 7) are different claims, not a duplicate.
    assert "tie.duplicate" not in _rules(data)


def test_both_ends_reporting_a_mutual_tie_are_two_reports_a_repeated_row_one(tmp_path: Path) -> None:
    # A row without reported_by is its source's report: a1's and a2's rows are one report each
    # (as they are when reported_by is written out), so that mutual mode sees both sides.
    data = _read(tmp_path, ACTORS, "source,target,type,direction\na1,a2,referral,mutual\na2,a1,referral,ömsesidig\n"
                                   "a2,a1,referral,mutual\n")
    assert _only(data, "tie.duplicate").row == 4
    assert len(data.ties) == 2


# -- edge list: actors inferred --------------------------------------------------------------
def test_edge_list_infers_actors(tmp_path: Path) -> None:
    data = _read(tmp_path, None, "source,target,level\nHospiz Lemgo,Pflegedienst Nord,2\n"
                                 "Pflegedienst Nord,Apotheke,3\n")
    assert list(data.actors.index) == ["Hospiz Lemgo", "Pflegedienst Nord", "Apotheke"]
    assert list(data.actors["name"]) == ["Hospiz Lemgo", "Pflegedienst Nord", "Apotheke"]
    assert data.actors["row"].isna().all()
    acc = data.report.accounting
    assert (acc.rows_read, acc.tie_rows, acc.actors, acc.actors_inferred, acc.ties) == (2, 2, 3, 3, 2)
    assert acc.balanced


# -- accounting -----------------------------------------------------------------------------
def test_accounting_adds_up_for_a_file_with_every_kind_of_problem(tmp_path: Path) -> None:
    actors = ("id,name,type\n"
              "a1,Hospiz Lemgo,Hospiz\n"                # 2 actor
              "a2,Pflegedienst Nord,Pflegedienst\n"     # 3 actor
              "a2,Pflegedienst Nord,Pflegeheim\n"       # 4 merged (warning)
              "a3,Apotheke am Markt,Apotheke\n"         # 5 actor
              "a3,Andere Apotheke,Apotheke\n"           # 6 duplicate id: rejected
              ",,\n"                                    # 7 blank: skipped
              ",,Apotheke\n"                            # 8 no id or name: rejected
              "a4,Doppel,Apotheke\n"                    # 9 actor
              "a5,doppel,Apotheke\n")                   # 10 actor (duplicate name)
    ties = ("source,target,type,level\n"
            "a1,a2,referral,3\n"         # 2 tie
            "a1,a2,referral,3\n"         # 3 duplicate: rejected
            "a1,a2,referral,4\n"         # 4 conflicting: kept
            "a1,a1,referral,2\n"         # 5 self: rejected
            "a1,a9,referral,2\n"         # 6 unknown: rejected
            "a1,Doppel,referral,2\n"     # 7 ambiguous: rejected
            "a1,a3,referral,9\n"         # 8 bad level: rejected
            "a1,a3,shared_patients,\n")  # 9 tie
    data = _read(tmp_path, actors, ties)
    acc = data.report.accounting
    assert acc.to_dict() == {
        "files": 2, "tables": 2, "rows_read": 16, "actor_rows": 6, "tie_rows": 3, "rows_rejected": 7,
        "blank_rows_skipped": 1, "actors": 5, "actors_inferred": 0, "ties": 3, "balanced": True,
    }
    assert data.report.counts() == {"error": 5, "warning": 5, "info": 8}
    assert {r: n for r, n in _rules(data).items() if r.startswith(("actor.", "tie."))} == {
        "actor.duplicate_id": 1, "actor.duplicate_name": 1, "actor.merged_duplicate": 1, "actor.no_id_or_name": 1,
        "actor.type_synonym": 8, "tie.ambiguous_actor": 1, "tie.bad_level": 1, "tie.conflicting": 1,
        "tie.duplicate": 1, "tie.self": 1, "tie.unknown_actor": 1,
    }
    rejected_rows = sorted(f"{Path(p.file or '').name}:{p.row}" for p in data.report.problems if p.rejected)
    assert rejected_rows == ["actors.csv:6", "actors.csv:8", "ties.csv:3", "ties.csv:5", "ties.csv:6",
                             "ties.csv:7", "ties.csv:8"]
    assert list(data.ties["row"]) == [2, 4, 9]
    assert isinstance(data.ties["level"].dtype, pd.Int64Dtype)


@pytest.mark.parametrize("ties", ["source,target\n", None])
def test_actors_only_or_header_only_ties_give_an_empty_tie_table(tmp_path: Path, ties: str | None) -> None:
    data = _read(tmp_path, ACTORS, ties)
    assert len(data.ties) == 0
    assert {"source", "target", "type", "level", "weight", "table", "row"} <= set(data.ties.columns)
    assert data.report.accounting.balanced
