"""User YAML files (``--vocabulary``, ``--rules``) cannot exhaust the machine: aliases ("billion
laughs"), deep nesting and oversized files end in a plain VocabularyError at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from carenet_graph.errors import VocabularyError
from carenet_graph.gaps import load_rules
from carenet_graph.vocabulary import load_vocabulary, load_yaml_file
from tests.support.bounded import assert_plain_refusal, run_bounded
from tests.support.hostile import write_csv


def billion_laughs(key: str = "actor_types") -> str:
    """Nine levels of nine aliases each: 10^9 leaves in under a kilobyte."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    previous = "a"
    for letter in "bcdefghi":
        lines.append(f"{letter}: &{letter} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = letter
    lines.append(f"{key}: [*i]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_vocabulary_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "lol.yaml"
    path.write_text(billion_laughs(), encoding="utf-8")
    with pytest.raises(VocabularyError) as info:
        load_vocabulary([path])
    assert info.value.message == "YAML aliases (*name) are not allowed in a vocabulary file"
    assert (info.value.file, info.value.row) == (str(path), 2)
    assert info.value.hint


def test_alias_bomb_rules_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(billion_laughs("rules"), encoding="utf-8")
    with pytest.raises(VocabularyError, match="aliases"):
        load_rules([path])


def test_a_single_harmless_alias_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "v.yaml"
    path.write_text("base: &b {de: [Hospiz]}\nother: *b\n", encoding="utf-8")
    with pytest.raises(VocabularyError) as info:
        load_yaml_file(path)
    assert info.value.row == 2


@pytest.mark.parametrize("option", ["--vocabulary", "--rules"])
def test_alias_bomb_on_the_command_line_is_a_plain_refusal_under_4_gb(tmp_path: Path, option: str) -> None:
    bomb = tmp_path / "lol.yaml"
    bomb.write_text(billion_laughs("rules" if option == "--rules" else "actor_types"), encoding="utf-8")
    ties = write_csv(tmp_path / "ties.csv", [["source", "target"], ["A", "B"]])
    command = "validate" if option == "--vocabulary" else "gaps"
    args: list[str | Path] = [command, ties, option, bomb]
    if command == "gaps":
        args += ["-o", tmp_path / "out"]
    result = run_bounded(*args, timeout=60)
    assert_plain_refusal(result, "aliases")


def test_oversized_vocabulary_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("actor_types: []\n" + "# padding\n" * 200, encoding="utf-8")
    with pytest.raises(VocabularyError) as info:
        load_vocabulary([path], max_bytes=1000)
    assert info.value.message == "vocabulary file is larger than 1,000 bytes"
    assert load_vocabulary([path], max_bytes=10_000).sources[-1] == str(path)


def test_oversized_vocabulary_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("actor_types: []\n" + "#" * 3000 + "\n", encoding="utf-8")
    ties = write_csv(tmp_path / "ties.csv", [["source", "target"], ["A", "B"]])
    result = run_bounded("validate", ties, "--vocabulary", path, "--limit", "vocabulary_bytes=1000", timeout=60)
    assert_plain_refusal(result, "larger than 1,000 bytes")


@pytest.mark.parametrize("text", ["x: " + "[" * 100_000 + "]" * 100_000 + "\n",
                                  "x:\n" + "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v: 1\n"])
def test_deep_nesting_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VocabularyError, match="nested"):
        load_vocabulary([path])


@pytest.mark.parametrize("text", [
    "actor_types: [1, 2]\n",
    "scales:\n  collaboration_intensity:\n    levels: [{id: x}]\n",
    "columns:\n  ties: {source: 5}\n",
])
def test_entries_of_the_wrong_shape_are_a_vocabulary_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "shape.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VocabularyError) as info:
        load_vocabulary([path])
    assert info.value.file == str(path)


def test_a_folder_or_a_python_tag_is_a_vocabulary_error(tmp_path: Path) -> None:
    with pytest.raises(VocabularyError, match="folder"):
        load_vocabulary([tmp_path])
    path = tmp_path / "tag.yaml"
    path.write_text("x: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match="not valid YAML"):
        load_vocabulary([path])
