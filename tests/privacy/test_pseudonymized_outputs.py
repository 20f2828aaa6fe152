"""With --pseudonymize, no output file of any command contains an original name, note or
postcode (every file searched byte by byte, xlsx unzipped)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.support.commands import Invoke

NAMES = ["Praxis Zzyzx Quaggenbusch", "PKD Xylophonia", "Pflegedienst Wumpelstilz", "Sozialamt Blubberlutsch"]
SECRETS = [*NAMES, "Zzyzx", "Xylophonia", "Wumpelstilz", "Blubberlutsch", "Geheimnisträger", "32657", "32825"]


def texts(folder: Path) -> list[tuple[Path, str]]:
    out = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as zf:
                out.extend((path, zf.read(name).decode("utf-8", "replace")) for name in zf.namelist())
        else:
            out.append((path, path.read_bytes().decode("utf-8", "replace")))
    return out


def test_every_command_hides_every_name(tmp_path: Path, invoke: Invoke) -> None:
    actors = tmp_path / "in" / "actors.csv"
    ties = tmp_path / "in" / "ties.csv"
    actors.parent.mkdir()
    actors.write_text("id;name;type;municipality;postcode;notes\n"
                      f"p1;{NAMES[0]};Hausarzt;Lemgo;32657;Dr. Geheimnisträger privat\n"
                      f"p2;{NAMES[1]};PKD;Lemgo;32657;\n"
                      f"p3;{NAMES[2]};Pflegedienst;Lemgo;32657;\n"
                      f"p4;{NAMES[3]};Sozialamt;Blomberg;32825;\n", encoding="utf-8")
    ties.write_text("source;target;type;level\np1;p2;Konsil;3\np2;p3;gemeinsame Patienten;3\n"
                    "p3;p4;Informationsaustausch;2\n", encoding="utf-8")
    out = tmp_path / "out"
    key = tmp_path / "netz.key"
    inputs = [str(actors), str(ties), "--pseudonymize", "--key", str(key)]
    for args in (["convert", *inputs, "-o", str(out / "net.graphml")],
                 ["convert", *inputs, "-o", str(out / "net.xlsx")],
                 ["convert", *inputs, "-o", str(out / "net.csv")],
                 ["analyze", *inputs, "-o", str(out / "analysis")],
                 ["gaps", *inputs, "-o", str(out / "gaps")],
                 ["map", *inputs, "-o", str(out / "map.html")],
                 ["map", *inputs, "-o", str(out / "map.svg")],
                 ["report", *inputs, "-o", str(out / "report.html")]):
        result = invoke(*args)
        assert result.exit_code == 0, (args[0], result.output)
        for secret in NAMES:
            assert secret not in result.output
    found = texts(out)
    assert len(found) > 15
    for path, text in found:
        for secret in SECRETS:
            assert secret not in text, (path.name, secret)
    # Without --pseudonymize the same search finds the names: the check can fail.
    plain = tmp_path / "plain"
    invoke("analyze", actors, ties, "-o", plain)
    assert any(NAMES[0] in text for _, text in texts(plain))
