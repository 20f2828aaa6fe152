"""Benchmark: ``carenet derive`` at scale (issue 16, item 6) against pandas and Spark, then ``carenet analyze``.

On synthetic records of :mod:`records_synthetic` (heavy-tailed providers per patient, 50
regions, specialties; sorted by patient, 8 Parquet files), each measurement in a fresh child
process, so that they do not share memory or caches:

* **duckdb**: :func:`carenet_graph.derive.run.derive` with ``engine="duckdb"``,
  ``memory_limit="4GB"`` (``--memory-limit``) and a spill folder of its own, writing the
  output folder — the whole command as a user runs it, with the time of each query it runs
  (row accounting, ties, patients per provider, providers per patient) and of writing;
* **pandas**: the same ties (count weight, calendar-year window, at least 11 shared patients)
  as an expert writes them in pandas: records read in patient order in chunks of
  ``--pandas-chunk`` rows (cut at a patient boundary; DuckDB only reads the Parquet files, as
  pyarrow is not installed), providers coded as integers, (patient, provider, year) units
  self-merged on patient and year, pairs made distinct per patient, counted with
  ``value_counts`` and summed over chunks; stopped when the process tree exceeds
  ``--pandas-limit`` (default: the same 4 GB);
* **spark**: the same ``derive`` with ``engine="spark"`` (``local[2]``);
* **analyze**: ``carenet_graph.load`` on the derived folder and ``carenet_graph.analyze`` on it
  (writing its tables), with the approximations it states.

Peak memory is the largest resident set of the child's process tree (sampled every 0.2 s, so a
JVM counts), and the child's own ``ru_maxrss``; the spill folder's size is sampled alike. ``load``
is the largest 1-minute load average seen during the measurement: the measured process itself
brings it to about 2 on 2 cores, so a higher figure means other work shared the machine and the
times are too long.
Every engine's ties are checked against DuckDB's at the same size (count and a digest of the
sorted ``source, target, shared`` rows).

Run: ``python benchmarks/derive_scale.py [--sizes 8M] [--with-80m] [--pandas-sizes 2M 8M]
[--spark-sizes 2M] [--analyze-sizes 8M] [-o results.json]``. Prints a markdown table and writes
the figures as JSON. Target (issue 16): 80 M records → thresholded network in ≤ 3 minutes
within a 4 GB memory limit.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TARGET_SECONDS = 180.0
PAGE = os.sysconf("SC_PAGE_SIZE")


# --- sizes and digests ----------------------------------------------------------------------

def parse_size(text: str) -> int:
    """``8M`` → 8,000,000; ``500k`` → 500,000; ``20000`` → 20,000."""
    text = text.strip().lower().replace("_", "").replace(",", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def label(records: int) -> str:
    """8,000,000 → ``8M``."""
    if records % 1_000_000 == 0:
        return f"{records // 1_000_000}M"
    if records % 1_000 == 0:
        return f"{records // 1_000}k"
    return str(records)


def ties_digest(rows: Iterator[tuple[str, str, int]]) -> str:
    """SHA-256 of the ``source,target,shared`` lines, sorted: equal for equal tie tables."""
    digest = hashlib.sha256()
    for source, target, shared in sorted(rows):
        digest.update(f"{source},{target},{int(shared)}\n".encode())
    return digest.hexdigest()[:16]


# --- the pandas construction (run in a child) ------------------------------------------------

def _chunks(records: Path, rows: int) -> Iterator[Any]:
    """DataFrames of about ``rows`` records (patient, provider, date) in file order, each
    ending at a patient boundary: the records must be sorted by patient (checked)."""
    import duckdb
    import pandas as pd

    carry = None
    last = None
    with duckdb.connect(":memory:") as con:
        con.execute("SET threads = 1")
        for path in sorted(records.glob("*.parquet")):
            cursor = con.execute(f"SELECT patient, provider, date FROM read_parquet('{path}')")
            while True:
                frame = cursor.fetch_df_chunk(max(1, rows // 2048))
                if frame.empty:
                    break
                patients = frame["patient"].to_numpy()
                if (last is not None and patients[0] < last) or (patients[1:] < patients[:-1]).any():
                    raise SystemExit("pandas: the records are not sorted by patient")
                last = patients[-1]
                if carry is not None:
                    frame = pd.concat([carry, frame], ignore_index=True)
                cut = int(frame["patient"].searchsorted(frame["patient"].iloc[-1], side="left"))
                carry = frame.iloc[cut:]
                if cut:
                    yield frame.iloc[:cut]
    if carry is not None and len(carry):
        yield carry


def pandas_ties(records: Path, threshold: int = 11, chunk_rows: int = 2_000_000) -> tuple[Any, dict[str, float]]:
    """Ties (source, target, shared) with at least ``threshold`` patients shared within a
    calendar year, computed in pandas chunk by chunk of patients; and the seconds spent reading."""
    import numpy as np
    import pandas as pd

    index: Any = pd.Index([], dtype="int64")  # provider id → code (its position)
    parts: list[Any] = []
    reading = 0.0
    started = time.perf_counter()
    chunks = _chunks(records, chunk_rows)
    while True:
        t = time.perf_counter()
        frame = next(chunks, None)
        reading += time.perf_counter() - t
        if frame is None:
            break
        codes, uniques = pd.factorize(frame["provider"])
        new = pd.Index(uniques).difference(index)
        if len(new):
            index = index.append(new)
        code = index.get_indexer(uniques)[codes].astype(np.int64)
        units = pd.DataFrame({"patient": frame["patient"].to_numpy(), "p": code,
                              "year": frame["date"].dt.year.to_numpy(np.int16)}).drop_duplicates()
        both = units.merge(units, on=["patient", "year"])
        both = both[both["p_x"].to_numpy() < both["p_y"].to_numpy()]
        # A patient seen by both in two years is one shared patient.
        pp = both[["patient", "p_x", "p_y"]].drop_duplicates()
        parts.append(pd.Series(pp["p_x"].to_numpy() << 32 | pp["p_y"].to_numpy()).value_counts())
        if len(parts) >= 8:
            parts = [pd.concat(parts).groupby(level=0).sum()]
    shared: Any = pd.concat(parts).groupby(level=0).sum() if parts else pd.Series([], dtype="int64")
    kept = shared[shared.to_numpy() >= threshold]
    keys = kept.index.to_numpy(np.int64)
    ids = index.to_numpy().astype(str)
    source, target = ids[keys >> 32], ids[keys & 0xFFFFFFFF]
    first = source < target
    ties = pd.DataFrame({"source": np.where(first, source, target), "target": np.where(first, target, source),
                         "shared": kept.to_numpy()})
    return ties, {"reading_s": reading, "seconds": time.perf_counter() - started}


# --- child processes ---------------------------------------------------------------------------

def child_duckdb(records: str, output: str, spill: str, memory_limit: str, engine: str) -> dict[str, Any]:
    """``derive`` as a user runs it, with the time of each step and query."""
    from carenet_graph.derive import engines
    from carenet_graph.derive.run import derive

    steps: list[tuple[str, float]] = []
    queries: dict[str, float] = {}

    def name_of(sql: str) -> str:
        if "jaccard" in sql and "providers_n AS" in sql and "WHERE p.shared" in sql:
            return "ties"
        if "SELECT provider, n FROM providers_n" in sql:
            return "providers_n"
        if "per_patient" in sql:
            return "k_distribution"
        if "MIN(year)" in sql:
            return "years"
        return "other"

    def timed(method: Any, fixed: str | None = None) -> Any:
        def run(self: Any, *args: Any) -> Any:
            t = time.perf_counter()
            out = method(self, *args)
            key = fixed or (f"prepare {args[0]}" if method.__name__ == "prepare" else name_of(args[0]))
            queries[key] = queries.get(key, 0.0) + time.perf_counter() - t
            return out
        return run

    # Timing wrappers only: the engines run as they are.
    classes: list[Any] = [engines.DuckDBEngine]
    if engine == "spark":
        from carenet_graph.derive import spark

        classes.append(spark.SparkEngine)
    for cls in classes:
        for method, fixed in (("load", "load"), ("row_problems", "row_accounting"), ("prepare", None),
                              ("frame", None)):
            if hasattr(cls, method):
                setattr(cls, method, timed(getattr(cls, method), fixed))
    started = time.perf_counter()
    choices: dict[str, Any] = {"engine": engine}
    if engine == "duckdb":
        choices.update(memory_limit=memory_limit, spill_dir=Path(spill))
    result = derive(records, output, progress=lambda step: steps.append((step, time.perf_counter() - started)),
                    **choices)
    seconds = time.perf_counter() - started
    marks = [*steps, ("end", seconds)]
    durations = {name: marks[i + 1][1] - at for i, (name, at) in enumerate(marks[:-1])}
    counts = result.record["counts"]
    ties = result.ties
    return {"seconds": seconds, "steps": durations, "queries": queries, "patients": counts["patients"],
            "patient_pairs_at_most": counts["patient_pairs_at_most"], "providers": counts["providers"],
            "ties": counts["ties"],
            "digest": ties_digest(zip(ties["source"].astype(str), ties["target"].astype(str),
                                      ties["shared_patients"], strict=True))}


def child_pandas(records: str, chunk_rows: int) -> dict[str, Any]:
    ties, times = pandas_ties(Path(records), 11, chunk_rows)
    return {**times, "ties": len(ties),
            "digest": ties_digest(zip(ties["source"], ties["target"], ties["shared"], strict=True))}


def child_analyze(folder: str, output: str) -> dict[str, Any]:
    import carenet_graph as cg

    t = time.perf_counter()
    G = cg.load([Path(folder) / "actors.csv", Path(folder) / "ties.csv"])
    loading = time.perf_counter() - t
    t = time.perf_counter()
    result = cg.analyze(G, output=output)
    analysing = time.perf_counter() - t
    notes = [f"{a.measure}: {a.method}, {a.samples} samples, {a.bound_kind} ≤ {a.bound:.4g}"
             + (f" (confidence {a.confidence})" if a.confidence else "") for a in result.approximations]
    return {"seconds": loading + analysing, "load_s": loading, "analyze_s": analysing,
            "actors": G.number_of_nodes(), "ties": G.number_of_edges(), "approximations": notes}


CHILD = r"""
import json, resource, sys
sys.path.insert(0, sys.argv[1])
import derive_scale as b
out = getattr(b, "child_" + sys.argv[2])(*[int(a) if a.isdigit() else a for a in sys.argv[3:]])
out["own_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("RESULT " + json.dumps(out))
"""


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm", "rb") as f:
                total += int(f.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


def _folder_bytes(folder: Path) -> int:
    total = 0
    for root, _, names in os.walk(folder):
        for name in names:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                continue
    return total


def measure(kind: str, args: Sequence[str], *, spill: Path | None = None, limit_bytes: int | None = None,
            timeout: float = 3600.0) -> dict[str, Any]:
    """Run ``child_<kind>(*args)`` in a fresh interpreter; sample its tree's memory (and
    ``spill``'s size); stop it when the tree exceeds ``limit_bytes``."""
    process = subprocess.Popen([sys.executable, "-c", CHILD, str(HERE), kind, *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    peak = {"rss": 0, "spill": 0, "killed": False}
    loads: list[float] = []
    started = time.perf_counter()

    def watch() -> None:
        while process.poll() is None:
            loads.append(os.getloadavg()[0])
            rss = _tree_rss(process.pid)
            peak["rss"] = max(peak["rss"], rss)
            if spill is not None and spill.exists():
                peak["spill"] = max(peak["spill"], _folder_bytes(spill))
            if (limit_bytes is not None and rss > limit_bytes) or time.perf_counter() - started > timeout:
                peak["killed"] = True
                process.kill()
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    watcher.join()
    found = [line for line in stdout.splitlines() if line.startswith("RESULT ")]
    result: dict[str, Any] = json.loads(found[-1][7:]) if found else {}
    result.update(wall_s=wall, peak_mb=max(peak["rss"] / 2**20, result.get("own_peak_mb", 0.0)),
                  ok=bool(found) and process.returncode == 0, load=max(loads, default=os.getloadavg()[0]))
    if spill is not None:
        result["spill_peak_mb"] = peak["spill"] / 2**20
    if not result["ok"]:
        reason = "over the memory limit" if peak["killed"] and limit_bytes else (
            "timed out" if peak["killed"] else (stderr.strip().splitlines() or ["failed"])[-1][:300])
        result["error"] = reason
    return result


# --- the run -----------------------------------------------------------------------------------

def generate(records: int, folder: Path, seed: int) -> dict[str, Any]:
    """Synthetic records of ``records`` rows in ``folder`` (a child process), with its time."""
    t = time.perf_counter()
    subprocess.run([sys.executable, str(HERE / "records_synthetic.py"), "--records", str(records), "-o", str(folder),
                    "--seed", str(seed)], check=True, capture_output=True)
    about = json.loads((folder / "synthetic.json").read_text(encoding="utf-8"))
    return {"records": records, "patients": about["patients"], "providers_table": about["providers"],
            "generate_s": time.perf_counter() - t}


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(rows: list[dict[str, Any]]) -> str:
    """The figures as a markdown table."""
    head = ("measurement", "records", "seconds", "process s", "peak RSS MB", "spill MB", "providers", "ties",
            "vs duckdb", "load", "note")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = (r["what"], label(r["records"]), _fmt(r.get("seconds")), _fmt(r.get("wall_s")),
                 _fmt(r.get("peak_mb"), 0), _fmt(r.get("spill_peak_mb"), 0), _fmt(r.get("providers")),
                 _fmt(r.get("ties")),
                 (f"{r['ratio']:.1f}×" if r.get("ratio") else "–"), _fmt(r.get("load")), r.get("note", ""))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["8M"], help="Records for DuckDB (8M, 80M, 500k, ...).")
    parser.add_argument("--with-80m", action="store_true", help="Add 80M to --sizes (takes minutes).")
    parser.add_argument("--pandas-sizes", nargs="*", default=["2M", "8M"])
    parser.add_argument("--spark-sizes", nargs="*", default=["2M"])
    parser.add_argument("--analyze-sizes", nargs="*", default=["8M"])
    parser.add_argument("--memory-limit", default="4GB", help="DuckDB's memory limit.")
    parser.add_argument("--pandas-limit", default=None, help="Stop pandas above this resident size (default: "
                                                             "--memory-limit).")
    parser.add_argument("--pandas-chunk", type=int, default=2_000_000, help="Records per pandas chunk.")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--workdir", type=Path, default=None, help="Folder for data (default: a temporary one "
                                                                   "in /tmp, deleted at the end).")
    parser.add_argument("--keep", action="store_true", help="Keep the generated data and outputs.")
    parser.add_argument("-o", "--output", type=Path, default=None, help="Write the figures as JSON here.")
    args = parser.parse_args(argv)

    from carenet_graph.read.limits import parse_size as parse_bytes

    duck_sizes = sorted({parse_size(s) for s in args.sizes} | ({80_000_000} if args.with_80m else set()))
    pandas_sizes = sorted(parse_size(s) for s in args.pandas_sizes)
    spark_sizes = sorted(parse_size(s) for s in args.spark_sizes)
    analyze_sizes = sorted(parse_size(s) for s in args.analyze_sizes)
    # Every comparison needs DuckDB at its size.
    duck_sizes = sorted(set(duck_sizes) | set(pandas_sizes) | set(spark_sizes) | set(analyze_sizes))
    pandas_limit = parse_bytes(args.pandas_limit or args.memory_limit)
    load_before = tuple(round(x, 1) for x in os.getloadavg())
    work = args.workdir or Path(tempfile.mkdtemp(prefix="carenet-derive-scale-", dir="/tmp"))
    work.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    data: dict[int, dict[str, Any]] = {}
    duck: dict[int, dict[str, Any]] = {}
    checks: list[str] = []
    try:
        for n in duck_sizes:
            folder = work / f"records-{label(n)}"
            data[n] = generate(n, folder, args.seed)
            print(f"# {label(n)}: {data[n]['patients']:,} patients, generated in {data[n]['generate_s']:.0f} s",
                  file=sys.stderr, flush=True)
            spill = work / f"spill-{label(n)}"
            out = measure("duckdb", [str(folder / "records"), str(work / f"derived-{label(n)}"), str(spill),
                                     args.memory_limit, "duckdb"], spill=spill)
            shutil.rmtree(spill, ignore_errors=True)
            duck[n] = out
            note = "; ".join(f"{k} {v:.1f} s" for k, v in [*out.get("queries", {}).items(),
                                                             ("writing", out.get("steps", {}).get("writing", 0.0))])
            rows.append({"what": "duckdb derive", "records": n, **out, "note": out.get("error", note)})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        for n in spark_sizes:
            folder = work / f"records-{label(n)}"
            out = measure("duckdb", [str(folder / "records"), str(work / f"spark-{label(n)}"), "-",
                                     args.memory_limit, "spark"])
            ratio = out["seconds"] / duck[n]["seconds"] if out["ok"] and duck[n].get("ok") else None
            rows.append({"what": "spark local[2] derive", "records": n, **out, "ratio": ratio,
                         "note": out.get("error", "")})
            if out["ok"]:
                same = (out["ties"], out["digest"]) == (duck[n]["ties"], duck[n]["digest"])
                checks.append(f"spark = duckdb at {label(n)}: {'yes' if same else 'NO'}")
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        for n in pandas_sizes:
            folder = work / f"records-{label(n)}"
            out = measure("pandas", [str(folder / "records"), str(args.pandas_chunk)], limit_bytes=pandas_limit)
            ratio = out["seconds"] / duck[n]["seconds"] if out["ok"] and duck[n].get("ok") else None
            rows.append({"what": "pandas (ties only)", "records": n, **out, "ratio": ratio,
                         "note": out.get("error", f"of which reading {out.get('reading_s', 0):.1f} s")})
            if out["ok"]:
                same = (out["ties"], out["digest"]) == (duck[n]["ties"], duck[n]["digest"])
                checks.append(f"pandas = duckdb at {label(n)}: {'yes' if same else 'NO'}")
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        for n in analyze_sizes:
            out = measure("analyze", [str(work / f"derived-{label(n)}"), str(work / f"analysis-{label(n)}")])
            rows.append({"what": "analyze (load + analyze)", "records": n, **out,
                         "providers": out.get("actors"),
                         "note": out.get("error", "; ".join(out.get("approximations", [])) or "exact")})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    print(table(rows))
    print()
    for n, d in sorted(data.items()):
        print(f"* {label(n)} records: {d['patients']:,} patients, Σ k(k−1)/2 = "
              f"{duck[n].get('patient_pairs_at_most', 0):,} patient-pairs at most (all years), "
              f"generated in {d['generate_s']:.0f} s")
    for line in checks:
        print(f"* {line}")
    if 80_000_000 in duck:
        r = duck[80_000_000]
        if r.get("ok"):
            met = r["seconds"] <= TARGET_SECONDS
            print(f"* target 80M → network in ≤ {TARGET_SECONDS:.0f} s with memory_limit {args.memory_limit}: "
                  f"{'met' if met else 'NOT met'} (derive {r['seconds']:.0f} s, process {r['wall_s']:.0f} s, "
                  f"peak RSS {r['peak_mb']:,.0f} MB, spill {r.get('spill_peak_mb', 0):,.0f} MB)")
        else:
            print(f"* target 80M: NOT met ({r.get('error')})")
    print(f"* load average before and after: {load_before} → {tuple(round(x, 1) for x in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs")
    if args.output:
        machine = {"cpus": os.cpu_count(), "load_before": load_before, "load_after": os.getloadavg()}
        args.output.write_text(json.dumps({"machine": machine, "memory_limit": args.memory_limit, "seed": args.seed,
                                           "data": {label(k): v for k, v in data.items()}, "rows": rows,
                                           "checks": checks}, indent=2) + "\n", encoding="utf-8")
    return 0 if all(r.get("ok") for r in rows if r["what"] == "duckdb derive") else 1


if __name__ == "__main__":
    raise SystemExit(main())
