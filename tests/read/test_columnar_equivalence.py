"""The reader's whole contract on ugly inputs, held field by field against saved fixtures.

Reading works per column and per distinct value, and goes row by row only where a row has a
problem; these fixtures (written by ``data/make_columnar_fixtures.py`` with the row-by-row
reader) hold what must not change: the actors and ties frames (values and their types, dtypes,
row and column order) and every problem (rule, severity, message, hint, place, value, count,
rows), in the order reported, with the row accounting.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.read.data.make_columnar_fixtures import HERE, read_case, result_json

CASES = sorted(p.name for p in HERE.iterdir() if (p / "expected.json").is_file())


def _expected(case: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((HERE / case / "expected.json").read_text(encoding="utf-8"))
    return data


def test_every_case_is_there() -> None:
    assert CASES == ["cp1252_two_files", "edgelist_csv", "ids_csv", "names_csv", "plain_large_csv", "survey_matrix",
                     "workbook_xlsx"]


@pytest.mark.parametrize("case", CASES)
def test_frames_are_the_same(case: str) -> None:
    expected = _expected(case)
    got = result_json(read_case(HERE / case, expected["call"]), HERE / case)
    for name in ("actors", "ties"):
        want, have = expected[name], got[name]
        for key in ("columns", "dtypes", "index_name", "index_dtype", "index"):
            assert have[key] == want[key], f"{name}: {key}"
        for column, values in want["data"].items():
            assert have["data"][column] == values, f"{name}: column {column}"
    assert got["tables"] == expected["tables"]


@pytest.mark.parametrize("case", CASES)
def test_report_is_the_same(case: str) -> None:
    expected = _expected(case)
    got = result_json(read_case(HERE / case, expected["call"]), HERE / case)
    assert got["accounting"] == expected["accounting"]
    assert got["accounting"]["balanced"]
    assert got["sources"] == expected["sources"]
    assert got["sheets"] == expected["sheets"]
    # Problem by problem, in order: the first difference is the one reported.
    for index, (have, want) in enumerate(zip(got["problems"], expected["problems"], strict=False)):
        assert have == want, f"problem {index}"
    assert len(got["problems"]) == len(expected["problems"])

