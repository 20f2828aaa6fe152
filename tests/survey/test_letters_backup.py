"""Letters, reminders, backups and pseudonymised waves of a survey project, from the command line.

* printable letters: one per organisation, each with its own link, a QR code that encodes exactly
  that link, names escaped, in the project's language, and from the dashboard's button;
* reminders by mail through a small SMTP server run by the test (no extra dependency): sent to
  the right addresses, each with a new link that works while the earlier link still does;
* backup and restore: a restored project exports the same wave, and old links still open;
* a pseudonymised export holds no organisation name of the input;
* errors are plain sentences without a traceback.

Every command runs in a child process (one survey project per process, as the CLI does).
"""

from __future__ import annotations

import base64
import csv
import email
import email.policy
import hashlib
import html
import json
import re
import socketserver
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.commands import RunCarenet
from tests.support.survey_server import Client, path_of, postgres_admin_url, postgres_database, start_server

try:
    import django  # noqa: F401
    import segno
except ImportError:  # the README's test command installs the extra; a missing one must not pass silently
    pytest.fail("the survey tests need the survey extra: pip install '.[test,survey]'", pytrace=False)

SCRIPT = "<script>alert(1)</script>"
ACTORS = textwrap.dedent(f"""\
    id,name,type,municipality,email
    A1,Hospiz am Lindenweg,hospice,Lemgo,hospiz@example.org
    A2,{SCRIPT},home_care_service,Detmold,pflege@example.org
    A3,Praxis Dr. Weber,general_practitioner,Detmold,
    A4,Apotheke am Markt,pharmacy,Lemgo,apotheke@example.org
    """)

ANSWER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from carenet_graph.survey.project import open_project
    open_project(Path(sys.argv[1]))
    from carenet_graph.survey.answers import send_answer
    from carenet_graph.survey.models import Organisation, Response, TieAnswer
    source, *partners = sys.argv[2].split(",")
    response, _ = Response.objects.get_or_create(organisation=Organisation.objects.get(actor_id=source),
                                                 respondent="Frau Kowalski")
    for partner in partners:
        TieAnswer.objects.create(response=response, partner=Organisation.objects.get(actor_id=partner),
                                 tie_types=["information_exchange", "case_conference"], level=4,
                                 frequency="weekly", ratings={"trust_reliability": 3, "trust_openness": 4})
    send_answer(response)
""")


def answer(project: Path, source: str, partners: list[str]) -> None:
    """``source`` submits an answer naming ``partners`` (through the project's own models)."""
    subprocess.run([sys.executable, "-c", ANSWER, str(project), ",".join([source, *partners])], check=True,
                   timeout=120)


def links_of(path: Path) -> dict[str, str]:
    """Organisation id → link, from a links CSV."""
    return {row["id"]: row["link"] for row in csv.DictReader(path.open(encoding="utf-8"))}


def letters_in(page: str) -> list[str]:
    """The letters of a letters page, each as its HTML."""
    return re.findall(r'<article class="letter">(.*?)</article>', page, re.S)


def dark_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules (x, y) a QR code's SVG path draws (segno draws each row as horizontal
    runs: ``M x y`` / ``m dx dy`` move, ``h n`` draws n modules); its border left out."""
    found = set()
    path = re.search(r'<path[^>]* d="([^"]+)"', svg)
    assert path, "no path in the QR code"
    x = y = 0.0
    for command, first, second in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path.group(1)):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            found.update((int(x) + i, int(y - 0.5)) for i in range(int(float(first))))
            x += float(first)
    border = min(min(c) for c in found)  # the finder pattern starts at the top-left corner of the code
    return {(cx - border, cy - border) for cx, cy in found}


def encodes(svg: str, link: str) -> bool:
    """Whether the QR code drawn in ``svg`` is a QR code of exactly ``link`` (compared module by
    module with segno's codes of the link at every error-correction level: no decoder needed)."""
    drawn = dark_modules(svg)
    for error in "lmqh":
        for boost in (True, False):
            code = segno.make(link, error=error, boost_error=boost, micro=False)
            dark = {(x, y) for y, row in enumerate(code.matrix) for x, cell in enumerate(row) if cell}
            if dark == drawn:
                return True
    return False


@pytest.fixture
def small(tmp_path: Path, run_carenet: RunCarenet) -> Path:
    """A project of four organisations from a CSV (one named like a script, one without address)."""
    (tmp_path / "actors.csv").write_text(ACTORS, encoding="utf-8")
    folder = tmp_path / "project"
    done = run_carenet("survey", "init", tmp_path / "actors.csv", "-p", folder, "--name", "Palliativnetz Test")
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture
def lippe(tmp_path: Path, run_carenet: RunCarenet, example_workbooks: dict[str, Path]) -> Path:
    folder = tmp_path / "umfrage"
    done = run_carenet("survey", "init", example_workbooks["lippe"], "-p", folder, "--lang", "de",
                       "--questions", "trust")
    assert done.returncode == 0, done.stderr
    return folder


# -- letters ---------------------------------------------------------------------------------

def test_one_letter_per_organisation_with_its_own_link_and_qr_code(small: Path, tmp_path: Path,
                                                                   run_carenet: RunCarenet) -> None:
    links, letters = tmp_path / "out" / "links.csv", tmp_path / "out" / "letters.html"
    done = run_carenet("survey", "invite", "-p", small, "-o", links, "--letters", letters, "--deadline", "2027-01-31",
                       "--contact", "Anna Berg, 05231 1234 <anna@example.org>")
    assert done.returncode == 0, done.stderr
    assert "Wrote 4 letters to print" in done.stdout
    page = letters.read_text(encoding="utf-8")
    by_id = links_of(links)
    names = {row["id"]: row["name"] for row in csv.DictReader(links.open(encoding="utf-8"))}
    found = letters_in(page)
    assert len(found) == 4
    for (actor, link), letter in zip(sorted(by_id.items()), found, strict=True):
        shown = re.findall(r'<p class="url"><a href="([^"]+)">([^<]+)</a>', letter)
        assert shown == [(link, link)], actor  # each letter carries its own organisation's link, in full
        assert html.escape(names[actor], quote=False) in letter
        svg = re.search(r"<svg.*?</svg>", letter, re.S)
        assert svg and encodes(svg.group(), link), actor
        assert not any(encodes(svg.group(), other) for other in by_id.values() if other != link)
    # The organisation named like a script is text, not markup; nothing on the page can run.
    assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page and not re.search(r"<[^>]+\son\w+=", page)  # no script, no event handler
    assert "Please answer by January 31, 2027." in page
    assert "Anna Berg, 05231 1234 &lt;anna@example.org&gt;" in page
    assert "Palliativnetz Test would like to find out who works with whom" in page
    # A standalone file: its stylesheet inline, allowed by hash and by nothing else.
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    assert style and "@page { size: A4" in style.group(1) and "break-after: page" in style.group(1)
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert policy and f"style-src 'sha256-{digest}'" in policy.group(1)
    assert "unsafe-inline" not in policy.group(1) and "http" not in policy.group(1)
    assert 'src="' not in page and "<img" not in page and "<link" not in page  # nothing loaded from anywhere


def test_letters_in_the_projects_language(lippe: Path, tmp_path: Path, run_carenet: RunCarenet) -> None:
    letters = tmp_path / "briefe.html"
    done = run_carenet("survey", "invite", "-p", lippe, "-o", tmp_path / "links.csv", "--letters", letters,
                       "--deadline", "2027-01-31")
    assert done.returncode == 0, done.stderr
    assert "133 Einladungsschreiben stehen in" in done.stdout
    page = letters.read_text(encoding="utf-8")
    assert '<html lang="de">' in page and len(letters_in(page)) == 133
    assert page.count("Ihr persönlicher Link:") == 133
    assert "Hospiz- und Palliativnetz Lippe möchte herausfinden" in page
    assert "Bitte antworten Sie bis zum 31. Januar 2027." in page
    assert "Please" not in page and "Your personal link" not in page
    # Written in the same call as the CSV: the letters carry exactly its links.
    assert set(re.findall(r'href="([^"]+)"', page)) == set(links_of(tmp_path / "links.csv").values())


def test_the_dashboards_button_prints_new_links_for_those_who_have_not_answered(
        small: Path, tmp_path: Path, run_carenet: RunCarenet) -> None:
    links = tmp_path / "links.csv"
    assert run_carenet("survey", "invite", "-p", small, "-o", links).returncode == 0
    answer(small, "A1", ["A2"])
    earlier = links_of(links)
    with start_server(small) as server:
        stranger = Client(server)
        refused = stranger.post("/coordinator/letters/", {}, token="")
        assert refused.status in (302, 403) and "/a/" not in refused.text
        client = Client(server, lang="en")
        client.login()
        assert client.get("/coordinator/letters/").status == 405  # a GET (a reload, a prefetch) makes no links
        token = client.get("/coordinator/login/").token()
        reply = client.post("/coordinator/letters/", {"deadline": "2027-01-31", "contact": "Anna <b>Berg</b>",
                                                      "lang": "de"}, token=token)
        assert reply.status == 200, reply.text[:300]
        found = letters_in(reply.text)
        assert len(found) == 3  # A1 has answered
        assert "Hospiz am Lindenweg" not in reply.text
        assert "Bitte antworten Sie bis zum 31. Januar 2027." in reply.text
        assert "Anna &lt;b&gt;Berg&lt;/b&gt;" in reply.text and SCRIPT not in reply.text
        # The page's one inline style is allowed by its hash in the header the server sends.
        style = re.search(r"<style>(.*?)</style>", reply.text, re.S)
        assert style is not None
        digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
        policy = reply.headers["Content-Security-Policy"]
        assert f"style-src 'sha256-{digest}'" in policy and "script-src 'none'" in policy
        assert reply.headers.get("Cache-Control") == "no-store"
        new = [re.search(r'<p class="url"><a href="([^"]+)"', letter).group(1) for letter in found]  # type: ignore[union-attr]
        assert not set(new) & set(earlier.values())
        visitor = Client(server, lang="de")
        for link in new:
            assert visitor.get(path_of(link)).status == 200
        for actor in ("A2", "A3", "A4"):  # the earlier links keep working
            assert visitor.get(path_of(earlier[actor])).status == 200
        assert run_carenet("survey", "close", "-p", small).returncode == 0
        closed = client.post("/coordinator/letters/", {}, token=token)
        assert closed.status == 409 and "/a/" not in closed.text  # no links for a closed round
    with sqlite3.connect(small / "answers.sqlite3") as db:
        assert db.execute("select count(*) from carenet_survey_auditevent where action = 'letters'").fetchone() == (1,)


# -- reminders by mail -----------------------------------------------------------------------

class SmtpSink(socketserver.ThreadingTCPServer):
    """Just enough SMTP to receive mail: what arrives is kept in :attr:`messages`, the logins in :attr:`logins`."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SmtpSession)
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.logins: list[bytes] = []


class SmtpSession(socketserver.StreamRequestHandler):
    server: SmtpSink

    def say(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def handle(self) -> None:
        self.say("220 sink ESMTP")
        recipients: list[str] = []
        while raw := self.rfile.readline():
            command = raw.decode("utf-8").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.say("250-sink")
                self.say("250-AUTH PLAIN")
                self.say("250 8BITMIME")
            elif verb == "AUTH":
                self.server.logins.append(base64.b64decode(command.split()[2]))
                self.say("235 ok")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self.say("250 ok")
            elif verb == "DATA":
                self.say("354 go on")
                lines = []
                while (line := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(line[1:] if line.startswith(b"..") else line)
                self.server.messages.append(
                    (recipients, email.message_from_bytes(b"".join(lines), policy=email.policy.default)))  # type: ignore[arg-type]
                recipients = []
                self.say("250 queued")
            elif verb == "QUIT":
                self.say("221 bye")
                return
            else:  # MAIL, RSET, NOOP
                self.say("250 ok")


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_reminders_by_mail_carry_new_links_and_the_old_ones_still_work(
        tmp_path: Path, run_carenet: RunCarenet, sink: SmtpSink) -> None:
    (tmp_path / "actors.csv").write_text(ACTORS, encoding="utf-8")
    project = tmp_path / "projekt"
    assert run_carenet("survey", "init", tmp_path / "actors.csv", "-p", project, "--lang", "de",
                       "--name", "Palliativnetz Test").returncode == 0
    links = tmp_path / "links.csv"
    assert run_carenet("survey", "invite", "-p", project, "-o", links,
                       "--base-url", "http://umfrage.example.org/").returncode == 0
    answer(project, "A1", ["A4"])
    not_set_up = run_carenet("survey", "remind", "-p", project, "--lang", "de")
    assert not_set_up.returncode == 1 and "Traceback" not in not_set_up.stderr
    assert "Für dieses Projekt ist kein Mailversand eingerichtet" in not_set_up.stderr
    port = str(sink.server_address[1])
    configured = run_carenet("survey", "mail", "-p", project, "--host", "127.0.0.1", "--port", port, "--user",
                             "netz", "--from", "Palliativnetz <netz@example.org>", "--plain",
                             env={"CARENET_SMTP_PASSWORD": "geheim-Passwort-1"})
    assert configured.returncode == 0, configured.stderr
    settings = project / "mail.json"
    assert stat.S_IMODE(settings.stat().st_mode) == 0o600
    assert json.loads(settings.read_text(encoding="utf-8"))["password"] == "geheim-Passwort-1"

    dry = run_carenet("survey", "remind", "-p", project, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "2 Erinnerungen würden verschickt; 1 Organisation ohne Antwort hat keine E-Mail-Adresse" in dry.stdout
    assert sink.messages == []

    sent = run_carenet("survey", "remind", "-p", project, "--deadline", "2027-01-31", "--contact", "Anna Berg")
    assert sent.returncode == 0, sent.stderr
    assert "2 Erinnerungen verschickt" in sent.stdout and "1 Organisation ohne Antwort" in sent.stdout
    assert sink.logins == [b"\0netz\0geheim-Passwort-1"]
    received = {tuple(to): message for to, message in sink.messages}
    assert set(received) == {("pflege@example.org",), ("apotheke@example.org",)}
    earlier = links_of(links)
    new = {}
    for (address,), message in received.items():
        assert message["From"] == "Palliativnetz <netz@example.org>"
        assert message["Subject"].strip() == "Erinnerung: Netzwerkbefragung – Palliativnetz Test"  # Django folds it
        body = message.get_body().get_content()  # type: ignore[union-attr]
        assert "Liebe Kolleginnen und Kollegen," in body and "Bitte antworten Sie bis zum 31. Januar 2027." in body
        found = re.findall(r"http://umfrage\.example\.org/a/[A-Za-z0-9_-]+/", body)
        assert len(found) == 1 and found[0] not in earlier.values()
        new[address] = found[0]
    assert SCRIPT in received[("pflege@example.org",)].get_body().get_content()  # type: ignore[union-attr]
    with start_server(project) as server:
        visitor = Client(server, lang="de")
        for link in [*new.values(), earlier["A2"], earlier["A4"]]:
            assert visitor.get(path_of(link)).status == 200, link
        assert visitor.get("/a/not-a-link-at-all/").status == 404
    with sqlite3.connect(project / "answers.sqlite3") as db:
        reminded = db.execute("select o.actor_id from carenet_survey_auditevent e join carenet_survey_organisation o"
                              " on o.id = e.organisation_id where e.action = 'reminder' order by 1").fetchall()
        details = db.execute("select details from carenet_survey_auditevent where action = 'remind'").fetchone()
    assert reminded == [("A2",), ("A4",)]
    assert json.loads(details[0]) == {"sent": 2, "no_address": 1, "failed": 0}
    assert "geheim" not in (project / "answers.sqlite3").read_bytes().decode("latin-1")


def test_an_unreachable_mail_server_is_a_plain_sentence(small: Path, run_carenet: RunCarenet) -> None:
    with socketserver.TCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler) as closed:
        port = str(closed.server_address[1])  # free once the block ends: nobody listens there
    assert run_carenet("survey", "mail", "-p", small, "--host", "127.0.0.1", "--port", port,
                       "--from", "netz@example.org", "--plain").returncode == 0
    failed = run_carenet("survey", "remind", "-p", small)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert "the mail server could not be reached or refused the login" in failed.stderr
    wrong = run_carenet("survey", "mail", "-p", small, "--host", "x", "--from", "Netzwerk")
    assert wrong.returncode == 1 and "the sender is not an e-mail address" in wrong.stderr
    assert run_carenet("survey", "close", "-p", small).returncode == 0
    closed = run_carenet("survey", "remind", "-p", small, "--dry-run", "--lang", "nl")
    assert closed.returncode == 1 and "De ronde is gesloten" in closed.stderr and "Traceback" not in closed.stderr


# -- backup and restore ----------------------------------------------------------------------

def test_backup_and_restore_give_the_same_wave_and_links_keep_working(
        lippe: Path, tmp_path: Path, run_carenet: RunCarenet) -> None:
    links = tmp_path / "links.csv"
    assert run_carenet("survey", "invite", "-p", lippe, "-o", links).returncode == 0
    answer(lippe, "A003", ["A004", "A061"])
    answer(lippe, "A004", ["A003"])
    backup = tmp_path / "sicherung" / "umfrage.json"
    done = run_carenet("survey", "backup", "-p", lippe, "-o", backup)
    assert done.returncode == 0, done.stderr
    assert "133 organisations, 2 answers, 0 coordinator accounts" in done.stdout
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    models = {row["model"] for row in json.loads(backup.read_text(encoding="utf-8"))}
    assert {"carenet_survey.project", "carenet_survey.organisation", "carenet_survey.invitation",
            "carenet_survey.response", "carenet_survey.tieanswer", "carenet_survey.submittedtie",
            "carenet_survey.auditevent"} <= models
    assert not models - {m for m in models if m.startswith("carenet_survey.")} - {"auth.user"}

    restored = tmp_path / "neu"
    again = run_carenet("survey", "restore", backup, "-p", restored, "--lang", "de")
    assert again.returncode == 0, again.stderr
    assert "Die Befragung ist in" in again.stdout and "133 Organisationen, 2 Antworten" in again.stdout
    assert (restored / "secret.key").read_bytes() != (lippe / "secret.key").read_bytes()
    for project, wave in ((lippe, tmp_path / "welle_alt"), (restored, tmp_path / "welle_neu")):
        assert run_carenet("survey", "export", "-p", project, "-o", wave).returncode == 0
    for name in ("actors.csv", "ties.csv"):
        assert (tmp_path / "welle_alt" / name).read_bytes() == (tmp_path / "welle_neu" / name).read_bytes(), name
    assert "trust_reliability" in (tmp_path / "welle_neu" / "ties.csv").read_text(encoding="utf-8")
    with start_server(restored) as server:
        visitor = Client(server, lang="de")
        for actor in ("A003", "A100"):
            assert visitor.get(path_of(links_of(links)[actor])).status == 200, actor

    # Plain sentences, no traceback, nothing left behind.
    full = run_carenet("survey", "restore", backup, "-p", restored)
    assert full.returncode == 1 and "Traceback" not in full.stderr
    assert "the project folder is not empty" in full.stderr
    (tmp_path / "other.json").write_text('[{"model": "auth.permission", "pk": 1, "fields": {}}]', encoding="utf-8")
    foreign = run_carenet("survey", "restore", tmp_path / "other.json", "-p", tmp_path / "leer", "--lang", "de")
    assert foreign.returncode == 1 and "Traceback" not in foreign.stderr
    assert "Die Datei ist keine Sicherung einer Befragung" in foreign.stderr
    assert not (tmp_path / "leer").exists()
    missing = run_carenet("survey", "restore", tmp_path / "nowhere.json", "-p", tmp_path / "leer")
    assert missing.returncode == 1 and "cannot read the backup file" in missing.stderr
    assert not (tmp_path / "leer").exists()


def test_a_backup_restores_into_postgresql(tmp_path: Path, run_carenet: RunCarenet,
                                           example_workbooks: dict[str, Path]) -> None:
    """A laptop's SQLite project moved to a shared PostgreSQL server: the same wave, the same links.
    (Skips without CARENET_TEST_POSTGRES_URL on a developer's machine; .ci/run sets it.)"""
    admin = postgres_admin_url()
    project = tmp_path / "laptop"
    assert run_carenet("survey", "init", example_workbooks["lippe"], "-p", project).returncode == 0
    answer(project, "A003", ["A004", "A061"])
    backup = tmp_path / "umfrage.json"
    assert run_carenet("survey", "backup", "-p", project, "-o", backup).returncode == 0
    with postgres_database(admin) as url:
        shared = tmp_path / "server"
        done = run_carenet("survey", "restore", backup, "-p", shared, "--database-url", url)
        assert done.returncode == 0, done.stderr
        assert not (shared / "answers.sqlite3").exists()
        assert stat.S_IMODE((shared / "database.url").stat().st_mode) == 0o600
        for folder, wave in ((project, tmp_path / "a"), (shared, tmp_path / "b")):
            assert run_carenet("survey", "export", "-p", folder, "-o", wave).returncode == 0
        for name in ("actors.csv", "ties.csv"):
            assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
        # The sequences follow the restored rows: new links and events can be stored.
        assert run_carenet("survey", "invite", "-p", shared, "-o", tmp_path / "links.csv").returncode == 0
        twice = run_carenet("survey", "restore", backup, "-p", tmp_path / "again", "--database-url", url)
        assert twice.returncode == 1 and "the database already holds a survey" in twice.stderr
        assert "Traceback" not in twice.stderr and not (tmp_path / "again").exists()


# -- pseudonymised export --------------------------------------------------------------------

def test_a_pseudonymised_wave_holds_no_name_of_the_input(lippe: Path, tmp_path: Path, run_carenet: RunCarenet) -> None:
    answer(lippe, "A003", ["A004", "A061"])
    answer(lippe, "A004", ["A003"])
    plain = tmp_path / "welle"
    assert run_carenet("survey", "export", "-p", lippe, "-o", plain).returncode == 0
    names = [row["name"] for row in csv.DictReader((plain / "actors.csv").open(encoding="utf-8"))]
    key = tmp_path / "schluessel" / "netz.key"
    hidden = tmp_path / "welle_pseudonym"
    done = run_carenet("survey", "export", "-p", lippe, "-o", hidden, "--pseudonymize", "--key", key)
    assert done.returncode == 0, done.stderr
    assert "Die pseudonymisierte Erhebung steht in" in done.stdout
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(hidden.iterdir())).casefold()
    assert sorted(p.name for p in hidden.iterdir()) == ["actors.csv", "ties.csv"]
    assert [name for name in names if name.casefold() in text] == []
    assert "kowalski" not in text and "a003" not in text
    actors = list(csv.DictReader((hidden / "actors.csv").open(encoding="utf-8")))
    assert len(actors) == 133 and all(re.fullmatch(r"Actor [0-9A-Z]{4}-[0-9A-Z]{4}", a["id"]) for a in actors)
    assert sorted(a["answered"] for a in actors).count("yes") == 2
    assert {a["answered"] for a in actors} == {"yes", "no"}
    ties = list(csv.DictReader((hidden / "ties.csv").open(encoding="utf-8")))
    assert len(ties) == 6 and all(t["reported_by"] == t["source"] for t in ties)
    assert {(t["level"], t["frequency"], t["trust_reliability"], t["trust_openness"]) for t in ties} == {
        ("4", "weekly", "3", "4")}
    answered = {a["id"] for a in actors if a["answered"] == "yes"}
    assert {t["source"] for t in ties} == answered
    # The same key gives the same pseudonyms: next year's wave can be compared with this one.
    again = tmp_path / "noch_einmal"
    assert run_carenet("survey", "export", "-p", lippe, "-o", again, "--pseudonymize", "--key", key).returncode == 0
    assert (again / "actors.csv").read_bytes() == (hidden / "actors.csv").read_bytes()
    # Every other command reads it, and the report still says who answered.
    assert run_carenet("validate", hidden).returncode == 0
    report = run_carenet("report", hidden, "-o", tmp_path / "bericht.html", "--lang", "de")
    assert report.returncode == 0, report.stderr
    assert "2 von 133 Organisationen haben an der Befragung teilgenommen" in (
        tmp_path / "bericht.html").read_text(encoding="utf-8")


def test_export_errors_are_plain_sentences(small: Path, tmp_path: Path, run_carenet: RunCarenet) -> None:
    broken = tmp_path / "broken.key"
    broken.write_text("this is not a key\n", encoding="utf-8")
    done = run_carenet("survey", "export", "-p", small, "-o", tmp_path / "wave", "--pseudonymize", "--key", broken)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "does not hold a key" in done.stderr and "this is not a key" not in done.stderr
    assert not (tmp_path / "wave").exists()
    alone = run_carenet("survey", "export", "-p", small, "-o", tmp_path / "wave", "--key", broken)
    assert alone.returncode == 2 and "--pseudonymize" in alone.stderr
