"""Tests for carenet_graph.output.template: the Excel template in en, de, nl, sv."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from python_calamine import CalamineWorkbook

from carenet_graph.errors import OptionError, OutputError
from carenet_graph.output.template import (
    ACTOR_COLUMNS,
    DIRECTIONS,
    HEADERS,
    TIE_COLUMNS,
    list_values,
    write_template,
)
from carenet_graph.read.headers import SHEET_NAMES
from carenet_graph.vocabulary import LANGUAGES, default_vocabulary, text_key
from tests.support.commands import Invoke

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
ROLES = ("instructions", "actors", "ties", "lists")


def _sheets(path: Path) -> dict[str, tuple[str | None, str]]:
    """Sheet name → (state attribute, worksheet XML), via workbook.xml and its rels."""
    with zipfile.ZipFile(path) as zf:
        workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", NS)}
        out: dict[str, tuple[str | None, str]] = {}
        for sheet in workbook.findall("m:sheets/m:sheet", NS):
            target = targets[sheet.get(f"{{{NS['r']}}}id")]
            xml = zf.read(f"xl/{target}").decode("utf-8")
            out[str(sheet.get("name"))] = (sheet.get("state"), xml)
    return out


@pytest.fixture(scope="module", params=LANGUAGES)
def template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    lang = str(request.param)
    path = tmp_path_factory.mktemp(f"template_{lang}") / f"carenet_{lang}.xlsx"
    write_template(path, lang)
    return lang, path


def test_sheet_names_and_order(template: tuple[str, Path]) -> None:
    lang, path = template
    expected = [SHEET_NAMES[role][lang] for role in ROLES]
    assert list(_sheets(path)) == expected
    assert CalamineWorkbook.from_path(str(path)).sheet_names == expected
    assert SHEET_NAMES["lists"][lang] == "lists"


def test_only_lists_sheet_is_hidden(template: tuple[str, Path]) -> None:
    _, path = template
    states = {name: state for name, (state, _) in _sheets(path).items()}
    assert states.pop("lists") == "hidden"
    assert set(states.values()) == {None}


@pytest.mark.parametrize(("role", "columns"), [("actors", ACTOR_COLUMNS), ("ties", TIE_COLUMNS)])
def test_headers_are_recognised_by_the_loader(
    template: tuple[str, Path], role: str, columns: tuple[str, ...]
) -> None:
    lang, path = template
    aliases = default_vocabulary().header_aliases(role)
    workbook = CalamineWorkbook.from_path(str(path))
    rows = workbook.get_sheet_by_name(SHEET_NAMES[role][lang]).to_python()
    assert len(rows) == 1  # header only: the user fills in the rest
    header = rows[0]
    assert [aliases.get(text_key(str(h))) for h in header] == list(columns)
    assert header == [HEADERS[role][lang][c] for c in columns]


def test_level_header_maps_to_level_not_intensity() -> None:
    aliases = default_vocabulary().header_aliases("ties")
    for lang in LANGUAGES:
        assert aliases[text_key(HEADERS["ties"][lang]["level"])] == "level"


def test_dropdowns_point_at_the_lists_sheet(template: tuple[str, Path]) -> None:
    lang, path = template
    sheets = _sheets(path)
    lists_rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("lists").to_python()
    values = list_values(lang)

    def validations(role: str) -> dict[str, list[str]]:
        xml = sheets[SHEET_NAMES[role][lang]][1]
        root = ElementTree.fromstring(xml)
        found: dict[str, list[str]] = {}
        for dv in root.findall("m:dataValidations/m:dataValidation", NS):
            assert dv.get("type") == "list"
            assert dv.get("errorStyle") == "warning"  # free text stays possible
            formula = dv.findtext("m:formula1", namespaces=NS)
            match = re.fullmatch(r"lists!\$([A-Z])\$2:\$\1\$(\d+)", str(formula))
            assert match, formula
            col = ord(match.group(1)) - ord("A")
            cells = [str(r[col]) for r in lists_rows[1 : int(match.group(2))]]
            found[str(dv.get("sqref"))] = cells
        return found

    actors = validations("actors")
    ties = validations("ties")
    assert "<dataValidation " in sheets[SHEET_NAMES["actors"][lang]][1]
    type_col = "ABCDEFGHIJ"[ACTOR_COLUMNS.index("type")]
    assert actors == {f"{type_col}2:{type_col}5000": values["actor_type"]}
    letter = {c: "ABCDEFGHIJ"[TIE_COLUMNS.index(c)] for c in ("type", "level", "direction")}
    assert ties == {
        f"{letter['type']}2:{letter['type']}5000": values["tie_type"],
        f"{letter['level']}2:{letter['level']}5000": values["level"],
        f"{letter['direction']}2:{letter['direction']}5000": values["direction"],
    }


def test_dropdown_labels_round_trip(template: tuple[str, Path]) -> None:
    lang, _ = template
    vocab = default_vocabulary()
    values = list_values(lang)
    actor_ids = list(vocab.actor_types)
    tie_ids = list(vocab.tie_types)
    assert [vocab.match_actor_type(v).id for v in values["actor_type"]] == actor_ids
    assert [vocab.match_tie_type(v).id for v in values["tie_type"]] == tie_ids
    assert len(set(values["actor_type"])) == len(actor_ids)
    levels = [re.match(r"(\d) – (.+)", v) for v in values["level"]]
    assert [int(m.group(1)) for m in levels if m] == [0, 1, 2, 3, 4, 5]
    assert [m.group(2) for m in levels if m] == [vocab.label("level", n, lang) for n in range(6)]
    directions = vocab.direction_aliases()
    assert {directions[text_key(word)] for word in values["direction"]} == {
        "mutual", "directed", "undirected",
    }
    assert {directions[text_key(w)] for w in DIRECTIONS[lang].values()} == set(DIRECTIONS[lang])
    for canonical, word in DIRECTIONS[lang].items():
        assert directions[text_key(word)] == canonical


def test_instructions_in_the_language(template: tuple[str, Path]) -> None:
    lang, path = template
    vocab = default_vocabulary()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(
        SHEET_NAMES["instructions"][lang]
    ).to_python()
    text = "\n".join(str(r[0]) for r in rows)
    for n in range(6):
        assert f"{n} – {vocab.label('level', n, lang)}" in text
    assert SHEET_NAMES["actors"][lang] in text and SHEET_NAMES["ties"][lang] in text
    assert HEADERS["actors"][lang]["notes"] in text  # the privacy paragraph names the column
    assert "Frey" in text
    privacy = {"en": "personal data", "de": "personenbezogene", "nl": "persoonsgegevens",
               "sv": "personuppgifter"}
    assert privacy[lang] in text
    assert "{" not in text and "}" not in text  # every placeholder filled


def test_no_formulas_in_template(template: tuple[str, Path]) -> None:
    _, path = template
    for _state, xml in _sheets(path).values():
        assert "<f>" not in xml and "<f " not in xml


def test_template_is_byte_identical(template: tuple[str, Path], tmp_path: Path) -> None:
    lang, path = template
    again = tmp_path / "again.xlsx"
    write_template(again, lang)
    assert again.read_bytes() == path.read_bytes()


def test_languages_differ(tmp_path: Path) -> None:
    contents = set()
    for lang in LANGUAGES:
        write_template(tmp_path / f"{lang}.xlsx", lang)
        contents.add((tmp_path / f"{lang}.xlsx").read_bytes())
    assert len(contents) == len(LANGUAGES)


def test_unknown_language_is_refused_by_the_one_language_check(tmp_path: Path) -> None:
    with pytest.raises(OptionError) as info:
        write_template(tmp_path / "x.xlsx", "fr")
    assert info.value.message == "there are no texts in the language 'fr'"
    assert info.value.hint == "Choose one of: en, de, nl, sv."
    assert not (tmp_path / "x.xlsx").exists()


def test_names_are_unique_per_language() -> None:
    for lang in LANGUAGES:
        names = [SHEET_NAMES[role][lang] for role in ROLES]
        assert len(set(names)) == len(names)
        assert all(len(n) <= 31 for n in names)
        for role in ("actors", "ties"):
            keys = [text_key(h) for h in HEADERS[role][lang].values()]
            assert len(set(keys)) == len(keys)


def test_an_existing_file_is_never_emptied_without_force(tmp_path: Path, invoke: Invoke) -> None:
    filled = tmp_path / "netzwerk.xlsx"
    write_template(filled, "de")
    before = filled.read_bytes() + b"filled in"
    filled.write_bytes(before)
    with pytest.raises(OutputError, match="exists already"):
        write_template(filled, "de")
    refused = invoke("template", "--lang", "de", "-o", filled)
    assert refused.exit_code == 1 and isinstance(refused.exception, OutputError)
    assert "--force" in str(refused.exception)  # main() prints it as "How to fix: ..."
    assert filled.read_bytes() == before
    replaced = invoke("template", "--lang", "de", "-o", filled, "--force")
    assert replaced.exit_code == 0 and filled.read_bytes() != before
