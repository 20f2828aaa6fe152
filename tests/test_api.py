"""The public API: every ``carenet`` command has a Python twin in ``carenet_graph`` that writes
the same bytes, so a researcher can do in a notebook exactly what the command line does."""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

import carenet_graph as cg
from tests.support.commands import Invoke

TWINS = {"validate": "validate", "convert": "write_network", "analyze": "analyze", "gaps": "find_gaps",
         "map": "write_map", "report": "write_report", "compare": "compare_waves", "template": "write_template",
         "demo": "run_demo", "derive": "derive"}


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# The survey's commands need the optional extra, so their twins live in the survey package
# (``import carenet_graph`` never imports Django).
# survey command -> (module of carenet_graph.survey, function)
SURVEY_TWINS = {"init": ("project", "init_project"), "invite": ("project", "invite"), "status": ("project", "status"),
                "export": ("project", "export_wave"), "close": ("project", "close_round"),
                "password": ("project", "set_password"), "serve": ("server", "serve"),
                "backup": ("backup", "backup"), "restore": ("backup", "restore"),
                "mail": ("mail", "save_settings"), "remind": ("mail", "remind")}


def test_every_command_has_a_twin_in_the_public_api() -> None:
    import importlib

    from carenet_graph.cli import cli

    assert set(cli.commands) == {*TWINS, "survey"}
    assert set(cli.commands["survey"].commands) == set(SURVEY_TWINS)  # type: ignore[attr-defined]
    for module_name, twin in SURVEY_TWINS.values():
        module = importlib.import_module(f"carenet_graph.survey.{module_name}")
        assert twin in module.__all__ and callable(getattr(module, twin)), twin
    for twin in TWINS.values():
        assert twin in cg.__all__ and callable(getattr(cg, twin)), twin
    for name in cg.__all__:  # every exported name resolves (the heavy ones are imported on first use)
        assert getattr(cg, name) is not None, name
    assert set(cg.__all__) <= set(dir(cg))


def test_the_lazy_twins_are_the_library_functions() -> None:
    assert cg.find_gaps is importlib.import_module("carenet_graph.gaps.run").find_gaps
    assert cg.write_map is importlib.import_module("carenet_graph.viz.map").write_map
    assert cg.analyze is importlib.import_module("carenet_graph.analysis.run").analyze


def test_twins_write_what_the_commands_write(tmp_path: Path, invoke: Invoke,
                                             example_workbooks: dict[str, Path]) -> None:
    workbook = example_workbooks["eemland"]
    cli_out, api_out = tmp_path / "cli", tmp_path / "api"
    api_out.mkdir()
    for args in (["analyze", workbook, "-o", cli_out / "analysis", "--mode", "mutual"],
                 ["gaps", workbook, "-o", cli_out / "gaps", "--lang", "nl"],
                 ["map", workbook, "-o", cli_out / "map" / "map.html", "--lang", "nl"],
                 ["report", workbook, "-o", cli_out / "report" / "report.html", "--lang", "nl"]):
        assert invoke(*args).exit_code == 0, args
    data = cg.read_network([workbook])
    G = cg.to_graph(data)
    nl = cg.Locale("nl", data.vocabulary)
    analysis = cg.analyze(G, mode="mutual", vocabulary=data.vocabulary, output=api_out / "analysis")
    gaps = cg.find_gaps(G, locale=nl, output=api_out / "gaps")
    (api_out / "map").mkdir()
    cg.write_map(G, api_out / "map" / "map.html", locale=nl, introductions=True)
    (api_out / "report").mkdir()
    cg.write_report(G, api_out / "report" / "report.html", locale=nl, validation=data.report,
                    rules=cg.load_rules(vocabulary=data.vocabulary))
    assert [p.name for p in analysis.written] == ["actors.csv", "groups.csv", "mixing.csv", "brokerage.csv",
                                                  "network.json", "analysis.xlsx"]
    assert len(gaps.written) == 6
    for folder in ("analysis", "gaps", "map", "report"):
        assert digests(api_out / folder) == digests(cli_out / folder), folder
