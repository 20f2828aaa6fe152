"""The report in headless Chromium: renders offline, no console errors, every section, every
language, and the embedded map draws."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from carenet_graph.report import write_report
from carenet_graph.report.build import SECTIONS

pytestmark = pytest.mark.browser


def network() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(name="Test")
    for v, kind, sector, place in (("gp", "general_practitioner", "medical", "Lemgo"),
                                   ("pkd", "palliative_consult_service", "medical", "Lemgo"),
                                   ("nurse", "home_nursing_service", "nursing_care", "Blomberg"),
                                   ("welfare", "social_welfare_organisation", "social_welfare", "Blomberg")):
        G.add_node(v, name=f'<img src=x onerror="window.__pwned=1"> {v}', type=kind, sector=sector,
                   municipality=place)
    for u, v in (("gp", "pkd"), ("pkd", "nurse"), ("nurse", "welfare")):
        G.add_edge(u, v, level=3, type="information_exchange")
    return G


@pytest.mark.parametrize("lang", ["en", "de", "nl", "sv"])
def test_report_renders_offline_with_every_section(tmp_path: Path, open_page: Callable[..., Any], lang: str) -> None:
    path = write_report(network(), tmp_path / f"report_{lang}.html", lang=lang)
    page = open_page(path, ready=False)
    page.page.wait_for_load_state("load")
    for section in SECTIONS:
        assert page.js(f"document.getElementById('{section}') !== null"), section
    assert page.js("document.documentElement.lang") == lang
    frame = page.page.frames[1]
    frame.wait_for_selector("body[data-ready='1']", state="attached")
    assert frame.evaluate("window.network.body.data.nodes.length") == 4
    assert page.js("window.__pwned") is None and frame.evaluate("window.__pwned") is None
    assert page.problems() == []
    assert page.js("document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]') !== null")
