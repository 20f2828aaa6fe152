"""--municipality finds the place a person means, or says which places there are."""

from __future__ import annotations

from pathlib import Path

import pytest

from carenet_graph.errors import OptionError
from carenet_graph.gaps.places import find_municipality, place_key
from tests.support.commands import Invoke

NAMES = ["Karlstad", "Bad Salzuflen", "Lemgo", "Eemnes", "Amersfoort"]


@pytest.mark.parametrize(("typed", "meant"), [
    ("Karlstad", "Karlstad"), ("karlstads kommun", "Karlstad"), ("Karlstad kommun", "Karlstad"),
    ("STADT LEMGO", "Lemgo"), ("Hansestadt Lemgo", "Lemgo"), ("gemeente eemnes", "Eemnes"),
    ("bad-salzuflen", "Bad Salzuflen"), ("  amersfoort ", "Amersfoort"), ("Municipality of Lemgo", "Lemgo"),
])
def test_case_spacing_and_the_word_for_municipality_do_not_matter(typed: str, meant: str) -> None:
    assert find_municipality(typed, NAMES) == meant


def test_an_unknown_place_lists_the_places_there_are() -> None:
    with pytest.raises(OptionError) as info:
        find_municipality("Paris", NAMES)
    assert info.value.message == "no actor is in that municipality"
    assert info.value.hint == "Use one of: Karlstad, Bad Salzuflen, Lemgo, Eemnes, Amersfoort."
    with pytest.raises(OptionError, match="several"):
        find_municipality("Lemgo", ["Stadt Lemgo", "Gemeinde Lemgo"])
    assert place_key("Gemeente  Eemnes") == "eemnes"


def test_the_command_accepts_how_people_write_it(tmp_path: Path, invoke: Invoke,
                                                 example_workbooks: dict[str, Path]) -> None:
    workbook = example_workbooks["varmland"]
    done = invoke("gaps", workbook, "-o", tmp_path / "ok", "--municipality", "karlstads kommun")
    assert done.exit_code == 0, done.output
    cards = (tmp_path / "ok" / "scorecards.csv").read_text(encoding="utf-8").splitlines()
    assert len(cards) == 2 and cards[1].startswith("Karlstad,")
    refused = invoke("gaps", workbook, "-o", tmp_path / "no", "--municipality", "Paris")
    assert refused.exit_code == 2
    assert "no actor is in that municipality" in refused.output and "Karlstad" in refused.output
    assert not (tmp_path / "no").exists()
