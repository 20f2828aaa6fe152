"""The geographic map reads (issue 14, item 3): every municipality at its place, its actors around
it without overlap at the sizes drawn, the municipalities named, the title the network's own."""

from __future__ import annotations

import dataclasses
import itertools
import math
import warnings
from pathlib import Path

import networkx as nx
import pytest

import carenet_graph
from carenet_graph.locale import Locale
from carenet_graph.network import collapse
from carenet_graph.viz.geo import GAP, geo_layout
from carenet_graph.viz.map import map_data
from carenet_graph.viz.mapdata import MapData, network_title

DATA = Path(__file__).resolve().parents[2] / "data"
EXAMPLES = {"varmland": "varmland/natverk_varmland.xlsx", "lippe": "lippe/netzwerk_lippe.xlsx",
            "eemland": "eemland/netwerk_eemland.xlsx"}


def example(name: str) -> nx.MultiDiGraph:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the examples' deliberate imperfections
        return carenet_graph.load(DATA / EXAMPLES[name])


@pytest.fixture(scope="module")
def varmland() -> MapData:
    return map_data(example("varmland"), locale="sv")


def overlapping(data: MapData) -> list[tuple[str, str]]:
    return [(a["id"], b["id"]) for a, b in itertools.combinations(data.nodes, 2)
            if math.dist((a["x"], a["y"]), (b["x"], b["y"])) < a["size"] + b["size"]]


def test_the_overlap_check_finds_overlaps(varmland: MapData) -> None:
    """The checks below can fail: two circles moved onto each other, or rings packed tighter than
    their circles, are found."""
    a, b = varmland.nodes[:2]
    moved = dataclasses.replace(varmland, nodes=({**a, "x": b["x"] + 1.0, "y": b["y"]}, *varmland.nodes[1:]))
    assert (a["id"], b["id"]) in overlapping(moved)
    H = collapse(example("varmland"), mode="undirected", combine="max")
    crowded = geo_layout(H, dict.fromkeys(H, 10.0), gap=-15.0)[0]  # circles allowed to cut into each other
    assert sum(1 for u, v in itertools.combinations(H, 2) if math.dist(crowded[u], crowded[v]) < 20) > 50


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_no_two_actors_overlap_at_their_drawn_sizes(name: str) -> None:
    data = map_data(example(name))
    assert data.places  # geographic
    assert overlapping(data) == []
    # Not by spreading them thinly: the nearest neighbour of most actors is close (the gap plus both radii).
    near = 0
    for a in data.nodes:
        nearest = min((math.dist((a["x"], a["y"]), (b["x"], b["y"])) - a["size"] - b["size"], b["id"])
                      for b in data.nodes if b is not a)
        near += nearest[0] <= 2 * GAP + 1
    assert near >= 0.75 * len(data.nodes)


def test_each_actor_sits_in_its_municipalitys_disc_and_discs_do_not_overlap(varmland: MapData) -> None:
    place = {p["label"]: p for p in varmland.places}
    assert len(place) == 16 and "Karlstad" in place and "Torsby" in place
    for node in varmland.nodes:
        disc = place[str(node["facets"]["municipality"])]
        assert math.dist((node["x"], node["y"]), (disc["x"], disc["y"])) + node["size"] <= disc["r"] + 0.2
    for a, b in itertools.combinations(varmland.places, 2):
        assert math.dist((a["x"], a["y"]), (b["x"], b["y"])) >= a["r"] + b["r"], (a["label"], b["label"])


def test_municipalities_keep_their_relative_positions(varmland: MapData) -> None:
    at = {p["label"]: (p["x"], p["y"]) for p in varmland.places}
    # Screen y grows downwards: north is smaller y.
    assert at["Torsby"][1] < at["Karlstad"][1] and at["Hagfors"][1] < at["Karlstad"][1]  # north
    assert at["Arvika"][0] < at["Karlstad"][0] and at["Eda"][0] < at["Arvika"][0]  # west
    assert at["Kristinehamn"][0] > at["Karlstad"][0] and at["Filipstad"][0] > at["Karlstad"][0]  # east
    assert at["Säffle"][1] > at["Arvika"][1]  # south of Arvika
    # Pairs far apart keep their compass direction (the push between discs is local).
    H = collapse(example("varmland"), mode="undirected", combine="max")
    lat: dict[str, list[float]] = {}
    for _, d in H.nodes(data=True):
        if d.get("lat") is not None:
            lat.setdefault(str(d["municipality"]), []).append(float(d["lat"]))
    mean = {m: sum(v) / len(v) for m, v in lat.items()}
    far = [(a, b) for a, b in itertools.combinations(sorted(mean), 2) if abs(mean[a] - mean[b]) > 0.4]
    assert len(far) > 10
    assert all((mean[a] > mean[b]) == (at[a][1] < at[b][1]) for a, b in far)


def test_the_most_important_actor_of_a_municipality_is_at_its_centre(varmland: MapData) -> None:
    place = {p["label"]: p for p in varmland.places}
    karlstad = [n for n in varmland.nodes if n["facets"]["municipality"] == "Karlstad"]
    centre = min(karlstad, key=lambda n: math.dist((n["x"], n["y"]), (place["Karlstad"]["x"], place["Karlstad"]["y"])))
    assert centre["size"] == max(n["size"] for n in karlstad)


def test_geo_layout_is_deterministic_and_copes_with_one_actor() -> None:
    H = collapse(example("eemland"), mode="undirected", combine="max")
    assert geo_layout(H) == geo_layout(H)
    one = nx.Graph()
    one.add_node("a", lat=52.0, lon=5.0, municipality="Baarn")
    xy, places = geo_layout(one)
    assert [p.name for p in places] == ["Baarn"]
    assert xy["a"] == pytest.approx((places[0].x, places[0].y)) and places[0].radius == 10.0


def test_unlocated_actors_get_a_named_group_on_the_map() -> None:
    G = example("lippe")
    G.add_node("nowhere", name="Ohne Ort")
    data = map_data(G, locale="de")
    unlocated = [p for p in data.places if p["label"] == "Ort unbekannt"]
    assert len(unlocated) == 1
    node = next(n for n in data.nodes if n["id"] == "nowhere")
    assert node["y"] > max(p["y"] + p["r"] for p in data.places if p is not unlocated[0])
    assert overlapping(data) == []


# -- the title ------------------------------------------------------------------------------------------------------


def test_title_is_the_networks_name_never_the_file_name(varmland: MapData) -> None:
    assert varmland.title == "Palliativa rådet i Värmland"
    G = example("varmland")
    assert G.graph["name"] == "natverk_varmland"
    assert "natverk" not in map_data(G).title


def test_title_without_a_network_actor_is_neutral_with_the_region() -> None:
    G = example("varmland")
    G.remove_nodes_from([v for v, d in G.nodes(data=True) if d.get("type") in ("palliative_network",
                                                                               "local_health_network")])
    assert network_title(G, Locale("sv")) == "Vårdnätverk – Värmlands län"
    assert network_title(G, Locale("en")) == "Care network – Värmlands län"
    G.graph["pseudonymized"] = True  # a pseudonymised graph stays neutral, without its region
    assert network_title(G, Locale("de")) == Locale("de").t("map_title_network")
    G.graph["title"] = "Netz <2026>"  # a --title is shown as given
    assert network_title(G, Locale("de")) == "Netz <2026>"


def test_many_actors_without_a_municipality_stay_linear() -> None:
    """A static figure of thousands of located actors with no municipality (each its own group)
    must not build a pairwise matrix of them all."""
    import random
    import time

    from carenet_graph.viz.geo import MAX_SEPARATED

    rng = random.Random(0)
    H = nx.Graph()
    H.add_nodes_from((i, {"lat": 50 + rng.random(), "lon": 8 + rng.random()}) for i in range(4 * MAX_SEPARATED))
    start = time.perf_counter()
    xy, places = geo_layout(H)
    assert time.perf_counter() - start < 10
    assert len(xy) == len(H) and all(math.isfinite(x) and math.isfinite(y) for x, y in xy.values())
    assert places == tuple(p for p in places if p.name is None)  # no municipality is named
