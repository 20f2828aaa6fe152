"""Run every ``carenet`` command on the three bundled examples and hash what they write.

The hashes in ``hashes.json`` were produced by this module before a change that must not alter
outputs (a refactoring); ``tests/test_golden_outputs.py`` runs it again and compares byte for
byte. When a change *should* alter outputs, regenerate them deliberately and review the diff:

    python tests/golden/run_commands.py --write

Everything runs inside one working folder with relative paths, so no absolute path (which
differs between machines) can reach an output.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner

from carenet_graph.cli import cli

ROOT = Path(__file__).resolve().parents[2]
HASHES = Path(__file__).with_name("hashes.json")
EXAMPLES = {"lippe": ("lippe/netzwerk_lippe.xlsx", "de"), "varmland": ("varmland/natverk_varmland.xlsx", "sv"),
            "eemland": ("eemland/netwerk_eemland.xlsx", "nl")}
# A fixed key so that pseudonyms are reproducible (a real key is random and private).
KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"


@contextmanager
def _inside(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def _second_wave(actors_csv: Path, ties_csv: Path, folder: Path) -> None:
    """A deterministic 'next year': every 7th tie ended, the actors unchanged."""
    folder.mkdir()
    shutil.copy(actors_csv, folder / "actors.csv")
    lines = ties_csv.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for number, line in enumerate(lines) if number == 0 or number % 7]
    (folder / "ties.csv").write_text("".join(kept), encoding="utf-8")


def commands(example: str, workbook: str, lang: str) -> list[list[str]]:
    """The command lines run on one example (paths relative to the working folder)."""
    out = f"out_{example}"
    return [
        ["validate", workbook],
        ["validate", workbook, "--format", "json"],
        ["validate", workbook, "--lang", lang],
        *[["convert", workbook, "-o", f"{out}/net{suffix}"] for suffix in (".graphml", ".gexf", ".json", ".xlsx",
                                                                           ".csv")],
        ["convert", workbook, "-o", f"{out}/pseudo.graphml", "--pseudonymize", "--key", "golden.key"],
        ["analyze", workbook, "-o", f"{out}/analysis"],
        ["analyze", workbook, "-o", f"{out}/analysis_directed", "--mode", "directed", "--group-by", "municipality"],
        ["analyze", workbook, "-o", f"{out}/analysis_mutual", "--mode", "mutual", "--min-level", "2"],
        ["gaps", workbook, "-o", f"{out}/gaps", "--lang", lang],
        ["gaps", workbook, "-o", f"{out}/gaps_en"],
        ["map", workbook, "-o", f"{out}/map.html", "--lang", lang],
        ["map", workbook, "-o", f"{out}/map_force.html", "--layout", "force", "--color-by", "community",
         "--size-by", "betweenness", "--no-introductions"],
        ["map", workbook, "-o", f"{out}/map_grouped.html", "--max-actors", "20"],
        ["map", workbook, "-o", f"{out}/map.svg", "--lang", lang],
        ["map", workbook, "-o", f"{out}/map.png"],
        ["report", workbook, "-o", f"{out}/report.html", "--lang", lang],
        ["report", workbook, "-o", f"{out}/report_en.html", "--title", "Golden"],
        ["report", workbook, "-o", f"{out}/report_pseudo.html", "--pseudonymize", "--key", "golden.key"],
        ["compare", f"{out}/net_actors.csv", f"{out}/wave2", "-o", f"{out}/compare", "--lang", lang],
    ]


def run_all(work: Path) -> dict[str, str]:
    """Run every command in ``work``; return {relative output path or stdout name: sha256}."""
    runner = CliRunner()
    digests: dict[str, str] = {}
    with _inside(work):
        Path("golden.key").write_text(KEY, encoding="utf-8")
        os.chmod("golden.key", 0o600)
        for lang in ("en", "de", "nl", "sv"):
            _run(runner, ["template", "--lang", lang, "-o", f"template_{lang}.xlsx"], digests)
        for example, (relative, lang) in EXAMPLES.items():
            workbook = f"{example}.xlsx"
            shutil.copy(ROOT / "data" / relative, workbook)
            lines = commands(example, workbook, lang)
            compare = lines.pop()
            for args in lines:
                _run(runner, args, digests)
            _second_wave(Path(f"out_{example}/net_actors.csv"), Path(f"out_{example}/net_ties.csv"),
                         Path(f"out_{example}/wave2"))
            # compare reads the first wave as a folder holding the converted CSV pair
            Path(f"out_{example}/wave1").mkdir()
            shutil.copy(f"out_{example}/net_actors.csv", f"out_{example}/wave1/actors.csv")
            shutil.copy(f"out_{example}/net_ties.csv", f"out_{example}/wave1/ties.csv")
            compare[1] = f"out_{example}/wave1"
            _run(runner, compare, digests)
            _run(runner, ["demo", "-o", f"demo_{example}", "--example", example], digests)
        for path in sorted(Path(".").rglob("*")):
            if path.is_file() and path.suffix not in (".key",) and not str(path).startswith(tuple(EXAMPLES)):
                digests[str(path.as_posix())] = hashlib.sha256(path.read_bytes()).hexdigest()
    return dict(sorted(digests.items()))


def _run(runner: CliRunner, args: list[str], digests: dict[str, str]) -> None:
    result = runner.invoke(cli, args, catch_exceptions=False)
    if result.exit_code not in (0, 1):
        raise RuntimeError(f"carenet {' '.join(args)} exited {result.exit_code}:\n{result.output}")
    text = f"exit {result.exit_code}\n{result.stdout}"
    digests[f"$ carenet {' '.join(args)}"] = hashlib.sha256(text.encode("utf-8")).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="write hashes.json from this run")
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: a temporary one)")
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        digests = run_all(work)
    if args.write:
        HASHES.write_text(json.dumps(digests, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {len(digests)} hashes to {HASHES}")
    else:
        json.dump(digests, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
