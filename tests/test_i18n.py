"""The message catalogues of carenet_graph/i18n in four languages.

Plain-language rule messages (``rules_*.yaml``) cover every rule id the loader reports: the rule
ids are collected twice, from an explicit list and by scanning the package sources, so that a new
rule id cannot ship without its sentence in every language. The interface messages (``en.yaml``
and the others) have the same keys and placeholders in every language and are translated.
"""

from __future__ import annotations

import re
import string
from functools import cache
from pathlib import Path

import pytest
import yaml

import carenet_graph
from carenet_graph import i18n
from carenet_graph.errors import ValidationFailed
from carenet_graph.i18n.formatting import choose_plurals, english_plural, plural_fields, render
from carenet_graph.read.problems import RULE_IDS, SEVERITIES, Problem

PACKAGE = Path(carenet_graph.__file__).parent
I18N = PACKAGE / "i18n"
LANGUAGES = ("en", "de", "nl", "sv")

# Rule ids built with an f-string, f"{kind}.type_unmatched": kind is "actor" or "tie".
FSTRING_KINDS = ("actor", "tie")

# A literal after ``key=`` is a fatal error's key (errors_*.yaml, tests/test_error_catalog.py), not a rule id.
_LITERAL_ID = re.compile(
    r"""(?<!key=)["'](?P<id>(?:file|table|row|cell|actor|tie|value|matrix|survey|record)\.(?!(?:css|js|html|json|yaml|parquet)["'])[a-z_0-9]+)["']""")
_FSTRING_ID = re.compile(r"""f["']\{kind\}\.(?P<rule>[a-z_0-9]+)["']""")

# Summary keys and the placeholders the caller fills in (as in ValidationReport.summary).
SUMMARY_PLACEHOLDERS: dict[str, set[str]] = {
    "summary.errors": {"count"},
    "summary.clean": set(),
    "summary.clean_warnings": set(),
    "summary.read": {"files", "tables", "rows", "actor_rows", "tie_rows", "rejected"},
    "summary.network": {"actors", "ties"},
    "summary.inferred": {"actors", "inferred", "ties"},
    "summary.blank": {"count"},
    "summary.problems": {"errors", "warnings", "kinds", "cells"},
    "summary.more": {"count"},
    "summary.fix": set(),
    "summary.rows": set(),
    "summary.row": set(),
    "summary.sheet": set(),
    "summary.column": set(),
    "summary.file": set(),
    "summary.places": set(),
    "summary.show_values": set(),
}

# Keys whose translation may equal the English text because the word is genuinely the same in
# that language: (language, key). Kept empty unless a real case turns up.
SAME_AS_ENGLISH: frozenset[tuple[str, str]] = frozenset()


@cache
def rule_catalog(lang: str) -> dict[str, str]:
    data = yaml.safe_load((I18N / f"rules_{lang}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"rules_{lang}.yaml is not one mapping"
    return data


@cache
def scanned_rule_ids() -> frozenset[str]:
    """Rule ids found in the package sources (string literals, plus the f"{kind}.…" ones)."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found.update(m.group("id") for m in _LITERAL_ID.finditer(text))
        found.update(f"{kind}.{m.group('rule')}" for m in _FSTRING_ID.finditer(text) for kind in FSTRING_KINDS)
    return frozenset(found)


def fields(text: str) -> list[str]:
    """Placeholder names in a format string, in order (repeats kept)."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def placeholders(text: str) -> set[str]:
    """The values a message uses: each plural block's variable and the placeholders inside its
    branches (rendered for 1 and 2), and the plain placeholders."""
    names = plural_fields(text)
    for count in (1, 2):
        chosen = choose_plurals(text, "en", {name: count for name in names})
        names |= {name for _, name, _, _ in string.Formatter().parse(chosen) if name}
    return names


def test_files_are_string_mappings_of_known_sections() -> None:
    for lang in LANGUAGES:
        data = rule_catalog(lang)
        assert data, lang
        for key, value in data.items():
            assert isinstance(key, str) and isinstance(value, str), (lang, key)
            assert key.split(".", 1)[0] in ("rule", "severity", "summary"), (lang, key)


def test_same_keys_in_every_language() -> None:
    english = set(rule_catalog("en"))
    for lang in LANGUAGES[1:]:
        keys = set(rule_catalog(lang))
        assert keys == english, (lang, sorted(english - keys), sorted(keys - english))


def test_scan_finds_the_listed_rule_ids() -> None:
    # Guards the regular expressions: if the scan misses a listed id, it would miss new ones too.
    assert sorted(RULE_IDS - scanned_rule_ids()) == []


def test_every_rule_id_in_the_sources_is_listed() -> None:
    # RULE_IDS is the one source of rule ids: an id used in the code but not listed is refused.
    assert sorted(scanned_rule_ids() - RULE_IDS) == []
    with pytest.raises(ValueError, match="unknown problem rule id"):
        Problem("tie.made_up", "error", "m")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_rule_id_has_a_sentence(lang: str) -> None:
    keys = set(rule_catalog(lang))
    missing = sorted(rule for rule in RULE_IDS | scanned_rule_ids() if f"rule.{rule}" not in keys)
    assert missing == [], f"rules_{lang}.yaml lacks {missing}"


def test_no_sentence_for_a_rule_the_package_does_not_use() -> None:
    used = RULE_IDS | scanned_rule_ids()
    stale = sorted(key for key in rule_catalog("en") if key.startswith("rule.") and key[5:] not in used)
    assert stale == []


def test_severity_words() -> None:
    for lang in LANGUAGES:
        words = {key for key in rule_catalog(lang) if key.startswith("severity.")}
        assert words == {f"severity.{s}" for s in SEVERITIES}


def test_summary_lines_and_their_placeholders() -> None:
    for lang in LANGUAGES:
        data = rule_catalog(lang)
        assert {key for key in data if key.startswith("summary.")} == set(SUMMARY_PLACEHOLDERS), lang
        for key, expected in SUMMARY_PLACEHOLDERS.items():
            assert placeholders(data[key]) == expected, (lang, key)


def test_placeholders_identical_across_languages() -> None:
    for key, english in rule_catalog("en").items():
        for lang in LANGUAGES[1:]:
            assert placeholders(rule_catalog(lang)[key]) == placeholders(english), (lang, key)


def test_no_value_is_empty() -> None:
    for lang in LANGUAGES:
        empty = sorted(key for key, value in rule_catalog(lang).items() if not value.strip())
        assert empty == [], lang


def test_rule_sentences_have_no_placeholders_or_braces() -> None:
    for lang in LANGUAGES:
        for key, value in rule_catalog(lang).items():
            if key.startswith("rule."):
                assert "{" not in value and "}" not in value, (lang, key)
                assert value.rstrip().endswith("."), (lang, key)


def test_translations_differ_from_english() -> None:
    english = rule_catalog("en")
    same = {(lang, key) for lang in LANGUAGES[1:] for key, value in rule_catalog(lang).items() if value == english[key]}
    assert same - SAME_AS_ENGLISH == set()
    # The allowlist stays minimal: every entry must still be needed.
    assert SAME_AS_ENGLISH - same == set()


# -- interface messages (en.yaml, de.yaml, nl.yaml, sv.yaml) -----------------------------------

# Words that are the same in the other language (checked by hand), and names: a message whose
# whole text is one of these may read as in English.
SAME_WORDS: dict[str, frozenset[str]] = {
    "de": frozenset({"PageRank", "Partner"}),
    "nl": frozenset({"PageRank", "Partner", "Filters", "Sector", "sector", "partners", "Clusters", "Actor",
                     "consultant"}),
    "sv": frozenset({"PageRank", "Partner"}),
}


def test_every_message_exists_in_every_language_with_the_same_placeholders() -> None:
    english = i18n.catalog("en")
    for lang in i18n.LANGUAGES:
        messages = i18n.catalog(lang)
        assert set(messages) == set(english), lang
        for key, text in messages.items():
            assert placeholders(text) == placeholders(english[key]), (lang, key)
            if lang != "en" and text not in SAME_WORDS[lang]:
                assert text != english[key], (lang, key)  # nothing left untranslated
    assert i18n.translate("report_based_on", "de", actors=1, ties=2) == (
        "Grundlage: 1 Akteur und 2 gemeldete Verbindungen.")
    assert i18n.translate("report_based_on", "en", actors=1234, ties=1) == (
        "Based on 1,234 actors and 1 reported tie.")


# -- plurals in every catalogue ----------------------------------------------------------------

def every_text(lang: str) -> dict[str, str]:
    """Every text a user may read in ``lang``: interface messages, rule sentences and summary
    lines, and the messages and hints of fatal errors (``errors_LANG.yaml``)."""
    texts = dict(i18n.catalog(lang))
    for key, entry in i18n.error_catalog(lang).items():
        texts.update({f"errors:{key}.{part}": text for part, text in entry.items()})
    return texts


# "Partner(n)", "error(s)", "Akteur(e)", "Verbindung(en)", "kontakt(er)", "varning(ar)",
# "gemensam(ma)", "tabel(len)", "actornaam/-namen", "deel/delen": a count's noun written for
# every number at once, instead of a plural block.
_PLURAL_HACK = re.compile(r"[^\W\d_]\((?:n|s|e|en|er|ar|ma|len|na|or)\)|[^\W\d_]/-[^\W\d_]|\bdeel/delen\b")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_hand_written_plurals(lang: str) -> None:
    hacks = {key: match.group() for key, text in every_text(lang).items()
             if (match := _PLURAL_HACK.search(text))}
    assert hacks == {}, f"write these as {{count, plural, one {{...}} other {{...}}}} blocks: {hacks}"


def test_the_plural_hack_pattern() -> None:
    assert all(_PLURAL_HACK.search(text) for text in (
        "2 Partner(n)", "1 error(s)", "3 Akteur(e)", "Verbindung(en)", "1 kontakt(er)", "varning(ar)",
        "gemensam(ma)", "tabel(len)", "actornaam/-namen", "2 deel/delen"))
    assert not any(_PLURAL_HACK.search(text) for text in (
        "carenet_graph.validate(...)", "(at least level {level})", "E-I index (−1: only within)", "sep=;",
        "nx.node_link_data(G)"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_plural_message_renders_for_one_and_two(lang: str) -> None:
    rendered = 0
    for key, text in every_text(lang).items():
        if not plural_fields(text):
            continue
        values = {name: f"<{name}>" for name in placeholders(text)}
        for count in (1, 2):
            values.update({name: count for name in plural_fields(text)})
            out = render(text, lang, values)
            assert "{" not in out and "}" not in out and "#" not in out, (lang, key, count, out)
            assert "plural" not in out, (lang, key, count, out)
        rendered += 1
    assert rendered >= 40, rendered  # the scan sees the plural messages


def test_plural_blocks_pick_the_branch_of_each_language() -> None:
    assert i18n.translate("summary.network", "en", actors=1, ties=2) == "Network: 1 actor, 2 ties."
    assert i18n.translate("summary.network", "de", actors=1, ties=1) == "Netzwerk: 1 Akteur, 1 Verbindung."
    assert i18n.translate("summary.network", "nl", actors=2, ties=1) == "Netwerk: 2 actoren, 1 samenwerking."
    assert i18n.translate("summary.network", "sv", actors=1, ties=12345) == (
        "Nätverk: 1 aktör, 12\u00a0345 samarbeten.")
    assert i18n.translate("compare_ties", "en", added=1, removed=1, up=0, down=2) == (
        "1 new tie, 1 tie ended, 0 grew closer, 2 became weaker.")


def test_describe_error_chooses_plural_branches() -> None:
    error = ValidationFailed("1 error(s) in the input; 1 row(s) left out", key="input.has_errors",
                             values={"errors": 1, "rows": 1})
    assert "1 Zeile ausgelassen" in i18n.describe_error(error, "de")
    error = ValidationFailed("2 error(s) in the input; 2 row(s) left out", key="input.has_errors",
                             values={"errors": 2, "rows": 2})
    assert "2 fouten in de invoer; 2 rijen weggelaten" in i18n.describe_error(error, "nl")


def test_english_plural_for_texts_at_raise_sites() -> None:
    assert [english_plural(n, "row") for n in (0, 1, 2, 1995)] == ["0 rows", "1 row", "2 rows", "1,995 rows"]
    assert english_plural(1, "row was", "rows were") == "1 row was"
    assert english_plural(3, "row was", "rows were") == "3 rows were"
    assert english_plural(1, "column", with_count=False) == "column"
    assert english_plural(2, "column", with_count=False) == "columns"
