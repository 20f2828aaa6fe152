"""Tests for carenet_graph.privacy.pseudonyms: keyed pseudonyms and the pseudonymised graph.

Two "waves" of one network are written as CSV in ``tmp_path`` and loaded with
:func:`carenet_graph.load`; the second spells the names differently and has no ids. Every
output format is written from the pseudonymised graph and its bytes are searched for names,
ids, notes and postcodes.
"""

from __future__ import annotations

import copy
import html
import io
import re
import zipfile
from pathlib import Path

import networkx as nx
import pytest

import carenet_graph as cg
from carenet_graph.output.graph import output_paths, write_network
from carenet_graph.privacy.key import load_or_create_key
from carenet_graph.privacy.pseudonyms import DEFAULT_KEEP, mapping_table, pseudonym, pseudonymize

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
CODE = r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}"

WAVE_1_ACTORS = (
    "id,name,type,municipality,region,country,postcode,lat,lon,phone,notes\n"
    "akteur-hausarzt-mueller,Hausarztpraxis Dr. Müller,general_practitioner,Lemgo,Kreis Lippe,DE,32657,"
    "52.02771,8.90434,+49 5261 778899,Dr. Müller geht 2026 in Rente\n"
    "akteur-hospiz-lemgo,Hospizverein Lemgo e.V.,outpatient_hospice_service,Lemgo,Kreis Lippe,DE,32658,"
    "52.03312,8.89876,,\n"
    "akteur-pflege-sonne,Pflegedienst Sonnenschein,home_nursing_service,Detmold,Kreis Lippe,DE,32756,"
    "51.93872,8.87921,,Leitung: Frau Weber-Kowalski\n"
    "akteur-apotheke-markt,Apotheke am Marktplatz,pharmacy,Detmold,Kreis Lippe,DE,32758,51.93512,8.88123,,\n"
)
WAVE_1_TIES = (
    "source,target,type,level,reported_by,notes\n"
    "akteur-hausarzt-mueller,akteur-hospiz-lemgo,referral,3,akteur-hausarzt-mueller,Telefon nur dienstags\n"
    "akteur-hospiz-lemgo,akteur-hausarzt-mueller,referral,4,akteur-hospiz-lemgo,\n"
    "akteur-pflege-sonne,akteur-apotheke-markt,shared_patients,2,Koordinatorin Kreisverwaltung,\n"
    "akteur-hausarzt-mueller,akteur-pflege-sonne,consultation,5,,Streit im Qualitätszirkel\n"
)
# Next year: no ids, other case and spacing, one new actor.
WAVE_2_ACTORS = (
    "name,type,municipality,region,country\n"
    "hausarztpraxis  dr. müller,general_practitioner,Lemgo,Kreis Lippe,DE\n"
    "HOSPIZVEREIN LEMGO E.V.,outpatient_hospice_service,Lemgo,Kreis Lippe,DE\n"
    "Pflegedienst   Sonnenschein,home_nursing_service,Detmold,Kreis Lippe,DE\n"
    "Palliativnetz Lippe Mitte,palliative_network,Detmold,Kreis Lippe,DE\n"
)
WAVE_2_TIES = (
    "source,target,type,level\n"
    "hausarztpraxis  dr. müller,HOSPIZVEREIN LEMGO E.V.,referral,4\n"
    "Palliativnetz Lippe Mitte,Pflegedienst   Sonnenschein,membership,2\n"
)

NAMES = ("Hausarztpraxis Dr. Müller", "Hospizverein Lemgo e.V.", "Pflegedienst Sonnenschein", "Apotheke am Marktplatz")
IDS = ("akteur-hausarzt-mueller", "akteur-hospiz-lemgo", "akteur-pflege-sonne", "akteur-apotheke-markt")
NOTES = ("Dr. Müller geht 2026 in Rente", "Leitung: Frau Weber-Kowalski", "Telefon nur dienstags",
         "Streit im Qualitätszirkel", "Weber-Kowalski", "Rente")
OTHER_SECRETS = ("32657", "32658", "32756", "32758", "778899", "Koordinatorin Kreisverwaltung", "52.02771", "8.90434")
FORBIDDEN = (*NAMES, *IDS, *NOTES, *OTHER_SECRETS)


def _wave(folder: Path, actors: str, ties: str) -> nx.MultiDiGraph:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "actors.csv").write_text(actors, encoding="utf-8")
    (folder / "ties.csv").write_text(ties, encoding="utf-8")
    return cg.load([folder / "actors.csv", folder / "ties.csv"], strict=True)


@pytest.fixture
def wave1(tmp_path: Path) -> nx.MultiDiGraph:
    return _wave(tmp_path / "wave1", WAVE_1_ACTORS, WAVE_1_TIES)


def _everything(G: nx.Graph) -> str:
    """All ids, attribute names and values of a graph as one text."""
    parts = [repr(G.graph)]
    parts += [repr((n, data)) for n, data in G.nodes(data=True)]
    edges = G.edges(keys=True, data=True) if G.is_multigraph() else G.edges(data=True)
    parts += [repr(e) for e in edges]
    return "\n".join(parts)


def _file_text(path: Path) -> str:
    """The text of a written file; a zip container (xlsx) as the text of all its entries."""
    data = path.read_bytes()
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            text = "\n".join(book.read(name).decode("utf-8") for name in book.namelist())
    else:
        text = data.decode("utf-8")
    # Both the stored form and the form a reader sees (XML escapes: &amp; &#252; ...).
    return text + "\n" + html.unescape(text)


def _absent(text: str, forbidden: tuple[str, ...] = FORBIDDEN) -> list[str]:
    folded = text.casefold()
    return [s for s in forbidden if s.casefold() in folded]


# -- pseudonyms -----------------------------------------------------------------------------
def test_pseudonym_format_and_normalisation() -> None:
    first = pseudonym("Hausarztpraxis  Dr. Müller", KEY)
    assert re.fullmatch(f"Actor {CODE}", first)
    assert pseudonym("hausarztpraxis dr. müller", KEY) == first
    assert pseudonym("  HAUSARZTPRAXIS DR. MÜLLER ", KEY) == first
    assert pseudonym("Hausarztpraxis Dr. Müller", KEY, prefix="general_practitioner") == (
        "general_practitioner " + first.split(" ")[1])
    assert re.fullmatch(CODE, pseudonym("Hausarztpraxis Dr. Müller", KEY, prefix=""))
    assert pseudonym("Hausarztpraxis Dr. Meier", KEY) != first


def test_different_key_different_pseudonym() -> None:
    assert pseudonym("Hospizverein Lemgo e.V.", KEY) != pseudonym("Hospizverein Lemgo e.V.", OTHER_KEY)


def test_short_or_textual_key_refused() -> None:
    with pytest.raises(ValueError, match="at least 16 bytes"):
        pseudonym("Hospiz", b"")
    with pytest.raises(TypeError, match="bytes"):
        pseudonym("Hospiz", KEY.hex())  # type: ignore[arg-type]


def test_ten_thousand_names_give_ten_thousand_pseudonyms() -> None:
    names = [f"Praxis {i}" for i in range(10_000)]
    assert len({pseudonym(name, KEY) for name in names}) == 10_000


def test_graph_pseudonyms_are_distinct_even_for_equal_names() -> None:
    G = nx.MultiDiGraph()
    G.add_node("p1", name="Pflegedienst Nord", type="home_nursing_service")
    G.add_node("p2", name="pflegedienst  nord", type="home_nursing_service")
    G.add_node("p3", name="Apotheke Süd", type="pharmacy")
    H, ids = pseudonymize(G, KEY)
    assert len(set(ids.values())) == 3 and H.number_of_nodes() == 3
    assert all(re.fullmatch(f"Actor {CODE}", i) for i in ids.values())
    assert ids["p3"] == pseudonym("Apotheke Süd", KEY)  # a unique name keeps its stable pseudonym


# -- waves ----------------------------------------------------------------------------------
def test_same_key_same_pseudonyms_in_next_wave(tmp_path: Path, wave1: nx.MultiDiGraph) -> None:
    wave2 = _wave(tmp_path / "wave2", WAVE_2_ACTORS, WAVE_2_TIES)
    key = load_or_create_key(tmp_path / "net.key")
    H1, ids1 = pseudonymize(wave1, key)
    H2, _ = pseudonymize(wave2, load_or_create_key(tmp_path / "net.key"))
    common = set(H1) & set(H2)
    assert common == {ids1[i] for i in IDS[:3]}  # the pharmacy left, the network joined
    for node in common:
        assert H1.nodes[node]["name"] == H2.nodes[node]["name"]
    # The tie reported in both waves joins the same pseudonyms.
    assert H2.has_edge(ids1["akteur-hausarzt-mueller"], ids1["akteur-hospiz-lemgo"])
    H3, _ = pseudonymize(wave2, OTHER_KEY)
    assert not set(H1) & set(H3)


def test_mapping_table_matches_pseudonymize(wave1: nx.MultiDiGraph) -> None:
    H, ids = pseudonymize(wave1, KEY)
    table = mapping_table(wave1, KEY)
    assert list(table.index) == list(IDS) and table.index.name == "id"
    assert list(table.columns) == ["name", "pseudonym", "label"]
    assert list(table["name"]) == list(NAMES)
    assert table["pseudonym"].to_dict() == ids
    assert [H.nodes[p]["name"] for p in table["pseudonym"]] == list(table["label"])
    assert str(table.loc["akteur-hausarzt-mueller", "label"]).startswith("general_practitioner ")


# -- the pseudonymised graph ----------------------------------------------------------------
def test_input_graph_not_mutated(wave1: nx.MultiDiGraph) -> None:
    nodes = copy.deepcopy(list(wave1.nodes(data=True)))
    edges = copy.deepcopy(list(wave1.edges(keys=True, data=True)))
    graph = copy.deepcopy(wave1.graph)
    H, _ = pseudonymize(wave1, KEY, suppress_below=3)
    H.graph["tables"].append("x")
    for _, data in H.nodes(data=True):
        data["type"] = "changed"
    assert list(wave1.nodes(data=True)) == nodes
    assert list(wave1.edges(keys=True, data=True)) == edges
    assert wave1.graph == graph


def test_no_original_text_in_the_pseudonymised_graph(wave1: nx.MultiDiGraph) -> None:
    assert "Frau Weber-Kowalski" in _everything(wave1)  # the search can find what it looks for
    H, _ = pseudonymize(wave1, KEY)
    assert _absent(_everything(H)) == []
    assert H.graph["pseudonymized"] is True
    assert KEY.hex() not in _everything(H)


@pytest.mark.parametrize("suffix", [".graphml", ".gexf", ".json", ".xlsx", ".csv"])
def test_no_original_text_in_written_files(tmp_path: Path, wave1: nx.MultiDiGraph, suffix: str) -> None:
    # The check itself: the original graph's file does contain the names.
    original = write_network(wave1, tmp_path / "orig" / f"x{suffix}")
    assert _absent("".join(_file_text(p) for p in original)) != []
    H, _ = pseudonymize(wave1, KEY, suppress_below=2)
    written = write_network(H, tmp_path / "out" / f"x{suffix}")
    assert written == output_paths(tmp_path / "out" / f"x{suffix}")
    for path in written:
        text = _file_text(path)
        assert _absent(text) == [], path.name
        assert str(tmp_path) not in text  # no folder names (they contain user names)
        assert KEY.hex() not in text.casefold()


def test_only_allow_listed_attributes_kept(wave1: nx.MultiDiGraph) -> None:
    H, ids = pseudonymize(wave1, KEY)
    node_keys = {k for _, data in H.nodes(data=True) for k in data}
    assert node_keys <= {"name", *DEFAULT_KEEP}
    assert {"postcode", "phone", "notes"} & node_keys == set()
    edge_keys = {k for *_, data in H.edges(data=True) for k in data}
    assert "notes" not in edge_keys
    assert {"type", "level", "reported_by", "direction", "table", "row"} <= edge_keys
    gp = H.nodes[ids["akteur-hausarzt-mueller"]]
    assert gp["municipality"] == "Lemgo" and gp["region"] == "Kreis Lippe" and gp["country"] == "DE"
    assert gp["row"] == 2 and H.graph["tables"][gp["table"]] == "actors.csv"
    described = H.graph["pseudonymization"]
    assert described["node_attributes_dropped"] == ["notes", "phone", "postcode"]
    assert described["edge_attributes_dropped"] == ["notes"]
    assert H.graph["sources"] == ["actors.csv", "ties.csv"]


def test_keep_is_an_allow_list(wave1: nx.MultiDiGraph) -> None:
    H, _ = pseudonymize(wave1, KEY, keep=["type"], keep_edges="level")
    assert {k for _, d in H.nodes(data=True) for k in d} == {"name", "type"}
    assert {k for *_, d in H.edges(data=True) for k in d} == {"level"}
    for refused in (["notes"], ["type", "name"], ["id"]):
        with pytest.raises(ValueError, match="cannot include"):
            pseudonymize(wave1, KEY, keep=refused)
    with pytest.raises(ValueError, match="cannot include"):
        pseudonymize(wave1, KEY, keep_edges=["notes"])


def test_coordinates_rounded_to_two_decimals(wave1: nx.MultiDiGraph) -> None:
    H, ids = pseudonymize(wave1, KEY)
    gp = H.nodes[ids["akteur-hausarzt-mueller"]]
    assert (gp["lat"], gp["lon"]) == (52.03, 8.9)
    nursing = H.nodes[ids["akteur-pflege-sonne"]]
    assert (nursing["lat"], nursing["lon"]) == (51.94, 8.88)
    assert H.graph["pseudonymization"]["coordinate_decimals"] == 2


def test_ids_names_and_edges_rekeyed(wave1: nx.MultiDiGraph) -> None:
    H, ids = pseudonymize(wave1, KEY)
    assert type(H) is nx.MultiDiGraph
    assert list(H) == [ids[i] for i in IDS]
    for original, new in ids.items():
        assert new == pseudonym(wave1.nodes[original]["name"], KEY)
        assert H.nodes[new]["name"] == f"{wave1.nodes[original]['type']} {new.split(' ')[1]}"
    expected = [(ids[u], ids[v], k) for u, v, k in wave1.edges(keys=True)]
    assert list(H.edges(keys=True)) == expected
    plain, _ = pseudonymize(wave1, KEY, prefix_by_type=False)
    assert all(data["name"] == n for n, data in plain.nodes(data=True))


def test_reported_by_pseudonymised(wave1: nx.MultiDiGraph) -> None:
    H, ids = pseudonymize(wave1, KEY)
    reporters = {data["row"]: data.get("reported_by") for *_, data in H.edges(data=True)}
    assert reporters == {2: ids["akteur-hausarzt-mueller"], 3: ids["akteur-hospiz-lemgo"],
                         4: pseudonym("Koordinatorin Kreisverwaltung", KEY), 5: None}
    # Mutual ties are found from the pseudonymised reporters as from the original ones.
    assert cg.collapse(H, mode="mutual").number_of_edges() == cg.collapse(wave1, mode="mutual").number_of_edges() == 1


def test_reported_by_given_as_a_name() -> None:
    G = nx.MultiDiGraph()
    G.add_node("a", name="Hospiz Lemgo")
    G.add_node("b", name="Pflegedienst Nord")
    G.add_edge("a", "b", reported_by="hospiz  LEMGO")
    G.add_edge("b", "a", reported_by="B")
    H, ids = pseudonymize(G, KEY)
    assert [d["reported_by"] for *_, d in H.edges(data=True)] == [ids["a"], ids["b"]]


def test_small_cell_suppression_hand_computed() -> None:
    G = nx.MultiDiGraph()
    # (type, municipality) counts: (gp, Lemgo) 2, (gp, Detmold) 1, (pharmacy, Lemgo) 1, (hospice, Blomberg) 1.
    G.add_node("gp1", name="Praxis Eins", type="general_practitioner", municipality="Lemgo", region="Kreis Lippe",
               lat=52.027, lon=8.904)
    G.add_node("gp2", name="Praxis Zwei", type="general_practitioner", municipality="Lemgo", region="Kreis Lippe",
               lat=52.031, lon=8.899)
    G.add_node("gp3", name="Praxis Drei", type="general_practitioner", municipality="Detmold", region="Kreis Lippe",
               lat=51.938, lon=8.879, postcode="32756")
    G.add_node("ph1", name="Apotheke Eins", type="pharmacy", municipality="Lemgo", region="Kreis Lippe",
               lat=52.03, lon=8.90)
    G.add_node("ho1", name="Hospiz Blomberg", type="inpatient_hospice", municipality="Blomberg", lat=51.94, lon=9.09)
    H, ids = pseudonymize(G, KEY, suppress_below=2, keep=[*DEFAULT_KEEP, "postcode"])
    place = {i: (H.nodes[ids[i]].get("municipality"), H.nodes[ids[i]].get("lat"), H.nodes[ids[i]].get("lon"))
             for i in G}
    assert place == {
        "gp1": ("Lemgo", 52.03, 8.9),
        "gp2": ("Lemgo", 52.03, 8.9),
        "gp3": ("Kreis Lippe", None, None),
        "ph1": ("Kreis Lippe", None, None),
        "ho1": (None, None, None),  # no region: the municipality is removed
    }
    assert "postcode" not in H.nodes[ids["gp3"]]
    assert H.nodes[ids["gp3"]]["region"] == "Kreis Lippe"
    assert H.graph["pseudonymization"]["suppressed_actors"] == 3
    assert H.graph["pseudonymization"]["suppress_below"] == 2
    # k = 3 also suppresses the pair of Lemgo practices; k = 1 suppresses nothing.
    H3, _ = pseudonymize(G, KEY, suppress_below=3)
    assert H3.graph["pseudonymization"]["suppressed_actors"] == 5
    H1, _ = pseudonymize(G, KEY, suppress_below=1)
    assert H1.graph["pseudonymization"]["suppressed_actors"] == 0
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="suppress_below"):
            pseudonymize(G, KEY, suppress_below=bad)  # type: ignore[arg-type]


def test_graph_attributes_keep_file_names_only() -> None:
    G = nx.MultiDiGraph(
        name="Netzwerk Lippe 2025",
        sources=["/home/jdoe/Dokumente/net.xlsx", r"C:\Users\jdoe\Praxis Dr. Müller Umfrage.csv"],
        tables=["/home/jdoe/Dokumente/net.xlsx › Akteure", r"C:\Users\jdoe\Praxis Dr. Müller Umfrage.csv"],
        vocabulary_version="1", secret_setting="jdoe",
    )
    G.add_node("m", name="Praxis Dr. Müller")
    H, _ = pseudonymize(G, KEY)
    assert H.graph["sources"] == ["net.xlsx", "input file 2"]
    assert H.graph["tables"] == ["net.xlsx › Akteure", "table 2"]
    assert H.graph["name"] == "Netzwerk Lippe 2025" and H.graph["vocabulary_version"] == "1"
    assert "secret_setting" not in H.graph
    assert "jdoe" not in _everything(H)


def test_simple_collapsed_graph_can_be_pseudonymised(wave1: nx.MultiDiGraph) -> None:
    C = cg.collapse(wave1)
    H, ids = pseudonymize(C, KEY)
    assert type(H) is nx.Graph and H.number_of_edges() == C.number_of_edges()
    u, v, data = next(iter(C.edges(data=True)))
    assert H.edges[ids[u], ids[v]] == data
    assert _absent(_everything(H)) == []
