"""``carenet survey``: the survey project's commands (init, serve, password, invite, status,
export, close, mail, remind, backup, restore).

Registered on the ``carenet`` group by :mod:`carenet_graph.cli`; each command makes one call to
the survey package (:mod:`~carenet_graph.survey.project`, :mod:`~carenet_graph.survey.mail`,
:mod:`~carenet_graph.survey.backup`) and says what happened in ``--lang``; the commands that
write for respondents (letters, reminders, the pseudonymised wave's names) default to the
project's language. Django is imported only when a survey command runs, and its absence is a
plain sentence telling how to install the extra.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from carenet_graph.cli import Privacy, Source, echo, lang_option, output_option, privacy_options
from carenet_graph.i18n import LANGUAGES, translate

__all__ = ["survey"]

project_option = click.option("-p", "--project", "project", required=True, type=click.Path(path_type=Path),
                              help="The survey project folder.")
project_lang_option = click.option(
    "--lang", type=click.Choice(LANGUAGES), default=None,
    help="Language of what respondents read and of this summary (default: the project's, from survey init --lang).")
deadline_option = click.option("--deadline", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                               help="The day to answer by (YYYY-MM-DD), said in the letters and mails.")
contact_option = click.option("--contact", default="", help='Who answers questions, e.g. "Anna Berg, 05231 1234, '
                                                            'netz@example.org", said in the letters and mails.')


@click.group()
def survey() -> None:
    """Collect the network with a survey: one personal link per organisation (needs the survey extra)."""


@survey.command(name="init")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@project_option
@lang_option("Language of the coordinator's pages and of this summary.")
@click.option("--name", default=None, help="The network's name (default: its palliative network actor's name).")
@click.option("--database-url", default=None,
              help="PostgreSQL for a shared server (postgresql://user:password@host:5432/name); default SQLite.")
@click.option("--questions", "questions", multiple=True, type=click.Choice(["trust", "value"]),
              help="Also ask the trust items (reliability, shared mission, openness) or the value items "
                   "(influence, involvement, resources) about each partner. Repeat for both.")
@click.option("--consent", "consent", multiple=True, metavar="LANG=FILE",
              help="This round's own consent text in a language, from a UTF-8 text file (paragraphs separated by "
                   "a blank line), e.g. --consent de=einwilligung.txt. Repeat per language; a language without "
                   "one shows the built-in text.")
def init(inputs: tuple[Path, ...], project: Path, lang: str, name: str | None, database_url: str | None,
         questions: tuple[str, ...], consent: tuple[str, ...]) -> None:
    """A new survey project from an actors list (a workbook, a CSV pair, a folder or last wave's folder).

    Ties in the input are offered to each organisation as last time's answer."""
    from carenet_graph.survey.project import init_project

    Source(inputs).guard(project, folder=project)
    count = init_project(list(inputs), project, name=name, lang=lang, database_url=database_url,
                         questions=questions, consent=_consent_texts(consent, lang))
    echo(translate("survey_initialised", lang, folder=project, count=count))


def _consent_texts(options: tuple[str, ...], lang: str) -> dict[str, str]:
    """``LANG=FILE`` options as {language: text}; a usage error names what is wrong."""
    from carenet_graph.i18n import LANGUAGES

    texts = {}
    for option in options:
        code, _, name = option.partition("=")
        path = Path(name)
        if code not in LANGUAGES or not name:
            raise click.BadParameter(translate("survey_consent_form", lang, languages=", ".join(LANGUAGES)),
                                     param_hint="--consent")
        try:
            text = path.read_text(encoding="utf-8-sig").strip()
        except (OSError, UnicodeDecodeError):
            raise click.BadParameter(translate("survey_consent_unreadable", lang), param_hint="--consent") from None
        if not text or len(text) > 20_000:
            raise click.BadParameter(translate("survey_consent_unreadable", lang), param_hint="--consent")
        texts[code] = text
    return texts


@survey.command()
@project_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Where to listen: 127.0.0.1 is this computer only; 0.0.0.0 lets phones on the local network in "
                   "(for a workshop).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="The port (0: any free port).")
@click.option("--behind-https", "https", is_flag=True,
              help="The server runs behind an HTTPS proxy: cookies only over HTTPS, browsers kept to HTTPS.")
@lang_option()
def serve(project: Path, host: str, port: int, https: bool, lang: str) -> None:
    """Run the survey server: respondents' forms and the coordinator's dashboard (Ctrl+C stops it)."""
    from carenet_graph.survey.server import serve as run

    def announce(url: str, login: str, name: str) -> None:
        echo(translate("survey_serving", lang, name=name or "–", url=url, login=login))

    run(project, host=host, port=port, https=https, announce=announce)


@survey.command()
@project_option
@click.option("--user", "username", default="coordinator", show_default=True, help="The user name to log in with.")
@lang_option()
def password(project: Path, username: str, lang: str) -> None:
    """Set a coordinator password (for a shared server; on a laptop the login link of serve is enough)."""
    from carenet_graph.survey.project import set_password

    secret = click.prompt(translate("survey_password_prompt", lang), hide_input=True,
                          confirmation_prompt=translate("survey_password_again", lang))
    set_password(project, username, secret)
    echo(translate("survey_password_set", lang, user=username))


@survey.command()
@project_option
@output_option("The CSV of personal links (one row per organisation), for mail merge. Keep it private.")
@click.option("--base-url", default="http://127.0.0.1:8000", show_default=True,
              help="Where respondents reach the survey server.")
@click.option("--letters", type=click.Path(path_type=Path), default=None,
              help="Also write the links as printable letters (HTML, one A4 page per organisation, with a QR code).")
@deadline_option
@contact_option
@project_lang_option
def invite(project: Path, output: Path, base_url: str, letters: Path | None, deadline: dt.datetime | None,
           contact: str, lang: str | None) -> None:
    """New personal links for every organisation (earlier links stop working), and printable letters."""
    from carenet_graph.survey.project import invite as write_links
    from carenet_graph.survey.project import project_language

    lang = lang or project_language(project)
    count = write_links(project, output, base_url, letters=letters, deadline=deadline.date() if deadline else None,
                        contact=contact, lang=lang)
    echo(translate("survey_invited", lang, count=count, path=output))
    if letters is not None:
        echo(translate("letters_written", lang, count=count, path=letters))


@survey.command()
@project_option
@lang_option()
def status(project: Path, lang: str) -> None:
    """Who has answered so far."""
    from carenet_graph.locale import Locale
    from carenet_graph.survey.project import status as round_status

    now = round_status(project)
    loc = Locale(lang)
    echo(loc.t("survey_status", submitted=now.submitted, organisations=now.organisations,
               rate=loc.percent(now.response_rate), drafts=now.drafts, to_confirm=now.to_confirm))
    if now.waiting:
        echo(loc.t("survey_waiting", ids=", ".join(now.waiting[:50]), more=max(len(now.waiting) - 50, 0)))
    if now.closed:
        echo(loc.t("survey_status_closed"))


@survey.command()
@project_option
@output_option("The wave folder to write (actors.csv and ties.csv, read by every other command).")
@project_lang_option
@privacy_options
def export(project: Path, output: Path, lang: str | None, privacy: Privacy) -> None:
    """The answers as a wave folder: carenet report, gaps and compare read it unchanged.

    With --pseudonymize --key FILE, names become keyed pseudonyms (the same key gives the same
    pseudonyms next year) and no free text is written."""
    from carenet_graph.survey.project import export_wave, project_language

    if output.resolve() == project.resolve() or output.resolve().is_relative_to(project.resolve()):
        raise click.BadParameter(translate("survey_export_inside", lang or "en"), param_hint="-o/--output")
    lang = lang or project_language(project)
    if not privacy.pseudonymize or privacy.key is None:
        export_wave(project, output)
        echo(translate("survey_exported", lang, folder=output))
        return
    import warnings

    from carenet_graph.locale import Locale
    from carenet_graph.privacy import load_or_create_key

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        key = load_or_create_key(privacy.key)
    if caught:  # the library's warning, said in the user's language (as every --pseudonymize does)
        echo(translate("cli_key_shared", lang, name=privacy.key.name), err=True)
    export_wave(project, output, key=key, locale=Locale(lang))
    echo(translate("letters_export_pseudonymised", lang, folder=output))


@survey.command()
@project_option
@lang_option()
def close(project: Path, lang: str) -> None:
    """Close the round: links stop accepting answers; export still works."""
    from carenet_graph.survey.project import close_round

    close_round(project)
    echo(translate("survey_closed", lang))


@survey.command()
@project_option
@click.option("--host", required=True, help="The mail server (SMTP), e.g. smtp.example.org.")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Its port (default: 587 with --starttls, 465 with --ssl, 25 with --plain).")
@click.option("--user", "user", default="",
              help="The account to log in with; its password is asked (hidden) or taken from CARENET_SMTP_PASSWORD.")
@click.option("--from", "sender", required=True, help='Who the reminders come from: "Netzwerk <netz@example.org>".')
@click.option("--starttls", "security", flag_value="starttls", default=True,
              help="Encrypt with STARTTLS (the default; port 587).")
@click.option("--ssl", "security", flag_value="ssl", help="Encrypt from the start (port 465).")
@click.option("--plain", "security", flag_value="none", help="No encryption: only for a mail relay on this computer.")
@lang_option()
def mail(project: Path, host: str, port: int | None, user: str, sender: str, security: str, lang: str) -> None:
    """Set up reminders by e-mail: the mail server and sender, kept in the project folder (mail.json).

    The password is stored there in clear text, in a file only you can read."""
    from carenet_graph.survey.mail import DEFAULT_PORTS, MailSettings, save_settings

    secret = ""
    if user:
        secret = os.environ.get("CARENET_SMTP_PASSWORD") or click.prompt(
            translate("letters_mail_password", lang), hide_input=True, default="", show_default=False)
    path = save_settings(project, MailSettings(host=host, port=port or DEFAULT_PORTS[security], sender=sender,
                                               user=user, password=secret, security=security))
    echo(translate("letters_mail_saved", lang, path=path, folder=project))


@survey.command()
@project_option
@click.option("--base-url", default=None,
              help="Where respondents reach the survey server (default: the address given to survey invite).")
@deadline_option
@contact_option
@click.option("--dry-run", is_flag=True, help="Only count who would get a reminder; send nothing.")
@project_lang_option
def remind(project: Path, base_url: str | None, deadline: dt.datetime | None, contact: str, dry_run: bool,
           lang: str | None) -> None:
    """Mail every organisation that has not answered (and has an e-mail address) a new personal link.

    Earlier links keep working. Set up mail first with: carenet survey mail."""
    from carenet_graph.survey.mail import remind as send
    from carenet_graph.survey.project import project_language

    lang = lang or project_language(project)
    done = send(project, base_url=base_url, lang=lang, deadline=deadline.date() if deadline else None,
                contact=contact, dry_run=dry_run)
    if done.dry_run:
        echo(translate("letters_remind_dry_run", lang, count=done.sent, missing=done.no_address))
    else:
        echo(translate("letters_remind_sent", lang, sent=done.sent, missing=done.no_address, failed=done.failed))


@survey.command()
@project_option
@output_option("The backup file (JSON). It holds personal data: it is written readable by you only.")
@lang_option()
def backup(project: Path, output: Path, lang: str) -> None:
    """Every row of the survey (organisations, links, answers, audit log) and the coordinator accounts in one file."""
    from carenet_graph.survey.backup import backup as write_backup

    if output.resolve().is_relative_to(project.resolve()):
        raise click.BadParameter(translate("survey_export_inside", lang), param_hint="-o/--output")
    counts = write_backup(project, output)
    echo(translate("letters_backup_written", lang, path=output, organisations=counts.organisations,
                   answers=counts.answers, users=counts.users))


@survey.command()
@click.argument("source", type=click.Path(path_type=Path))
@project_option
@click.option("--database-url", default=None,
              help="PostgreSQL for a shared server (postgresql://user:password@host:5432/name); default SQLite.")
@lang_option()
def restore(source: Path, project: Path, database_url: str | None, lang: str) -> None:
    """A new survey project (in a new or empty folder) from a backup; personal links keep working."""
    from carenet_graph.survey.backup import restore as load

    counts = load(source, project, database_url=database_url)
    echo(translate("letters_restored", lang, folder=project, organisations=counts.organisations,
                   answers=counts.answers))
