"""Property tests for the loader: hostile cells and bytes raise nothing but CarenetError, every
row is accounted for, and table → graph → GraphML → graph keeps every actor and tie."""

from __future__ import annotations

import csv
import io
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carenet_graph.errors import CarenetError
from carenet_graph.output.graph import write_network
from carenet_graph.read.load import NetworkData, read_network, to_graph
from carenet_graph.vocabulary import default_vocabulary, text_key
from tests.support.hostile import Sheet, write_xlsx

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VOCAB = default_vocabulary()

# Cells as people and programs produce them: any text (surrogates cannot be encoded), the
# delimiters, quotes and line breaks, and the values the loader treats specially.
SPECIAL = ["", " ", ";", ",", "\t", "|", '"', "'", "\n", "\r\n", "\r", "\x00", "\ufeff", "\u00a0", "\u200b",
           "#NV", "#N/A", "#SAKNAS!", "=1+1", "3", "3,0", "-1", "NaN", "inf", "1e308", "01.02.2023",
           "31.02.2023", "Ã¼", "WAHR", "x", "Koordination", "id", "source", "Source", "name"]
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=15)
CP1252_TEXT = st.text(st.characters(codec="cp1252"), max_size=15)


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _rows(encoding: str) -> st.SearchStrategy[list[list[str]]]:
    text = CP1252_TEXT if encoding == "cp1252" else ANY_TEXT
    cells = st.one_of(text, st.sampled_from([c for c in SPECIAL if _encodable(c, encoding)]))
    # Ragged on purpose: rows may be shorter or longer than the header.
    return st.lists(st.lists(cells, min_size=0, max_size=7), max_size=8)


def _csv(rows: Sequence[Sequence[str]], delimiter: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def _read(paths: Sequence[Path], **options: Any) -> NetworkData | None:
    """read_network, or None when it refused the input with one of our own errors."""
    try:
        return read_network(list(paths), **options)
    except CarenetError:
        return None


def _balanced(data: NetworkData | None) -> None:
    if data is not None:
        acc = data.report.accounting
        assert acc.balanced, acc
        assert len(data.actors) == acc.actors and len(data.ties) == acc.ties


ACTOR_HEADERS = st.sampled_from([
    ["id", "name", "type", "lat", "lon", "postcode"],
    ["ID", "Name", "Typ", "Breitengrad", "Längengrad", "PLZ", "Gegründet"],
    ["Nummer", "Naam", "Soort", "Gemeente", "Sector"],
    ["Namn", "Kategori", "Kommun"],
])
TIE_HEADERS = st.sampled_from([
    ["source", "target", "level", "weight", "type"],
    ["Von", "Nach", "Intensität", "Vertrag", "seit", "Richtung"],
    ["Van", "Naar", "Niveau", "Frequentie"],
    ["Respondent", "Partner 1", "Level 1", "Partner 2", "Level 2"],
    ["", "A", "B", "C"],  # an adjacency matrix when the row labels match
])


@SETTINGS
@given(
    actor_header=ACTOR_HEADERS,
    tie_header=TIE_HEADERS,
    data=st.data(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le"]),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
)
def test_arbitrary_cells_raise_only_carenet_errors_and_every_row_is_accounted(
    actor_header: list[str], tie_header: list[str], data: st.DataObject, encoding: str, delimiter: str,
) -> None:
    actors = data.draw(_rows(encoding), label="actor rows")
    ties = data.draw(_rows(encoding), label="tie rows")
    with tempfile.TemporaryDirectory() as folder:
        a = Path(folder) / "actors.csv"
        t = Path(folder) / "ties.csv"
        a.write_bytes(_csv([actor_header, *actors], delimiter).encode(encoding))
        t.write_bytes(_csv([tie_header, *ties], delimiter).encode(encoding))
        _balanced(_read([a, t]))
        # The same files with their roles given, and with the delimiter given.
        _balanced(_read([], actors=[a], ties=[t], sep=delimiter))


@SETTINGS
@given(
    content=st.binary(max_size=600),
    suffix=st.sampled_from([".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods", ".json", ".graphml", ".gexf", ""]),
)
def test_arbitrary_bytes_raise_only_carenet_errors(content: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(content)
        _balanced(_read([path]))


def _valid_files(folder: Path) -> list[Path]:
    rows = [["id", "name", "type", "postcode"], ["007", "Zzyzx Hospiz", "hospice", "01067"],
            ["8", "Vårdcentralen", "vårdcentral", "66530"]]
    text = folder / "seed.csv"
    text.write_text(_csv(rows, ";"), encoding="utf-8")
    book = write_xlsx(folder / "seed.xlsx", [Sheet("Akteure", rows), Sheet("Beziehungen", [["Von", "Nach"],
                                                                                            ["007", "8"]])])
    graph = folder / "seed.graphml"
    graph.write_text('<?xml version="1.0" encoding="UTF-8"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
                     '<key id="d0" for="node" attr.name="name" attr.type="string"/><graph edgedefault="directed">'
                     '<node id="a"><data key="d0">A</data></node><node id="b"/><edge source="a" target="b"/>'
                     "</graph></graphml>", encoding="utf-8")
    return [text, book, graph]


@SETTINGS
@given(which=st.integers(0, 2), edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)),
                                                 min_size=1, max_size=8), cut=st.booleans())
def test_damaged_files_raise_only_carenet_errors(which: int, edits: list[tuple[int, int]], cut: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _valid_files(Path(folder))[which]
        content = bytearray(path.read_bytes())
        for position, value in edits:
            content[position % len(content)] = value
        if cut:
            content = content[: edits[0][0] % len(content)]
        path.write_bytes(bytes(content))
        _balanced(_read([path]))


# -- round trip --------------------------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyzäöüßåëéABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜÅ"
MISSING = VOCAB.missing_values
WORDS = st.text(LETTERS, min_size=1, max_size=8)
NAMES = st.lists(WORDS, min_size=1, max_size=3).map(" ".join).filter(lambda n: text_key(n) not in MISSING)
IDS = st.text("0123456789XYZ", min_size=1, max_size=5)
ACTOR_TYPES = sorted(VOCAB.actor_types)
TIE_TYPES = sorted(VOCAB.tie_types)
COORD = st.floats(-89.9, 89.9, allow_nan=False).map(lambda x: round(x, 6))


@st.composite
def networks(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[tuple[str, str, str, int]]]:
    ids = draw(st.lists(IDS, min_size=2, max_size=12, unique=True))
    actors = [{
        "id": ident,
        "name": draw(NAMES),
        "type": draw(st.sampled_from(ACTOR_TYPES)),
        "municipality": draw(st.none() | st.sampled_from(["Lemgo", "Detmold", "Kil", "Säffle", "Årjäng",
                                                         "Eemnes", "Baarn", "Schieder-Schwalenberg"])),
        "postcode": draw(st.none() | st.from_regex(r"\A0[0-9]{4}\Z")),
        "lat": draw(st.none() | COORD),
        "lon": draw(st.none() | COORD),
    } for ident in ids]
    pairs = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)).filter(lambda p: p[0] != p[1]),
                          max_size=25))
    ties: dict[tuple[Any, ...], tuple[str, str, str, int]] = {}
    for source, target in pairs:
        tie_type = draw(st.sampled_from(TIE_TYPES))
        level = draw(st.integers(1, 5))
        # One report per pair and type: a repeat would (rightly) be reported as a duplicate.
        ties.setdefault((frozenset((source, target)), tie_type), (source, target, tie_type, level))
    return actors, list(ties.values())


def _number(value: float | None, delimiter: str) -> str:
    if value is None:
        return ""
    text = repr(value)
    return text.replace(".", ",") if delimiter == ";" else text


@pytest.mark.slow
@SETTINGS
@given(network=networks(), delimiter=st.sampled_from([",", ";", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_table_graph_graphml_graph_keeps_every_actor_and_tie(
    network: tuple[list[dict[str, Any]], list[tuple[str, str, str, int]]], delimiter: str, encoding: str,
) -> None:
    actors, ties = network
    header = ["id", "name", "type", "municipality", "postcode", "lat", "lon"]
    actor_rows = [[a["id"], a["name"], a["type"], a["municipality"] or "", a["postcode"] or "",
                   _number(a["lat"], delimiter), _number(a["lon"], delimiter)] for a in actors]
    tie_rows = [[s, t, kind, str(level)] for s, t, kind, level in ties]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        a = folder / "actors.csv"
        t = folder / "ties.csv"
        a.write_bytes(_csv([header, *actor_rows], delimiter).encode(encoding))
        t.write_bytes(_csv([["source", "target", "type", "level"], *tie_rows], delimiter).encode(encoding))
        first = read_network([a, t])
        assert first.report.accounting.balanced
        assert not first.report.errors
        write_network(to_graph(first), folder / "g.graphml")
        again = read_network([folder / "g.graphml"])
    assert again.report.accounting.balanced
    assert not again.report.errors

    def actor_key(ident: Any, row: Any) -> tuple[Any, ...]:
        return (ident, row["name"], row["type"], _none(row["municipality"]), _none(row["postcode"]),
                _none(row["lat"]), _none(row["lon"]))

    expected = Counter((x["id"], x["name"], x["type"], x["municipality"], x["postcode"], x["lat"], x["lon"])
                       for x in actors)
    for data in (first, again):
        got = Counter(actor_key(ident, row) for ident, row in data.actors.iterrows())
        assert got == expected
        got_ties = Counter(zip(data.ties["source"], data.ties["target"], data.ties["type"],
                               (int(v) for v in data.ties["level"]), strict=True))
        assert got_ties == Counter(ties)


def _none(value: Any) -> Any:
    try:
        return None if value is None or value != value else value  # NaN and pd.NA → None
    except TypeError:
        return None
