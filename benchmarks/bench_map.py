"""Benchmark: map layout time in Python and load-to-ready time in headless Chromium.

Synthetic care-like networks (as in bench_analyze.py, with municipalities but no
coordinates, so the force layout runs) of 500, 2,000 and 10,000 actors (the last drawn as
the reduced, grouped view). For each: Python time of ``write_map`` (layout included), the
layout alone, and the time from navigation to the page's ``data-ready`` flag (first frame
drawn; physics is off, so drawn means still) in Debian's Chromium driven by Playwright,
with every outside request blocked. Targets (issue 5): 2,000 actors ready ≤ 3 s, layout ≤ 5 s.

Run: ``python benchmarks/bench_map.py [--sizes 500 2000 10000]`` (needs /usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_analyze

from carenet_graph.network import collapse
from carenet_graph.viz.layout import positions
from carenet_graph.viz.map import write_map

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 10000])
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for n in args.sizes:
            G = bench_analyze.make_graph(n)
            H = collapse(G)
            t = time.perf_counter()
            positions(H, "force", 0)
            layout_s = time.perf_counter() - t
            path = Path(tmp) / f"map_{n}.html"
            t = time.perf_counter()
            write_map(G, path, size_by="degree", layout="force")
            write_s = time.perf_counter() - t
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            outside: list[str] = []

            def block(route: Any, seen: list[str] = outside) -> None:
                if route.request.url.startswith("file:"):
                    route.continue_()
                else:
                    seen.append(route.request.url)
                    route.abort()

            page.route("**/*", block)
            t = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_selector("body[data-ready='1']", timeout=120_000)
            ready_s = time.perf_counter() - t
            drawn = page.evaluate("window.network.body.data.nodes.length")
            page.close()
            print(json.dumps({"actors": n, "drawn_nodes": drawn, "layout_s": round(layout_s, 2),
                              "write_map_s": round(write_s, 2), "browser_ready_s": round(ready_s, 2),
                              "html_mb": round(path.stat().st_size / 1e6, 2), "outside_requests": len(outside)}),
                  flush=True)
        browser.close()


if __name__ == "__main__":
    main()
