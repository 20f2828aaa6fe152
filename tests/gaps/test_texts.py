"""Rule titles and rationales in four languages, and no ids in the words a user reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from carenet_graph.gaps.rules import Rule, load_rules, parse_rule
from carenet_graph.gaps.run import find_gaps
from carenet_graph.gaps.texts import rule_rationale, rule_title
from carenet_graph.i18n import LANGUAGES, catalog
from carenet_graph.vocabulary import default_vocabulary
from tests.gaps.test_ranking import district

OTHERS = [lang for lang in LANGUAGES if lang != "en"]


@pytest.mark.parametrize("rule", load_rules(), ids=lambda r: r.id)
def test_every_package_rule_has_a_title_and_a_rationale_in_every_language(rule: Rule) -> None:
    english = (rule_title(rule, "en"), rule_rationale(rule, "en"))
    assert all(english) and f"rule_title.{rule.id}" in catalog("en")
    for lang in OTHERS:
        title, why = rule_title(rule, lang), rule_rationale(rule, lang)
        assert title and why
        assert title != english[0] and why != english[1], (lang, rule.id)
        assert rule.id not in title + why


def test_catalogue_has_no_texts_for_rules_that_do_not_exist() -> None:
    ids = {r.id for r in load_rules()}
    for lang in LANGUAGES:
        named = {key.split(".", 1)[1] for key in catalog(lang) if key.startswith(("rule_title.", "rule_why."))}
        assert named == ids, lang


def test_a_users_rules_give_titles_as_text_or_by_language(tmp_path: Path) -> None:
    user = tmp_path / "rules.yaml"
    user.write_text(
        "rules:\n"
        "  - id: gp_linked_to_home_nursing\n"  # replaces the package rule: its catalogue title no longer fits
        "    subject_types: [general_practitioner]\n    object_types: [pharmacy]\n    scope: anywhere\n"
        "  - id: pharmacy_knows_hospice\n    subject_types: [pharmacy]\n    object_types: [inpatient_hospice]\n"
        "    title: {en: Pharmacies know the hospice, de: Apotheken kennen das Hospiz}\n"
        "    rationale: {en: Night-time medicines., nl: Medicijnen in de nacht.}\n"
        "  - id: plain\n    subject_types: [pharmacy]\n    object_types: [general_practitioner]\n"
        "    title: Apotheken und Praxen\n    rationale: Kurze Wege.\n", encoding="utf-8")
    rules = {r.id: r for r in load_rules([user])}
    replaced = rules["gp_linked_to_home_nursing"]
    assert not replaced.builtin and rules["hospice_linked_to_physicians"].builtin
    assert rule_title(replaced, "de") == "Hausarzt / Hausarztpraxis ↔ Apotheke"
    assert rule_rationale(replaced, "de") == ""
    own = rules["pharmacy_knows_hospice"]
    assert rule_title(own, "de") == "Apotheken kennen das Hospiz"
    assert rule_title(own, "sv") == "Apotek ↔ Hospice"  # no Swedish title: the labels, never the id
    assert (rule_rationale(own, "en"), rule_rationale(own, "nl"), rule_rationale(own, "de")) == (
        "Night-time medicines.", "Medicijnen in de nacht.", "")
    assert own.rationale == "Night-time medicines."  # the plain field keeps one text for older readers
    assert rule_title(rules["plain"], "sv") == "Apotheken und Praxen"
    assert rule_rationale(rules["plain"], "nl") == "Kurze Wege."


def test_a_rule_built_without_the_loader_is_named_by_its_labels() -> None:
    rule = parse_rule({"id": "municipality_linked_to_palliative_network", "subject_types": ["municipality"],
                       "object_types": ["palliative_network"]}, default_vocabulary(), "test")
    assert rule_title(rule, "nl") == "Gemeente ↔ Netwerk Palliatieve Zorg"


# Ids that must never reach a sentence: rule ids, vocabulary ids with an underscore, codes, booleans.
def _ids() -> set[str]:
    vocab = default_vocabulary()
    found = {r.id for r in load_rules()} | {"True", "False", "None", "nan"}
    for kind in ("actor_types", "sectors", "tie_types"):
        found |= {ident for ident in getattr(vocab, kind) if "_" in ident}
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_reasons_sentences_and_summary_carry_no_ids(lang: str) -> None:
    report = find_gaps(district(), locale=lang)
    texts = [*report.introductions["reason"], *report.expectations["sentence"], *report.expectations["title"],
             *report.expectations["why"], *report.isolated["description"], *report.summary(top=50)]
    assert len(report.introductions) >= 5 and len(report.expectations) >= 3
    words = {w for text in texts for w in re.findall(r"[\w-]+", text)}
    assert words & _ids() == set()
