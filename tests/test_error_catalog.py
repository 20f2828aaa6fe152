"""Fatal errors speak the user's language: every error the package raises has a key, and every key
has its message (and its hint, when the raise site gives one) in German, Dutch and Swedish, with
only the placeholders the raise site fills.

The raise sites are found in the source (every call of an error class of carenet_graph.errors),
so a new error cannot ship in English only. A call whose message is itself a ``translate(...)``
call (and whose hint, if any, is one too) is already in the user's language and needs no key.
"""

from __future__ import annotations

import ast
import re
import string
from dataclasses import dataclass
from pathlib import Path

import pytest

import carenet_graph
from carenet_graph import errors
from carenet_graph.errors import CarenetError, OutputError
from carenet_graph.i18n import describe_error, error_catalog
from carenet_graph.i18n.formatting import choose_plurals, plural_fields
from tests.support.commands import RunCarenet

PACKAGE = Path(carenet_graph.__file__).resolve().parent
ERROR_CLASSES = {name for name, value in vars(errors).items()
                 if isinstance(value, type) and issubclass(value, CarenetError)}
TRANSLATED = ("de", "nl", "sv")


@dataclass(frozen=True)
class Site:
    where: str
    key: str | None
    values: frozenset[str] | None  # None: not a literal, cannot be checked statically
    has_hint: bool
    translated: bool = False  # message (and hint) are translate(...) calls: in the user's language


def _strings(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _keys_of(key: ast.expr | None, module: dict[str, ast.expr]) -> list[str | None]:
    """The error keys a ``key=`` expression can give: a literal, a choice between literals
    (``"rules.x" if rules else "vocabulary.x"``), or a lookup in a module-level table of literals
    (``KEYS[kind][bool(suffix)]``). [None]: no key, or one the scan cannot see."""
    if key is None:
        return [None]
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return [key.value]
    if isinstance(key, ast.IfExp):
        return _keys_of(key.body, module) + _keys_of(key.orelse, module)
    if isinstance(key, ast.Subscript):
        base: ast.expr = key
        while isinstance(base, ast.Subscript):
            base = base.value
        if isinstance(base, ast.Name) and base.id in module:
            table = module[base.id]
            if isinstance(table, ast.Dict):  # the values are the keys; the dict's own keys are the kinds
                return [text for value in table.values if value is not None for text in _strings(value)] or [None]
            return _strings(table) or [None]
    return [None]


def _is_translate_call(node: ast.expr | None) -> bool:
    """``translate(...)`` or ``i18n.translate(...)``: a text already in the user's language."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == "translate") or (
        isinstance(func, ast.Attribute) and func.attr == "translate")


def _sites_in(source: str, where: str) -> list[Site]:
    """The calls of an error class in ``source`` (``where``: the file, for the site's name), one
    site per key the call can give."""
    found = []
    tree = ast.parse(source)
    module = {target.id: node.value for node in tree.body if isinstance(node, ast.Assign)
              for target in node.targets if isinstance(target, ast.Name)}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ERROR_CLASSES):
            continue
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        values = keywords.get("values")
        names: frozenset[str] | None = frozenset()
        if isinstance(values, ast.Dict):
            names = frozenset(k.value for k in values.keys if isinstance(k, ast.Constant))
        elif isinstance(values, ast.Call) and isinstance(values.func, ast.Name) and values.func.id == "dict":
            names = frozenset(k.arg for k in values.keywords if k.arg)
        elif values is not None:
            names = None
        message = node.args[0] if node.args else keywords.get("message")
        translated = _is_translate_call(message) and ("hint" not in keywords or _is_translate_call(keywords["hint"]))
        for key in _keys_of(keywords.get("key"), module):
            found.append(Site(f"{where}:{node.lineno}", key, names, "hint" in keywords, translated))
    return found


def _sites() -> list[Site]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found += _sites_in(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE.parent)))
    return found


SITES = _sites()


def _placeholders(template: str) -> set[str]:
    """The values a message uses: plain placeholders, each plural block's variable and the
    placeholders inside its branches (rendered for 1 and 2)."""
    names = plural_fields(template)
    for count in (1, 2):
        chosen = choose_plurals(template, "en", {name: count for name in names})
        names |= {name for _, name, _, _ in string.Formatter().parse(chosen) if name}
    return names


def test_the_scan_finds_the_raise_sites() -> None:
    assert len(SITES) > 50
    assert any(site.where.startswith("carenet_graph/read/") for site in SITES)


def test_every_error_raised_has_a_key() -> None:
    assert [site.where for site in SITES if site.key is None and not site.translated] == []


def test_only_a_message_from_translate_needs_no_key() -> None:
    source = """
raise CarenetError(translate("cli_strict_stop", lang), hint=translate("cli_strict_hint", lang))
raise CarenetError(message=i18n.translate("cli_no_actors", lang))
raise OutputError("the output folder is a file", hint="Name a folder, not a file.")
raise OutputError(f"cannot write ({reason})", hint=translate("x", lang))
raise CarenetError(translate("cli_no_ties", lang, actors=n), hint="Run 'carenet validate'.")
raise InputError(translated_text, hint=translate("x", lang))
"""
    assert [site.translated for site in _sites_in(source, "example.py")] == [True, True, False, False, False,
                                                                             False]


def test_the_scan_sees_every_key_a_call_can_give() -> None:
    source = """
KEYS = {"html": ("file.html", "file.html_named"), "pdf": ("file.pdf", "file.pdf_named")}
raise InputError("m", key="file.empty")
raise VocabularyError("m", key="rules.x" if rules else "vocabulary.x")
raise InputError("m", key=KEYS[kind][bool(suffix)])
raise InputError("m", key=some_function(kind))
raise InputError("m")
"""
    assert [site.key for site in _sites_in(source, "example.py")] == [
        "file.empty", "rules.x", "vocabulary.x", "file.html", "file.html_named", "file.pdf", "file.pdf_named",
        None, None]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_key_has_its_translation_with_the_placeholders_of_its_raise_sites(lang: str) -> None:
    catalog = error_catalog(lang)
    wrong = []
    for site in SITES:
        if site.key is None:
            continue
        entry = catalog.get(site.key)
        if entry is None or not entry.get("message"):
            wrong.append(f"{site.where}: no message for {site.key}")
            continue
        if site.has_hint and not entry.get("hint"):
            wrong.append(f"{site.where}: no hint for {site.key}")
        used = _placeholders(entry["message"]) | _placeholders(entry.get("hint", ""))
        if site.values is not None and not used <= site.values:
            wrong.append(f"{site.where}: {site.key} uses {sorted(used - site.values)}, not given there")
    assert wrong == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_translation_without_a_raise_site(lang: str) -> None:
    keys = {site.key for site in SITES}
    assert sorted(set(error_catalog(lang)) - keys) == []


def test_describe_error_translates_message_location_and_hint() -> None:
    error = OutputError("a cell is longer than the 32767 characters Excel can hold", file="netz.xlsx",
                        sheet="Akteure", row=4, hint="Shorten that text, or write CSV instead of XLSX.",
                        key="output.cell_too_long", values={"limit": 32767})
    english = describe_error(error, "en")
    assert english == error.describe()
    assert english.startswith("netz.xlsx, sheet 'Akteure', row 4: a cell is longer")
    german = describe_error(error, "de")
    entry = error_catalog("de")["output.cell_too_long"]
    assert "32767" in entry["message"].format(limit=32767)
    assert german == (f"netz.xlsx, Tabellenblatt 'Akteure', Zeile 4: {entry['message'].format(limit=32767)}\n"
                      f"  So beheben Sie das: {entry['hint']}")


def test_a_fatal_error_is_shown_in_german(run_carenet: RunCarenet, tmp_path: Path) -> None:
    existing = tmp_path / "netzwerk.xlsx"
    existing.write_bytes(b"filled in")
    result = run_carenet("template", "-o", existing, "--lang", "de")
    entry = error_catalog("de")["template.file_exists"]
    assert result.returncode == 1
    assert result.stderr.startswith("Fehler: ")
    assert entry["message"] in result.stderr
    assert f"So beheben Sie das: {entry['hint']}" in result.stderr
    assert "How to fix" not in result.stderr and "Traceback" not in result.stderr
    assert existing.read_bytes() == b"filled in"


def test_a_fatal_error_is_shown_in_swedish(run_carenet: RunCarenet, tmp_path: Path,
                                           example_workbooks: dict[str, Path]) -> None:
    folder = tmp_path / "natverk"
    folder.mkdir()
    workbook = example_workbooks["varmland"]
    (folder / workbook.name).write_bytes(workbook.read_bytes())
    result = run_carenet("analyze", folder, "-o", folder, "--lang", "sv")
    entry = error_catalog("sv")["output.inside_input_folder"]
    assert result.returncode == 1
    assert result.stderr.startswith("Fel: ")
    assert entry["message"] in result.stderr
    assert f"Så åtgärdar du det: {entry['hint']}" in result.stderr
    assert "How to fix" not in result.stderr and "Traceback" not in result.stderr
    assert sorted(path.name for path in folder.iterdir()) == [workbook.name]


def test_a_hostile_file_is_refused_in_dutch(run_carenet: RunCarenet, tmp_path: Path) -> None:
    empty = tmp_path / "leeg.csv"
    empty.write_bytes(b"")
    result = run_carenet("validate", empty, "--lang", "nl")
    entry = error_catalog("nl")["file.empty"]
    text = result.stderr.replace(str(empty), "leeg.csv")  # the folder's name may hold any word
    assert result.returncode == 1
    assert text.startswith("Fout: leeg.csv: ")
    assert f"leeg.csv: {entry['message']}\n" in text
    assert f"Zo lost u het op: {entry['hint']}" in text
    # Every word of "the file is empty (0 bytes)" and its hint, but those Dutch shares ("is", "bytes").
    english = {"the", "file", "empty", "export", "data", "again", "has", "no", "content", "how", "to", "fix"}
    assert english.isdisjoint(word.lower() for word in re.findall(r"[^\W\d_]+", text))
    assert "Traceback" not in text
