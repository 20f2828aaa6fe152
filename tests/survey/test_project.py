"""The survey project from the command line: init from the bundled example, personal links,
answers, status, export to a wave folder that every other command reads, close.

Each test runs ``carenet`` in child processes (one survey project per process, as the CLI does);
answers are written with a small script in a child process through the project's own models.
"""

from __future__ import annotations

import csv
import hashlib
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.support.commands import RunCarenet

try:
    import django  # noqa: F401
except ImportError:  # the README's test command installs the extra; a missing one must not pass silently
    pytest.fail("the survey tests need the survey extra: pip install '.[test,survey]'", pytrace=False)

ANSWER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from carenet_graph.survey.project import open_project
    open_project(Path(sys.argv[1]))
    from carenet_graph.survey.answers import send_answer
    from carenet_graph.survey.models import Organisation, Response, TieAnswer
    source, *partners = sys.argv[2].split(",")
    response, _ = Response.objects.get_or_create(organisation=Organisation.objects.get(actor_id=source))
    for partner in partners:
        TieAnswer.objects.create(response=response, partner=Organisation.objects.get(actor_id=partner),
                                 tie_types=["information_exchange", "case_conference"], level=3)
    if sys.argv[3] == "submit":
        send_answer(response)
""")


def answer(project: Path, source: str, partners: list[str], submit: bool = True) -> None:
    subprocess.run([sys.executable, "-c", ANSWER, str(project), ",".join([source, *partners]),
                    "submit" if submit else "draft"], check=True, timeout=120)


@pytest.fixture
def project(tmp_path: Path, run_carenet: RunCarenet, example_workbooks: dict[str, Path]) -> Path:
    folder = tmp_path / "umfrage"
    done = run_carenet("survey", "init", example_workbooks["lippe"], "-p", folder, "--lang", "de")
    assert done.returncode == 0, done.stderr
    assert "mit 133 Organisationen auf der Liste" in done.stdout
    return folder


def test_links_are_unguessable_and_stored_only_as_hashes(project: Path, tmp_path: Path,
                                                         run_carenet: RunCarenet) -> None:
    links = tmp_path / "links.csv"
    done = run_carenet("survey", "invite", "-p", project, "-o", links)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(links.open(encoding="utf-8")))
    assert len(rows) == 133 and len({r["link"] for r in rows}) == 133
    tokens = [r["link"].rsplit("/a/", 1)[1].rstrip("/") for r in rows]
    assert all(len(t) >= 22 for t in tokens)  # 16 random bytes, base64url: 128 bits
    with sqlite3.connect(project / "answers.sqlite3") as db:
        stored = {h for (h,) in db.execute("select token_hash from carenet_survey_invitation where not revoked")}
    assert stored == {hashlib.sha256(t.encode()).hexdigest() for t in tokens}
    assert not any(t in (project / "answers.sqlite3").read_bytes().decode("latin-1") for t in tokens[:5])
    again = run_carenet("survey", "invite", "-p", project, "-o", tmp_path / "links2.csv")
    assert again.returncode == 0
    with sqlite3.connect(project / "answers.sqlite3") as db:
        live = {h for (h,) in db.execute("select token_hash from carenet_survey_invitation where not revoked")}
    assert live.isdisjoint(stored)  # inviting again revokes the earlier links


def test_answers_become_a_wave_that_every_command_reads(project: Path, tmp_path: Path,
                                                        run_carenet: RunCarenet) -> None:
    answer(project, "A003", ["A004", "A061"])
    answer(project, "A004", ["A003"])
    answer(project, "A010", ["A011"], submit=False)  # a draft is not part of the wave
    status = run_carenet("survey", "status", "-p", project)
    assert status.returncode == 0, status.stderr
    assert "2 of 133 organisations have answered (2%)" in status.stdout
    assert "1 answer is still a draft" in status.stdout
    wave = tmp_path / "welle_2026"
    done = run_carenet("survey", "export", "-p", project, "-o", wave)
    assert done.returncode == 0, done.stderr
    ties = list(csv.DictReader((wave / "ties.csv").open(encoding="utf-8")))
    assert {(t["source"], t["target"], t["type"], t["reported_by"]) for t in ties} == {
        (s, o, kind, s) for s, o in (("A003", "A004"), ("A003", "A061"), ("A004", "A003"))
        for kind in ("case_conference", "information_exchange")}
    actors = {a["id"]: a for a in csv.DictReader((wave / "actors.csv").open(encoding="utf-8"))}
    assert len(actors) == 133
    assert actors["A003"]["answered"] == "yes" and actors["A010"]["answered"] == "no"
    checked = run_carenet("validate", wave)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    report = run_carenet("report", wave, "-o", tmp_path / "bericht.html", "--lang", "de")
    assert report.returncode == 0, report.stderr
    page = (tmp_path / "bericht.html").read_text(encoding="utf-8")
    assert "Hospiz- und Palliativnetz Lippe" in page
    # Non-respondents are said, not dropped: a finding and the methods give the response rate and the rule.
    assert page.count("2 von 133 Organisationen haben an der Befragung teilgenommen") == 2
    assert "aus den Angaben ihrer Partner ergänzt" in page


def test_without_the_extra_a_plain_sentence_says_how_to_install_it(tmp_path: Path) -> None:
    hide = ("import sys; sys.modules['django'] = None; from carenet_graph.cli import main; "
            "main(['survey', 'status', '-p', sys.argv[1]])")
    done = subprocess.run([sys.executable, "-c", hide, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert 'pip install "carenet-graph[survey]"' in done.stderr


def test_close_and_refusals(project: Path, tmp_path: Path, run_carenet: RunCarenet,
                            example_workbooks: dict[str, Path]) -> None:
    closed = run_carenet("survey", "close", "-p", project)
    assert closed.returncode == 0 and "no longer accept answers" in closed.stdout
    assert "The round is closed." in run_carenet("survey", "status", "-p", project).stdout
    again = run_carenet("survey", "init", example_workbooks["lippe"], "-p", project)
    assert again.returncode == 1 and "not empty" in again.stderr and "Traceback" not in again.stderr
    nowhere = run_carenet("survey", "status", "-p", tmp_path / "nothing")
    assert nowhere.returncode == 1 and "not a survey project" in nowhere.stderr
    inside = run_carenet("survey", "export", "-p", project, "-o", project / "wave")
    assert inside.returncode == 2
    assert not (project / "wave").exists()


def test_the_rounds_own_consent_text_and_a_name_are_required_words(tmp_path: Path, run_carenet: RunCarenet,
                                                                   example_workbooks: dict[str, Path]) -> None:
    from carenet_graph.i18n import translate
    from tests.support.survey_server import Client, path_of, start_server

    own = tmp_path / "einwilligung.txt"
    own.write_text("Die Palliativkoordination Lippe <verantwortlich> fragt.\n\nZweiter Absatz.", encoding="utf-8")
    folder = tmp_path / "runde"
    done = run_carenet("survey", "init", example_workbooks["lippe"], "-p", folder, "--lang", "de",
                       "--consent", f"de={own}")
    assert done.returncode == 0, done.stderr
    assert run_carenet("survey", "invite", "-p", folder, "-o", tmp_path / "links.csv").returncode == 0
    link = path_of(next(csv.DictReader((tmp_path / "links.csv").open(encoding="utf-8")))["link"])
    with start_server(folder) as server:
        german = Client(server).get(link + "?lang=de").text
        english = Client(server).get(link + "?lang=en").text
    assert "<p>Die Palliativkoordination Lippe &lt;verantwortlich&gt; fragt.</p>" in german
    assert "<p>Zweiter Absatz.</p>" in german
    built_in = translate("form_consent_text", "en", network="Hospiz- und Palliativnetz Lippe").split("\n\n")[0]
    assert built_in.replace("'", "&#39;") in english and "verantwortlich" not in english
    wrong = run_carenet("survey", "init", example_workbooks["lippe"], "-p", tmp_path / "x", "--consent", "xx=a.txt")
    assert wrong.returncode == 2 and "LANG=FILE" in wrong.stderr

    # A list without a network actor and without --name: respondents would not know who asks.
    (tmp_path / "bare").mkdir()
    (tmp_path / "bare" / "actors.csv").write_text("id,name,type\nB1,Praxis Dr. Beispiel,general_practitioner\n"
                                                  "B2,Pflegedienst Mitte,home_care_nursing\n", encoding="utf-8")
    nameless = run_carenet("survey", "init", tmp_path / "bare", "-p", tmp_path / "y")
    assert nameless.returncode == 1 and "--name" in nameless.stderr and "Traceback" not in nameless.stderr
    assert not (tmp_path / "y").exists()
    named = run_carenet("survey", "init", tmp_path / "bare", "-p", tmp_path / "y", "--name", "Netz Mitte")
    assert named.returncode == 0, named.stderr


def test_a_port_in_use_is_a_plain_sentence(project: Path, run_carenet: RunCarenet) -> None:
    from urllib.parse import urlsplit

    from tests.support.survey_server import start_server

    with start_server(project) as server:
        port = str(urlsplit(server.base).port)
        taken = run_carenet("survey", "serve", "-p", project, "--port", port, "--lang", "de")
    assert taken.returncode == 1 and "Traceback" not in taken.stderr
    assert f"Port {port} auf 127.0.0.1 nicht verwenden" in taken.stderr and "--port 8001" in taken.stderr
