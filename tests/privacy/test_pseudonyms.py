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
    assert gp["row"] == 2 and H.graph["tables"][gp["table"]] == "file 1"
    described = H.graph["pseudonymization"]
    # Counts, not the headers (issue 13: a header can be a person's name).
    assert described["node_attributes_dropped"] == 3  # notes, phone, postcode
    assert described["edge_attributes_dropped"] == 1  # notes
    assert H.graph["sources"] == ["file 1", "file 2"]


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


def test_graph_attributes_name_no_file_folder_or_sheet() -> None:
    G = nx.MultiDiGraph(
        name="Netzwerk Lippe 2025",
        sources=["/home/jdoe/Dokumente/net.xlsx", r"C:\Users\jdoe\Praxis Dr. Müller Umfrage.csv"],
        tables=["/home/jdoe/Dokumente/net.xlsx › Akteure", r"C:\Users\jdoe\Praxis Dr. Müller Umfrage.csv"],
        vocabulary_version="1", secret_setting="jdoe",
    )
    G.add_node("m", name="Praxis Dr. Müller")
    H, _ = pseudonymize(G, KEY)
    assert H.graph["sources"] == ["file 1", "file 2"]
    assert H.graph["tables"] == ["file 1 › sheet 1", "file 2"]
    assert H.graph["name"] == "care network" and H.graph["vocabulary_version"] == "1"
    assert "secret_setting" not in H.graph
    for secret in ("jdoe", "Lippe", "Akteure", "net.xlsx", "Umfrage"):
        assert secret not in _everything(H), secret


def test_simple_collapsed_graph_can_be_pseudonymised(wave1: nx.MultiDiGraph) -> None:
    C = cg.collapse(wave1)
    H, ids = pseudonymize(C, KEY)
    assert type(H) is nx.Graph and H.number_of_edges() == C.number_of_edges()
    u, v, data = next(iter(C.edges(data=True)))
    assert H.edges[ids[u], ids[v]] == data
    assert _absent(_everything(H)) == []


# -- issue 13: only allow-listed values (places, vocabulary ids, numbers, dates, own words) ---------
def _place_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(name="Praxis Weber Umfrage", sources=["/home/jdoe/Praxis Weber.xlsx", "Frau Kowalski.csv"],
                        tables=["/home/jdoe/Praxis Weber.xlsx › Akteure Frau Weber",
                                "/home/jdoe/Praxis Weber.xlsx › Bindungen Frau Weber", "Frau Kowalski.csv"],
                        vocabulary_version="1")
    G.add_node("a", name="Hospiz A", type="inpatient_hospice", municipality="Stadt Lemgo", region="kreis  lippe",
               country="Deutschland")
    G.add_node("b", name="Praxis B", type="general_practitioner", municipality="Hinterdorf bei Frau Weber",
               region="Bezirk Weber", country="Weberland")
    G.add_node("c", name="Praxis C", type="Frau Kowalski Praxis", municipality="hinterdorf  BEI frau weber")
    G.add_node("d", name="Dienst D", type="home_nursing_service", municipality="Oberdorf Weber", size=12,
               contact="Frau Weber", checked="2024-03-01")
    G.add_edge("a", "b", type="referral", level=3, since="2023", until="bis Frau Weber geht", direction="directed")
    G.add_edge("b", "c", type="Stammtisch bei Weber", level=2, direction="Weber")
    return G


def test_municipality_survives_only_from_the_reference_list() -> None:
    H, ids = pseudonymize(_place_graph(), KEY)
    a, b, c, d = (H.nodes[ids[n]] for n in "abcd")
    # Reference names are written as listed, whatever the spelling typed.
    assert (a["municipality"], a["region"], a["country"]) == ("Lemgo", "Kreis Lippe", "Deutschland")
    # Anything else is a keyed code: one place one code (spelling aside), two places two codes.
    assert re.fullmatch(f"Place {CODE}", b["municipality"])
    assert b["municipality"] == c["municipality"] != d["municipality"]
    assert re.fullmatch(f"Region {CODE}", b["region"]) and re.fullmatch(f"Country {CODE}", b["country"])
    # Stable under one key (next year's wave), different under another; never an actor's pseudonym.
    again, again_ids = pseudonymize(_place_graph(), KEY)
    assert again.nodes[again_ids["b"]]["municipality"] == b["municipality"]
    other, other_ids = pseudonymize(_place_graph(), OTHER_KEY)
    assert other.nodes[other_ids["b"]]["municipality"] != b["municipality"]
    assert b["municipality"].split(" ")[1] != pseudonym("Hinterdorf bei Frau Weber", KEY, prefix="")
    described = H.graph["pseudonymization"]
    assert described["places_coded"] == 4  # Hinterdorf (twice spelt), Oberdorf, the region, the country
    assert described["values_replaced"]["municipality"] == 3
    assert "Weber" not in _everything(H) and "Kowalski" not in _everything(H)


def test_small_cell_suppression_writes_the_region_allow_listed() -> None:
    H, ids = pseudonymize(_place_graph(), KEY, suppress_below=2)
    assert H.nodes[ids["a"]]["municipality"] == "Kreis Lippe"
    assert re.fullmatch(f"Region {CODE}", H.nodes[ids["b"]]["municipality"])
    assert "Weber" not in _everything(H)


def test_values_outside_the_vocabulary_and_extra_text_are_replaced_or_dropped() -> None:
    H, ids = pseudonymize(_place_graph(), KEY, keep=[*DEFAULT_KEEP, "size", "contact", "checked"],
                          keep_edges=["type", "level", "since", "until", "direction"])
    assert H.nodes[ids["c"]]["type"] == "other_organisation"
    assert H.nodes[ids["c"]]["name"].startswith("other_organisation ")
    d = H.nodes[ids["d"]]
    assert d["size"] == 12 and d["checked"] == "2024-03-01" and "contact" not in d  # numbers and dates, no text
    first, second = (data for *_, data in H.edges(data=True))
    assert first == {"type": "referral", "level": 3, "since": "2023", "direction": "directed"}
    assert second == {"type": "other", "level": 2}
    replaced = H.graph["pseudonymization"]["values_replaced"]
    assert {k: replaced[k] for k in ("type", "contact", "until", "direction")} == \
        {"type": 2, "contact": 1, "until": 1, "direction": 1}


def test_graph_metadata_is_neutral() -> None:
    H, _ = pseudonymize(_place_graph(), KEY)
    assert H.graph["name"] == "care network"
    assert H.graph["sources"] == ["file 1", "file 2"]
    assert H.graph["tables"] == ["file 1 › sheet 1", "file 1 › sheet 2", "file 2"]
    collapsed, _ = pseudonymize(cg.collapse(_place_graph(), tie_types=["referral", "Stammtisch bei Weber"]), KEY)
    assert collapsed.graph["collapsed"]["tie_types"] == ["other", "referral"]
    for secret in ("jdoe", "Praxis Weber", "Akteure", "Kowalski", "Umfrage"):
        assert secret not in _everything(collapsed), secret


def test_dropped_column_headers_are_counted_not_named(tmp_path: Path) -> None:
    G = _place_graph()
    G.nodes["a"]["Ansprechperson Frau Weber"] = "x"
    G.edges["a", "b", 0]["Vermerk Frau Kowalski"] = "y"
    H, _ = pseudonymize(G, KEY)
    described = H.graph["pseudonymization"]
    assert described["node_attributes_dropped"] == 4  # the header, size, contact, checked
    assert described["edge_attributes_dropped"] == 1
    for suffix in (".graphml", ".gexf", ".json"):
        (path,) = write_network(H, tmp_path / f"net{suffix}")
        text = html.unescape(path.read_text(encoding="utf-8"))
        assert "care network" in text
        for secret in ("Weber", "Kowalski", "jdoe", "Akteure", "Lemgo bei"):
            assert secret not in text, (suffix, secret)


def test_map_and_figure_of_a_pseudonymised_graph_are_not_headed_with_a_file_name(tmp_path: Path) -> None:
    from carenet_graph.i18n import translate
    from carenet_graph.viz.map import map_data
    from carenet_graph.viz.static import write_figure

    G = _place_graph()
    assert "Umfrage" not in map_data(G).title  # a file name is no heading, even for a plain graph
    H, _ = pseudonymize(G, KEY)
    H.graph["name"] = "Praxis Weber Umfrage"  # even a name set afterwards is not used
    assert map_data(H, locale="de").title == translate("map_title_network", "de")  # no region: places are codes
    assert map_data(H, title="Netz 2025").title == "Netz 2025"  # a title the user gives is theirs
    svg = write_figure(H, tmp_path / "x.svg").read_text(encoding="utf-8")
    assert "Weber" not in svg and "Care network" in svg


def test_names_in_the_readers_language_ids_unchanged() -> None:
    """A report in German shows "Ambulanter Pflegedienst 7K3Q-…", never the id home_nursing_service."""
    from carenet_graph.locale import Locale

    G = nx.MultiDiGraph()
    G.add_node("a", name="Pflegedienst Sonnenschein", type="home_nursing_service")
    G.add_node("b", name="Frau Kowalski")  # no type: the language's word for actor
    G.add_edge("a", "b")
    plain, plain_ids = pseudonymize(G, KEY)
    german, german_ids = pseudonymize(G, KEY, locale=Locale("de"))
    assert german_ids == plain_ids  # ids stay language-free, so waves and keys still match
    code = plain_ids["a"].split(" ")[1]
    assert plain.nodes[plain_ids["a"]]["name"] == f"home_nursing_service {code}"
    assert german.nodes[german_ids["a"]]["name"] == f"{Locale('de').label('actor_type', 'home_nursing_service')} {code}"
    assert german.nodes[german_ids["b"]]["name"].startswith("Akteur ")
    table = mapping_table(G, KEY, locale=Locale("de"))
    assert list(table["label"]) == [german.nodes[german_ids[n]]["name"] for n in ("a", "b")]
