"""Tests for carenet_graph.vocabulary: free-text matching in four languages and user YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from carenet_graph.errors import VocabularyError
from carenet_graph.read.load import read_network
from carenet_graph.vocabulary import LANGUAGES, default_vocabulary, load_vocabulary, text_key

ACTOR_TYPES = [
    # German, incl. compounds, legal forms, brackets and hyphenated compounds
    ("Ambulanter Pflegedienst", "home_nursing_service"),
    ("AMBULANTER\u00a0PFLEGEDIENST", "home_nursing_service"),
    ("Ambulanter_Pflege-Dienst", "home_nursing_service"),
    ("Physiotherapiepraxis", "therapy_practice"),
    ("Hospizverein Lemgo e.V.", "outpatient_hospice_service"),
    ("Hospiz-Verein Lemgo e. V.", "outpatient_hospice_service"),
    ("Hospiz (stationär)", "inpatient_hospice"),
    ("Pflegeheim St. Anna gGmbH", "nursing_home"),
    ("Hausarztpraxis Dr. Meier", "general_practitioner"),
    ("SAPV-Team", "specialised_home_palliative_team"),
    ("Palliativ-Station", "palliative_care_unit"),
    ("Stadtapotheke", "pharmacy"),
    ("Krankenhausseelsorge", "spiritual_care"),
    ("Kreis Lippe", "regional_authority"),
    # Dutch
    ("Thuiszorg B.V.", "home_nursing_service"),
    ("Huisartsenpraktijk", "general_practitioner"),
    ("Bijna-Thuis-Huis", "inpatient_hospice"),
    ("Hospice Eemland (stichting)", "inpatient_hospice"),
    ("Mantelzorgsteunpunt", "carer_support"),
    ("Gemeente Amersfoort", "municipality"),
    # Swedish
    ("Vårdcentralen Årjäng", "general_practitioner"),
    ("Hemtjänst AB", "home_help_service"),
    ("Särskilt boende", "nursing_home"),
    ("ASIH", "specialised_home_palliative_team"),
    ("Sjukhuskyrkan", "spiritual_care"),
    # ids are accepted as they are
    ("nursing_home", "nursing_home"),
]


@pytest.mark.parametrize(("text", "expected"), ACTOR_TYPES)
def test_free_text_actor_types_map_to_the_vocabulary(text: str, expected: str) -> None:
    match = default_vocabulary().match_actor_type(text)
    assert (match.id, match.matched) == (expected, True)


def test_match_tells_how_it_matched() -> None:
    vocab = default_vocabulary()
    assert vocab.match_actor_type("nursing_home").how == "id"
    assert vocab.match_actor_type("Pflegeheim").how == "synonym"
    assert vocab.match_actor_type("Pflegeheim St. Anna gGmbH").how == "contains"
    assert vocab.match_actor_type("Physiotherapiepraxis").how == "keyword"
    assert vocab.match_actor_type("Pflegeheim").exact
    assert not vocab.match_actor_type("Pflegeheim St. Anna gGmbH").exact


@pytest.mark.parametrize(("text", "suggestions"), [
    ("Apothke", ("pharmacy", "other_organisation")),
    ("Hospitz", ("inpatient_hospice", "palliative_network", "hospital_department")),
])
def test_unmatched_type_is_other_organisation_with_suggestions(text: str, suggestions: tuple[str, ...]) -> None:
    match = default_vocabulary().match_actor_type(text)
    assert (match.id, match.how, match.matched, match.suggestions) == ("other_organisation", "unmatched", False,
                                                                       suggestions)


def test_unmatched_type_is_a_located_warning(tmp_path: Path) -> None:
    path = tmp_path / "akteure.csv"
    path.write_text("id;name;typ\na1;X;Apotheke\na2;Y;Apothke\n", encoding="utf-8")
    data = read_network([path])
    assert list(data.actors["type"]) == ["pharmacy", "other_organisation"]
    assert list(data.actors["sector"]) == ["pharmacy_therapy", "other"]
    (problem,) = [p for p in data.report.problems if p.rule == "actor.type_unmatched"]
    assert (problem.severity, problem.file, problem.row, problem.column, problem.column_letter) == (
        "warning", str(path), 3, "typ", "C")
    assert problem.message == "actor type not in the vocabulary; read as other_organisation"
    assert problem.value == "Apothke"  # quoted only with --show-values
    assert problem.hint == ("Closest known types: pharmacy, other_organisation. Use a type from the template's "
                            "list, or add a synonym with --vocabulary.")


@pytest.mark.parametrize(("text", "expected"), [
    ("Überweisung", "referral"),
    ("verwijzing", "referral"),
    ("remiss", "referral"),
    ("gemeinsame Patienten", "shared_patients"),
    ("gedeelde patiënten", "shared_patients"),
    ("Fallbesprechung", "care_coordination_meeting"),
    ("informationsutbyte", "information_exchange"),
    ("Kooperationsvertrag", "formal_agreement"),
])
def test_tie_types_in_four_languages(text: str, expected: str) -> None:
    assert default_vocabulary().match_tie_type(text).id == expected


def test_unmatched_tie_type_is_other() -> None:
    match = default_vocabulary().match_tie_type("Kaffeeklatsch")
    assert (match.id, match.matched) == ("other", False)


def test_tie_type_directions() -> None:
    vocab = default_vocabulary()
    assert vocab.tie_type_directed("referral") is True
    assert vocab.tie_type_directed("shared_patients") is False
    assert vocab.tie_type_directed("no_such_type") is False


@pytest.mark.parametrize(("text", "level"), [
    ("Koordination", 3), ("coördinatie", 3), ("samordning", 3), ("keine Zusammenarbeit", 0),
    ("integrierte Zusammenarbeit", 5), ("Vernetzung (kennen)", 1),
])
def test_level_aliases(text: str, level: int) -> None:
    assert default_vocabulary().level_aliases()[text_key(text)] == level


@pytest.mark.parametrize(("header", "role", "canonical"), [
    ("Name der Einrichtung", "actors", "name"), ("Naam organisatie", "actors", "name"), ("Namn", "actors", "name"),
    ("PLZ", "actors", "postcode"), ("Postnummer", "actors", "postcode"), ("Gemeente", "actors", "municipality"),
    ("Von", "ties", "source"), ("Naar", "ties", "target"), ("Intensität", "ties", "level"),
    ("Samverkansnivå", "ties", "level"), ("Intensity", "ties", "level"), ("Tie type", "ties", "type"),
])
def test_header_aliases(header: str, role: str, canonical: str) -> None:
    assert default_vocabulary().header_aliases(role)[text_key(header)] == canonical


def test_text_key() -> None:
    assert text_key("  Ambulanter_Pflege-Dienst ") == "ambulanter pflege dienst"
    assert text_key("Hospiz\u00a0 Lemgo") == "hospiz lemgo"
    assert text_key("ＡＢＣ") == "abc"  # NFKC: full-width letters
    assert text_key("STRASSE") == text_key("straße")


def test_labels_in_every_language() -> None:
    vocab = default_vocabulary()
    assert [vocab.label("level", 3, lang) for lang in LANGUAGES] == [
        "Coordination", "Koordination (Abstimmung)", "Coördinatie (afstemming)", "Samordning"]
    assert vocab.label("actor_type", "unknown_id", "de") == "unknown_id"
    assert vocab.sector_of("pharmacy") == "pharmacy_therapy"
    assert vocab.sector_of("unknown_id") == "other"


# -- user vocabulary ------------------------------------------------------------------------
USER_YAML = """\
actor_types:
  - id: pharmacy
    synonyms:
      de: [Medikamentenausgabe]
  - id: dental_practice
    sector: medical
    labels: {en: Dental practice, de: Zahnarztpraxis, nl: Tandartspraktijk, sv: Tandläkarmottagning}
    synonyms:
      de: [Zahnarzt, Zahnärztin]
      sv: [Folktandvården]
"""


def test_user_vocabulary_adds_a_synonym_and_a_type(tmp_path: Path) -> None:
    path = tmp_path / "meine.yaml"
    path.write_text(USER_YAML, encoding="utf-8")
    before = default_vocabulary().match_actor_type("Medikamentenausgabe")
    assert before.id == "other_organisation" and not before.matched
    vocab = load_vocabulary([path])
    assert vocab.sources == ("carenet_graph/vocabulary/vocabulary.yaml", str(path))
    assert vocab.match_actor_type("Medikamentenausgabe").id == "pharmacy"
    assert vocab.match_actor_type("Apotheke").id == "pharmacy"  # old synonyms stay
    assert vocab.match_actor_type("Zahnarztpraxis Dr. Müller").id == "dental_practice"
    assert vocab.match_actor_type("Folktandvården Årjäng").id == "dental_practice"
    assert vocab.sector_of("dental_practice") == "medical"
    assert vocab.label("actor_type", "dental_practice", "sv") == "Tandläkarmottagning"
    # The package vocabulary itself is not changed.
    assert default_vocabulary().match_actor_type("Medikamentenausgabe").id == "other_organisation"
    assert "dental_practice" not in default_vocabulary().actor_types


def test_user_vocabulary_through_read_network(tmp_path: Path) -> None:
    (tmp_path / "meine.yaml").write_text(USER_YAML, encoding="utf-8")
    (tmp_path / "a.csv").write_text("id;name;type\nz1;Praxis;Zahnärztin\n", encoding="utf-8")
    data = read_network([tmp_path / "a.csv"], vocabulary=[tmp_path / "meine.yaml"])
    assert data.actors.loc["z1", "type"] == "dental_practice"
    assert data.actors.loc["z1", "sector"] == "medical"


def test_empty_user_vocabulary_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "leer.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    assert load_vocabulary([path]).actor_types.keys() == default_vocabulary().actor_types.keys()


@pytest.mark.parametrize(("text", "row", "message"), [
    ("actor_types:\n  - id: x\n     sector: medical\n", 3, "not valid YAML (mapping values are not allowed here)"),
    ("actor_types:\n  - id: x\n    sector: [medical\n  - id: y\n", 4,
     "not valid YAML (expected ',' or ']', but got ':')"),
])
def test_invalid_yaml_names_file_and_line(tmp_path: Path, text: str, row: int, message: str) -> None:
    path = tmp_path / "kaputt.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VocabularyError) as info:
        load_vocabulary([path])
    assert (info.value.file, info.value.row, info.value.message) == (str(path), row, message)
    assert info.value.hint == "Check indentation and colons on that line."


def test_type_with_unknown_sector_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sektor.yaml"
    path.write_text("actor_types:\n  - id: dental_practice\n    sector: dentistry\n", encoding="utf-8")
    with pytest.raises(VocabularyError) as info:
        load_vocabulary([path])
    assert info.value.file == str(path)
    assert info.value.message == "actor type 'dental_practice' names sector 'dentistry', which is not defined"
    assert info.value.hint is not None and info.value.hint.startswith("Use one of: coordination_network, hospice,")


def test_user_vocabulary_may_add_the_sector_it_needs(tmp_path: Path) -> None:
    path = tmp_path / "sektor.yaml"
    path.write_text("sectors:\n  - id: dentistry\n    labels: {en: Dentistry}\n"
                    "actor_types:\n  - id: dental_practice\n    sector: dentistry\n", encoding="utf-8")
    assert load_vocabulary([path]).sector_of("dental_practice") == "dentistry"


@pytest.mark.parametrize(("text", "message"), [
    ("tie_types:\n  - id: supervision\n", "tie type 'supervision' needs 'direction: directed' or "
                                          "'direction: undirected'"),
    ("- just\n- a list\n", "a vocabulary file must be a mapping (keys such as actor_types, columns)"),
    ("actor_types: {id: x}\n", "'vocabulary.actor_types' must be a list"),
])
def test_malformed_user_vocabulary(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "v.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VocabularyError) as info:
        load_vocabulary([path])
    assert (info.value.message, info.value.file) == (message, str(path))


def test_missing_and_non_utf8_vocabulary_files(tmp_path: Path) -> None:
    with pytest.raises(VocabularyError) as info:
        load_vocabulary([tmp_path / "fehlt.yaml"])
    assert info.value.message == "vocabulary file not found"
    latin = tmp_path / "latin1.yaml"
    latin.write_bytes("actor_types:\n  - id: pharmacy\n    synonyms: {de: [Sanitätshaus]}\n".encode("cp1252"))
    with pytest.raises(VocabularyError) as info:
        load_vocabulary([latin])
    assert info.value.message == "vocabulary file is not UTF-8 text"
