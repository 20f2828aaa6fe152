"""Benchmark: `carenet analyze`, `gaps`, `map` and `report` on hub networks (issue 12).

A star (one pharmacy tied to k spokes in four sectors) of 20,000 and 100,000 spokes, and a star
of stars (a centre tied to 100 hubs of 1,000 spokes each), written as CSV files by
``tests/support/stars.py``. Each command runs as ``python -m carenet_graph`` in a child
process under ``RLIMIT_AS`` (4 GB by default, as ``tests.support.bounded.run_bounded``) and a
time bound; the table gives wall seconds, the child's peak resident set (``ru_maxrss`` from
``wait4``) and the exit code (``-9``/``timeout`` when the bound was hit).

``--pythonpath DIR`` runs another copy of the package (e.g. a snapshot of the code before a
change) on the same files. Run from the repository root:
``python benchmarks/bench_hub.py [--networks star20k star100k sos] [--commands analyze gaps map report]``

Measured 2026-11-30 on the 2-core machine (other work running beside it, so ±30 %), under
4 GB of address space; "before" is the code before issue 12's fix, killed after 120 s:

==========  ========  ============================================  =================
network     command   before                                        after
==========  ========  ============================================  =================
star 20k    analyze   Internal error (MemoryError) after 6.1 s      22.5 s, 410 MB
star 20k    gaps      killed after 120 s (156 MB)                   12.6 s, 259 MB
star 20k    map       3.2 s, 169 MB (grouped)                       2.2 s, 170 MB
star 20k    report    Internal error (MemoryError) after 6.6 s      18.7 s, 337 MB
star 100k   analyze   Internal error (MemoryError) after 36 s       113 s, 1,381 MB
star 100k   gaps      killed after 120 s (434 MB)                   69 s, 926 MB
star 100k   map       10.5 s, 402 MB (grouped)                      6.5 s, 402 MB
star 100k   report    Internal error (MemoryError) after 39 s       93 s, 1,092 MB
100 × 1000  analyze   not run                                       121 s, 1,424 MB
100 × 1000  gaps      not run                                       67 s, 842 MB
100 × 1000  map       not run                                       11.3 s, 390 MB
100 × 1000  report    not run                                       111 s, 1,093 MB
==========  ========  ============================================  =================

Before, at 2,000 spokes (in process): the gaps took 67 s (43 s searching the component once per
bridge, 21 s scoring every GP × every home nursing service) and the canonical order 5 s (BLISS
individualising the spokes one by one; 29 s at 4,000), all growing with the square of the
hub's degree; structural holes needed P·P with deg² entries (10^10 at 10^5) and brokerage walked
the hub's k(k−1) two-paths in Python.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.stars import write_star, write_star_of_stars  # noqa: E402

NETWORKS = {
    "star20k": lambda folder: write_star(folder, 20_000),
    "star100k": lambda folder: write_star(folder, 100_000),
    "sos": lambda folder: write_star_of_stars(folder, 100, 1_000),
}
OUTPUTS = {"analyze": "analysis", "gaps": "gaps", "map": "map.html", "report": "report.html"}


def run(command: str, files: tuple[Path, Path], out: Path, pythonpath: str, memory: int,
        timeout: float) -> dict[str, object]:
    """One command in a child under the limits: seconds, peak RSS (MB) and exit code."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=pythonpath, PYTHONIOENCODING="utf-8")
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "carenet_graph", command, *map(str, files), "-o",
                              str(out / OUTPUTS[command])], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             env=env, preexec_fn=limit, cwd=out)  # not the repository: PYTHONPATH decides
    timer = threading.Timer(timeout, lambda: os.kill(child.pid, signal.SIGKILL))
    timer.start()
    try:
        _, status, usage = os.wait4(child.pid, 0)
    finally:
        timer.cancel()
    seconds = time.perf_counter() - start
    code: object = os.waitstatus_to_exitcode(status)
    if code == -signal.SIGKILL and seconds >= timeout:
        code = "timeout"
    tail = child.stderr.read().decode("utf-8", "replace")[-300:] if child.stderr else ""
    return {"seconds": round(seconds, 1), "peak_mb": round(usage.ru_maxrss / 1024), "exit": code,
            "error": tail.strip().splitlines()[-1] if code not in (0,) and tail.strip() else ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--networks", nargs="+", default=list(NETWORKS), choices=list(NETWORKS))
    parser.add_argument("--commands", nargs="+", default=list(OUTPUTS), choices=list(OUTPUTS))
    parser.add_argument("--pythonpath", default=str(ROOT), help="folder holding the carenet_graph to run")
    parser.add_argument("--memory-gb", type=float, default=4.0)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.networks:
            folder = Path(tmp) / name
            files = NETWORKS[name](folder / "input")
            for command in args.commands:
                result = run(command, files, folder, args.pythonpath, int(args.memory_gb * (1 << 30)), args.timeout)
                print(json.dumps({"network": name, "command": command, **result}), flush=True)


if __name__ == "__main__":
    main()
