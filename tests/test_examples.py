"""The bundled example networks (data/): they load with exactly the problems data/README.md documents,
account for every row, are typed and placed, contain the planted gaps, and regenerate byte-identically."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

import carenet_graph
from carenet_graph.gaps import find_gaps
from carenet_graph.vocabulary import default_vocabulary
from tests.support.commands import child_env


@dataclass(frozen=True)
class Example:
    """What data/README.md says about one example workbook (the ``example_workbooks`` fixture)."""

    # (rule, sheet, row) of every error and warning; data/README.md lists the same rows.
    errors: tuple[tuple[str, str, int], ...]
    warnings: tuple[tuple[str, str, int], ...]
    merged_row: int  # the repeated actor row, merged with the first one
    whitespace_rows: tuple[int, ...]  # actor rows with odd spacing, made plain
    rows: tuple[int, int, int, int]  # rows read = actor rows + tie rows + rows not used
    actors: int
    ties: int
    postcode: str  # the country's postcode pattern
    unlinked: frozenset[str] = field(default_factory=frozenset)  # municipalities planted without a network tie


EXAMPLES = {
    "lippe": Example(
        errors=(("tie.unknown_actor", "Zusammenarbeit", 72),),
        warnings=(("tie.self", "Zusammenarbeit", 162), ("tie.duplicate", "Zusammenarbeit", 252)),
        merged_row=137, whitespace_rows=(94, 127), rows=(531, 134, 394, 3), actors=133, ties=394,
        postcode=r"^\d{5}$",
        unlinked=frozenset({"Augustdorf", "Schlangen", "Lügde"}),
    ),
    "varmland": Example(
        errors=(("tie.unknown_actor", "Samverkan", 92),),
        warnings=(("tie.duplicate", "Samverkan", 232),),
        merged_row=197, whitespace_rows=(67, 158), rows=(766, 194, 570, 2), actors=193, ties=570,
        postcode=r"^\d{3} \d{2}$",
        unlinked=frozenset({"Eda", "Munkfors", "Årjäng"}),
    ),
    "eemland": Example(
        errors=(("tie.unknown_actor", "Samenwerking", 77),),
        warnings=(("tie.duplicate", "Samenwerking", 212),),
        merged_row=144, whitespace_rows=(63, 81), rows=(587, 140, 445, 2), actors=139, ties=445,
        postcode=r"^\d{4} [A-Z]{2}$",
        unlinked=frozenset({"Barneveld", "Nijkerk", "Eemnes"}),
    ),
}


@pytest.fixture(scope="module", params=sorted(EXAMPLES))
def loaded(request: pytest.FixtureRequest,
           example_workbooks: dict[str, Path]) -> tuple[Example, carenet_graph.NetworkData]:
    assert set(example_workbooks) == set(EXAMPLES)
    return EXAMPLES[request.param], carenet_graph.read_network([example_workbooks[request.param]])


def test_exactly_the_documented_errors_and_warnings(loaded: tuple[Example, carenet_graph.NetworkData]) -> None:
    example, data = loaded
    report = data.report
    assert sorted((p.rule, p.sheet, p.row or 0) for p in report.errors) == sorted(example.errors)
    assert sorted((p.rule, p.sheet, p.row or 0) for p in report.warnings) == sorted(example.warnings)
    counts = report.counts()
    assert (counts["error"], counts["warning"]) == (len(example.errors), len(example.warnings))
    rules = Counter(p.rule for p in report.errors + report.warnings)
    assert rules == Counter(rule for rule, _, _ in example.errors + example.warnings)


def test_documented_normalisations(loaded: tuple[Example, carenet_graph.NetworkData]) -> None:
    example, data = loaded
    merged = [p for p in data.report.problems if p.rule == "actor.merged_duplicate"]
    assert [(p.severity, p.row) for p in merged] == [("info", example.merged_row)]
    spaced = sorted(r for p in data.report.problems if p.rule == "cell.whitespace" for r in (p.rows or (p.row or 0,)))
    assert tuple(spaced) == example.whitespace_rows
    assert any(p.rule == "table.instructions_sheet" for p in data.report.problems)
    assert any(p.rule == "table.title_rows" for p in data.report.problems)


def test_every_row_accounted_for(loaded: tuple[Example, carenet_graph.NetworkData]) -> None:
    example, data = loaded
    acc = data.report.accounting
    assert acc.balanced
    assert (acc.rows_read, acc.actor_rows, acc.tie_rows, acc.rows_rejected) == example.rows
    assert (acc.actors, acc.ties, acc.actors_inferred) == (example.actors, example.ties, 0)
    assert 80 <= len(data.actors) <= 300


def test_every_actor_typed_and_placed(loaded: tuple[Example, carenet_graph.NetworkData]) -> None:
    _, data = loaded
    assert not [p for p in data.report.problems if p.rule == "actor.type_unmatched"]
    assert "other_organisation" not in set(data.actors["type"])
    assert data.actors["municipality"].notna().all()
    assert data.actors["lat"].notna().mean() >= 0.95
    assert data.actors["lon"].notna().mean() >= 0.95
    assert set(data.ties["level"].dropna().astype(int)) == {1, 2, 3, 4, 5}
    assert "other" not in set(data.ties["type"])


def test_postcodes_stay_text(loaded: tuple[Example, carenet_graph.NetworkData]) -> None:
    example, data = loaded
    assert data.actors["postcode"].dropna().str.match(example.postcode).all()


def test_gap_report_finds_unlinked_municipalities(loaded: tuple[Example, carenet_graph.NetworkData]) -> None:
    example, data = loaded
    gaps = find_gaps(carenet_graph.to_graph(data)).gaps
    unmet = gaps[gaps["rule"] == "municipality_linked_to_palliative_network"]
    assert len(unmet) >= 1
    assert example.unlinked <= set(unmet["municipality"])


@pytest.mark.parametrize(("name", "isolate", "no_care_welfare", "gps_without_team"), [
    ("varmland", "Sorgegrupp Hagfors", "Storfors", {"Karlstad": 1, "Munkfors": 1, "Årjäng": 1}),
    ("eemland", "23", "Woudenberg", {"Amersfoort": 1, "Barneveld": 3, "Nijkerk": 2}),
])
def test_planted_gaps(name: str, isolate: str, no_care_welfare: str, gps_without_team: dict[str, int],
                      example_workbooks: dict[str, Path]) -> None:
    example = EXAMPLES[name]
    report = find_gaps(carenet_graph.to_graph(carenet_graph.read_network([example_workbooks[name]])))
    unmet = report.gaps[report.gaps["rule"] == "municipality_linked_to_palliative_network"]
    assert set(unmet["municipality"]) == example.unlinked
    if name == "varmland":  # the SE rule on palliative councils sees the same three kommuner
        council = report.gaps[report.gaps["rule"] == "palliative_council_covers_all_municipalities"]
        assert set(council["municipality"]) == example.unlinked
    assert report.structural.loc[report.structural["kind"] == "isolate", "actor"].tolist() == [isolate]
    cards = report.scorecards.set_index("municipality")
    assert cards.loc[no_care_welfare, "cross_domain_ties"] == 0
    assert (cards.drop(index=no_care_welfare)["cross_domain_ties"] > 0).all()
    assert not cards.loc[sorted(example.unlinked), "linked_to_network"].any()
    gps = report.gaps[report.gaps["rule"] == "gp_linked_to_palliative_consult_service"]
    assert dict(Counter(gps["municipality"])) == gps_without_team


# -- the generator ----------------------------------------------------------------------------
# The generator scripts in data/ import one another as scripts do (each from its own folder), so
# they run in a fresh Python started in data/, never imported into the test process.

BUILD = "import sys, make_examples; from pathlib import Path; make_examples.BUILDERS[sys.argv[1]](Path(sys.argv[2]))"
TYPE_TEXTS = ("import json, example_varmland, example_eemland\n"
              "modules = (example_varmland, example_eemland)\n"
              "print(json.dumps({m.__name__: [m.TYPE_KIND, m.ODD_TYPES] for m in modules}))")


def run_in_data(data_dir: Path, code: str, *args: str, hash_seed: str = "0") -> str:
    """Run ``code`` with ``python -c`` in ``data_dir``; returns what it printed."""
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=data_dir, capture_output=True, text=True,
                          encoding="utf-8", env=child_env({"PYTHONHASHSEED": hash_seed, "PYTHONIOENCODING": "utf-8"}),
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def type_texts(data_dir: Path) -> dict[str, list[dict[str, str]]]:
    """``{module: [TYPE_KIND, ODD_TYPES]}`` of the Värmland and Eemland generators, as they hold them."""
    texts: dict[str, list[dict[str, str]]] = json.loads(run_in_data(data_dir, TYPE_TEXTS))
    return texts


@pytest.mark.parametrize("module", ["example_varmland", "example_eemland"])
def test_type_texts_mean_what_the_generator_assumes(type_texts: dict[str, list[dict[str, str]]], module: str) -> None:
    """The planted gaps are kept by actor type; the vocabulary must read each type text that way."""
    vocab = default_vocabulary()
    type_kind, odd_types = type_texts[module]
    assert type_kind and odd_types
    for text, kind in type_kind.items():
        assert vocab.match_actor_type(text).id == kind, text
    for text in odd_types.values():
        assert vocab.match_actor_type(text).matched, text


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_regeneration_is_byte_identical_and_matches_the_bundled_file(
        data_dir: Path, example_workbooks: dict[str, Path], name: str, tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    # Two processes with different hash seeds: the bytes depend on nothing but the generator's seed.
    run_in_data(data_dir, BUILD, name, str(first), hash_seed="1")
    run_in_data(data_dir, BUILD, name, str(second), hash_seed="2")
    assert hashlib.sha256(first.read_bytes()).hexdigest() == hashlib.sha256(second.read_bytes()).hexdigest()
    # The bundled file holds what the generator writes (compared by content: the bytes may
    # differ between xlsxwriter versions).
    fresh, bundled = carenet_graph.read_network([first]), carenet_graph.read_network([example_workbooks[name]])
    pd.testing.assert_frame_equal(fresh.actors, bundled.actors)
    pd.testing.assert_frame_equal(fresh.ties, bundled.ties)
