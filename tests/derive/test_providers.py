"""Tests of the providers table of ``carenet derive`` (:mod:`carenet_graph.derive.providers`):
specialties in en/de/nl/sv and by code mapped to actor types, an explicit type winning, unmatched
specialties reported, provider-id headers, ids kept as text, the row accounting, and the table
carried through :func:`carenet_graph.derive.run.derive` into the written network.

Every expected type and specialty id is written out by hand from ``specialties.yaml``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

import carenet_graph
from carenet_graph.derive import providers as providers_module
from carenet_graph.derive.providers import SPECIALTY, load_specialties, provider_table
from carenet_graph.derive.run import derive
from carenet_graph.read.problems import Problem, ValidationReport
from carenet_graph.vocabulary import default_vocabulary
from tests.support.hostile import Sheet, write_csv, write_ods, write_xlsx

VOCAB = default_vocabulary()

# (specialty as written, specialty id, actor type): four languages, CMS descriptions, the
# crosswalk's "Physician/..." form, German "Facharzt für ..." and punctuation of official titles.
BY_NAME = [
    # en, and the CMS provider-type descriptions
    ("Family Practice", "general_practice", "general_practitioner"),
    ("Internal Medicine", "internal_medicine", "hospital_department"),
    ("Cardiology", "cardiology", "hospital_department"),
    ("Hematology-Oncology", "oncology", "hospital_department"),
    ("Hospice and Palliative Care", "palliative_medicine", "palliative_physician"),
    ("Physician/Geriatric Medicine", "geriatrics", "hospital_department"),
    ("Physical Therapist in Private Practice", "physiotherapy", "therapy_practice"),
    # de
    ("Allgemeinmedizin", "general_practice", "general_practitioner"),
    ("Innere Medizin", "internal_medicine", "hospital_department"),
    ("Kardiologie", "cardiology", "hospital_department"),
    ("Hämatologie und Onkologie", "oncology", "hospital_department"),
    ("Palliativmedizin", "palliative_medicine", "palliative_physician"),
    ("Facharzt für Innere Medizin", "internal_medicine", "hospital_department"),
    ("Kinder- und Jugendmedizin", "paediatrics", "hospital_department"),
    ("Ambulanter Pflegedienst", "home_nursing", "home_nursing_service"),
    ("SAPV", "home_palliative_care", "specialised_home_palliative_team"),
    # nl
    ("huisarts", "general_practice", "general_practitioner"),
    ("interne geneeskunde", "internal_medicine", "hospital_department"),
    ("Cardiologie", "cardiology", "hospital_department"),
    ("oncologie", "oncology", "hospital_department"),
    ("Keel-, neus- en oorheelkunde", "otorhinolaryngology", "hospital_department"),
    ("specialist ouderengeneeskunde", "elderly_care_medicine", "nursing_home"),
    ("apotheek", "pharmacy", "pharmacy"),
    # sv
    ("allmänmedicin", "general_practice", "general_practitioner"),
    ("internmedicin", "internal_medicine", "hospital_department"),
    ("kardiologi", "cardiology", "hospital_department"),
    ("onkologi", "oncology", "hospital_department"),
    ("palliativ medicin", "palliative_medicine", "palliative_physician"),
    ("Barn- och ungdomsmedicin", "paediatrics", "hospital_department"),
    ("hospice", "hospice", "inpatient_hospice"),
]
# NUCC Health Care Provider Taxonomy codes, as written in the NPPES file (and once in lower case).
BY_CODE = [
    ("207Q00000X", "general_practice", "general_practitioner"),
    ("208d00000x", "general_practice", "general_practitioner"),
    ("207R00000X", "internal_medicine", "hospital_department"),
    ("207RC0000X", "cardiology", "hospital_department"),
    ("207RX0202X", "oncology", "hospital_department"),
    ("207RH0002X", "palliative_medicine", "palliative_physician"),
    ("333600000X", "pharmacy", "pharmacy"),
    ("251E00000X", "home_nursing", "home_nursing_service"),
    ("251G00000X", "home_palliative_care", "specialised_home_palliative_team"),
    ("282N00000X", "hospital", "hospital_department"),
    ("314000000X", "nursing_home", "nursing_home"),
    ("315D00000X", "hospice", "inpatient_hospice"),
    ("225100000X", "physiotherapy", "therapy_practice"),
]


def _providers(tmp_path: Path, rows: list[list[str | None]], name: str = "providers.csv") -> Path:
    return write_csv(tmp_path / name, rows)


def _rules(report: ValidationReport, rule: str) -> list[Problem]:
    return [p for p in report.problems if p.rule == rule]


# -- the specialty list -----------------------------------------------------------------------------
def test_every_specialty_maps_to_a_vocabulary_actor_type() -> None:
    specialties = load_specialties()
    assert len(specialties.types) == 37
    assert set(specialties.types.values()) <= set(VOCAB.actor_types)


def test_every_listed_code_is_found_and_nucc_codes_have_the_nucc_shape() -> None:
    specialties = load_specialties()
    data = yaml.safe_load((Path(providers_module.__file__).parent / "specialties.yaml").read_text(encoding="utf-8"))
    nucc = [(code, entry["id"]) for entry in data["specialties"] for code in entry["codes"].get("nucc", ())]
    assert len(nucc) == 52
    assert [code for code, _ in nucc if not re.fullmatch(r"[0-9]{3}[0-9A-Z]{6}X", code)] == []
    assert [(code, ident) for code, ident in nucc if specialties.match(code) != ident] == []
    cms = [(text, entry["id"]) for entry in data["specialties"] for text in entry["codes"].get("cms_specialty", ())]
    assert [(text, ident) for text, ident in cms if specialties.match(text) != ident] == []
    assert [(text, ident) for text, ident in cms if specialties.match(f"Physician/{text}") != ident] == []


def test_agb_codes_only_count_in_their_own_column() -> None:
    specialties = load_specialties()
    # Two-digit codes clash between code lists: never read from a free-text specialty column.
    assert not [k for k in specialties.anywhere if k.isdigit()]
    assert specialties.match("01") is None
    assert [specialties.match(code, "zorgverlenersoort") for code in ("01", "1", "02", "03", "04", "05")] == [
        "general_practice", "general_practice", "pharmacy", "medical_specialist", "physiotherapy", None]


@pytest.mark.parametrize(("text", "ident", "actor_type"), BY_NAME + BY_CODE)
def test_specialty_text_or_code_is_matched(text: str, ident: str, actor_type: str) -> None:
    specialties = load_specialties()
    assert specialties.match(text) == ident
    assert specialties.types[ident] == actor_type


# -- the providers table ----------------------------------------------------------------------------
def test_specialties_in_four_languages_and_codes_give_types_in_the_table(tmp_path: Path) -> None:
    cases = BY_NAME + BY_CODE
    rows: list[list[str | None]] = [["provider", "name", "specialty"]]
    rows += [[f"P{i:03d}", f"Provider {i}", text] for i, (text, _, _) in enumerate(cases)]
    actors, report = provider_table(_providers(tmp_path, rows), VOCAB)
    assert actors["type"].tolist() == [t for _, _, t in cases]
    assert actors[SPECIALTY].tolist() == [s for _, s, _ in cases]
    assert actors["subtype"].tolist() == [text for text, _, _ in cases]  # the text as written is kept
    assert actors["sector"].tolist() == [VOCAB.sector_of(t) for _, _, t in cases]
    [note] = _rules(report, "actor.type_synonym")
    assert (note.count, note.rows[:3], note.column, note.column_letter) == (len(cases), (2, 3, 4), "specialty", "C")
    assert not _rules(report, "actor.type_missing")
    assert not report.has_errors and not report.warnings


def test_code_columns_nppes_taxonomy_cms_provider_type_and_agb_zorgverlenersoort(tmp_path: Path) -> None:
    rows: list[list[str | None]] = [
        ["NPI", "Name", "Healthcare Provider Taxonomy Code_1", "Rndrng_Prvdr_Type", "Zorgverlenersoort"],
        ["1000000001", "A", "207Q00000X", None, None],
        ["1000000002", "B", None, "Hematology-Oncology", None],
        ["1000000003", "C", None, None, "1"],           # AGB 01 with its zero dropped by a spreadsheet
        ["1000000004", "D", "207RC0000X", "Family Practice", None],  # left to right: the taxonomy wins
        ["1000000005", "E", None, None, "04"],
    ]
    actors, report = provider_table(_providers(tmp_path, rows), VOCAB)
    assert actors[SPECIALTY].tolist() == ["general_practice", "oncology", "general_practice", "cardiology",
                                          "physiotherapy"]
    assert actors["type"].tolist() == ["general_practitioner", "hospital_department", "general_practitioner",
                                       "hospital_department", "therapy_practice"]
    notes = sorted((p.column_letter, p.count, p.rows) for p in _rules(report, "actor.type_synonym"))
    assert notes == [("C", 2, (2, 5)), ("D", 1, (3,)), ("E", 2, (4, 6))]


def test_a_type_given_in_the_table_wins_over_the_specialty(tmp_path: Path) -> None:
    rows: list[list[str | None]] = [
        ["LANR", "Name", "Fachrichtung", "Typ"],
        ["100000101", "Apotheke am Markt", "Allgemeinmedizin", "Apotheke"],
        ["100000102", "Zentrum", "Kardiologie", "Zzyzx-Einrichtung"],  # unmatched type: the reader's fallback stays
        ["100000103", "Praxis", "Kardiologie", None],
    ]
    actors, report = provider_table(_providers(tmp_path, rows), VOCAB)
    assert actors["type"].tolist() == ["pharmacy", "other_organisation", "hospital_department"]
    assert actors["sector"].tolist() == ["pharmacy_therapy", "other", "medical"]
    # The specialty is still recorded where the type came from the table.
    assert actors[SPECIALTY].tolist() == ["general_practice", "cardiology", "cardiology"]
    assert [(p.column, p.count, p.rows) for p in _rules(report, "actor.type_synonym") if p.column == "Fachrichtung"] \
        == [("Fachrichtung", 1, (4,))]
    assert [p.row for p in _rules(report, "actor.type_unmatched")] == [3]
    assert not _rules(report, "actor.type_missing")


def test_an_unmatched_specialty_leaves_the_type_empty_and_is_counted_once(tmp_path: Path) -> None:
    rows: list[list[str | None]] = [
        ["AGB-code", "Naam", "Specialisme", "Soort"],
        ["01012345", "Huisartsenpraktijk", "huisarts", None],
        ["01012346", "Praktijk X", "Zahnmedizin", None],
        ["01012347", "Praktijk Y", "tandheelkunde", None],
        ["01012348", "Praktijk Z", "Zahnmedizin", None],
        ["01012349", "Praktijk W", None, None],
        ["01012350", "Apotheek", "tandheelkunde", "apotheek"],  # typed in the table: nothing to report
    ]
    actors, report = provider_table(_providers(tmp_path, rows), VOCAB)
    assert actors["type"].tolist() == ["general_practitioner", None, None, None, None, "pharmacy"]
    assert actors[SPECIALTY].tolist() == ["general_practice", None, None, None, None, None]
    assert actors["subtype"].tolist() == ["huisarts", "Zahnmedizin", "tandheelkunde", "Zahnmedizin", None,
                                          "tandheelkunde"]
    missing = sorted(((p.column, p.count, p.rows, p.value) for p in _rules(report, "actor.type_missing")),
                     key=lambda x: str(x[0]))
    # Rows 3-5 at the specialty column (the texts only in ``value``); row 6, without any specialty,
    # at the type column: the reader's own note, recounted (it had counted rows 2-6).
    assert missing == [("Soort", 1, (6,), None),
                       ("Specialisme", 3, (3, 4, 5), "Zahnmedizin; tandheelkunde")]
    unmatched = next(p for p in _rules(report, "actor.type_missing") if p.column == "Specialisme")
    assert unmatched.severity == "info" and "Zahnmedizin" not in unmatched.message + unmatched.hint
    assert "Zahnmedizin" not in report.summary() and "Zahnmedizin" not in report.to_json()
    # Each row without a type once; the two synonyms: row 2 (from its specialty), row 7 (its type text).
    assert {r: report.rule_counts()[r] for r in ("actor.type_missing", "actor.type_synonym")} == {
        "actor.type_missing": 4, "actor.type_synonym": 2}


def test_a_table_without_any_specialty_keeps_the_readers_notes(tmp_path: Path) -> None:
    rows: list[list[str | None]] = [["npi", "name", "type"], ["1000000001", "A", None], ["1000000002", "B", "GP"]]
    actors, report = provider_table(_providers(tmp_path, rows), VOCAB)
    assert actors["type"].tolist() == [None, "general_practitioner"]
    assert actors[SPECIALTY].tolist() == [None, None]
    assert [(p.column, p.rows) for p in _rules(report, "actor.type_missing")] == [("type", (2,))]


def test_an_extra_column_named_specialty_keeps_its_values(tmp_path: Path) -> None:
    rows: list[list[str | None]] = [["id", "name", "Fachrichtung", "specialty"], ["A1", "A", "Kardiologie", "x"]]
    actors, _ = provider_table(_providers(tmp_path, rows), VOCAB)
    assert actors.loc["A1", SPECIALTY] == "cardiology"
    assert actors.loc["A1", "specialty_"] == "x"


@pytest.mark.parametrize("header", ["NPI", "Rndrng_NPI", "LANR", "BSNR", "AGB", "AGB-code", "AGB code", "HSA-id",
                                    "HSAID", "Arbetsplatskod", "IK", "IK-Nummer", "provider", "Provider_ID",
                                    "provider id"])
def test_the_id_column_is_recognised_under_provider_id_headers(tmp_path: Path, header: str) -> None:
    rows: list[list[str | None]] = [[header, "Name", "Specialty"], ["012345601", "A", "Cardiology"],
                                    ["1234567890", "B", "Family Practice"]]
    actors, report = provider_table(_providers(tmp_path, rows), VOCAB)
    assert actors.index.tolist() == ["012345601", "1234567890"]
    assert actors["name"].tolist() == ["A", "B"]
    assert not _rules(report, "actor.id_generated")


def test_ids_stay_text_as_written_in_csv_xlsx_and_ods(tmp_path: Path) -> None:
    header = ["LANR", "Name", "Fachrichtung", "Gemeinde"]
    body: list[list[str | int | None]] = [["012345601", "Praxis A", "Allgemeinmedizin", "Lemgo"],
                                          ["000000123", "Praxis B", "Palliativmedizin", "Detmold"],
                                          [1234567890, "Praxis C", "Kardiologie", "Lemgo"]]
    csv_path = write_csv(tmp_path / "p.csv", [header, *body])
    xlsx_path = write_xlsx(tmp_path / "p.xlsx", [Sheet("Leistungserbringer", [header, *body])])
    ods_path = write_ods(tmp_path / "p.ods", [Sheet("Leistungserbringer", [header, *body])])
    for path in (csv_path, xlsx_path, ods_path):
        actors, report = provider_table(path, VOCAB)
        assert actors.index.tolist() == ["012345601", "000000123", "1234567890"], path.suffix
        assert actors["type"].tolist() == ["general_practitioner", "palliative_physician", "hospital_department"]
        assert actors["municipality"].tolist() == ["Lemgo", "Detmold", "Lemgo"]
        [note] = _rules(report, "actor.type_synonym")
        assert (note.column, note.column_letter, note.rows) == ("Fachrichtung", "C", (2, 3, 4)), path.suffix
        assert (note.sheet is None) == (path.suffix == ".csv")


def test_every_row_is_accounted_for(tmp_path: Path) -> None:
    rows: list[list[str | None]] = [
        ["NPI", "Name", "Specialty"],
        ["1000000001", "A", "Cardiology"],
        ["1000000002", "B", "Unknown specialty"],
        ["1000000001", "A", "Cardiology"],            # the same provider again: merged
        ["1000000003", "C", None],
        ["1000000001", "Someone else", "Oncology"],   # one id, another name: rejected
        [None, None, "Cardiology"],                   # neither id nor name: rejected
    ]
    actors, report = provider_table(_providers(tmp_path, rows), VOCAB)
    accounting = report.accounting
    assert (accounting.rows_read, accounting.actor_rows, accounting.tie_rows, accounting.rows_rejected) == (6, 4, 0, 2)
    assert accounting.balanced
    assert actors.index.tolist() == ["1000000001", "1000000002", "1000000003"]
    assert actors["type"].tolist() == ["hospital_department", None, None]
    assert [(p.rule, p.row) for p in report.errors] == [("actor.duplicate_id", 6), ("actor.no_id_or_name", 7)]
    assert not _rules(report, "table.no_ties")


# -- through derive ---------------------------------------------------------------------------------
def test_derive_writes_the_providers_names_types_and_places_and_the_folder_reads_back(tmp_path: Path) -> None:
    records = write_csv(tmp_path / "records.csv", [
        ["Versicherter", "LANR", "Behandlungsdatum"],
        ["v1", "012345601", "03.01.2024"], ["v1", "000000123", "10.02.2024"], ["v1", "777777777", "11.02.2024"],
        ["v2", "012345601", "05.01.2024"], ["v2", "000000123", "01.03.2024"],
    ])
    providers = write_csv(tmp_path / "providers.csv", [
        ["LANR", "Name", "Fachrichtung", "Gemeinde", "Typ"],
        ["012345601", "Praxis Dr. A", "Allgemeinmedizin", "Lemgo", None],
        ["000000123", "Palliativpraxis B", "Palliativmedizin", "Detmold", None],
        ["777777777", "Hospiz am Park", "Zahnmedizin", "Bad Salzuflen", "Hospiz"],
        ["999999999", "Praxis ohne Patienten", "Kardiologie", "Lage", None],
    ])
    out = tmp_path / "out"
    result = derive(records, out, providers=providers, min_shared=1, suppress_below=1)
    with (out / "actors.csv").open(encoding="utf-8", newline="") as handle:
        written = {row["id"]: row for row in csv.DictReader(handle)}
    assert sorted(written) == ["000000123", "012345601", "777777777"]
    assert [(written[i]["name"], written[i]["type"], written[i]["municipality"], written[i]["subtype"],
             written[i][SPECIALTY]) for i in sorted(written)] == [
        ("Palliativpraxis B", "palliative_physician", "Detmold", "Palliativmedizin", "palliative_medicine"),
        ("Praxis Dr. A", "general_practitioner", "Lemgo", "Allgemeinmedizin", "general_practice"),
        ("Hospiz am Park", "inpatient_hospice", "Bad Salzuflen", "Zahnmedizin", ""),
    ]
    assert result.report.accounting.balanced
    assert (result.report.accounting.rows_read, result.report.accounting.actor_rows) == (5 + 4, 4)
    network = carenet_graph.read_network([out])
    assert network.actors["type"].to_dict() == {i: written[i]["type"] for i in written}
    assert network.actors["sector"].to_dict() == {"000000123": "medical", "012345601": "medical",
                                                  "777777777": "hospice"}
    assert not network.report.has_errors


def test_a_parquet_providers_table_is_read_and_its_problems_name_the_parquet_file(tmp_path: Path) -> None:
    import duckdb

    source = tmp_path / "providers.csv"
    source.write_text("NPI,Name,Specialty\n1234567890,Praxis Nord,Family Practice\n0234567890,Apotheke Süd,Pharmacy\n"
                      "0234567890,Apotheke Doppelt,Pharmacy\n", encoding="utf-8")
    parquet = tmp_path / "providers.parquet"
    with duckdb.connect(":memory:") as con:
        con.execute(f"COPY (SELECT * FROM read_csv('{source}', all_varchar = true)) TO '{parquet}'")
    source.unlink()
    actors, report = provider_table(parquet, default_vocabulary())
    assert sorted(actors.index) == ["0234567890", "1234567890"]  # text as written: the leading zero kept
    assert actors.loc["1234567890", "type"] == "general_practitioner"
    assert actors.loc["0234567890", "type"] == "pharmacy"
    assert report.sources == [str(parquet)]
    duplicate = [p for p in report.problems if p.severity != "info"]
    assert [(p.file, p.row) for p in duplicate] == [(str(parquet), 4)]  # the third record, as row 4
    assert report.accounting.balanced and report.accounting.rows_read == 3
