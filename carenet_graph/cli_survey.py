"""``carenet survey``: the survey project's commands (init, invite, status, export, close).

Registered on the ``carenet`` group by :mod:`carenet_graph.cli`; each command makes one call to
:mod:`carenet_graph.survey.project` and says what happened in ``--lang``. Django is imported only
when a survey command runs, and its absence is a plain sentence telling how to install the extra.
"""

from __future__ import annotations

from pathlib import Path

import click

from carenet_graph.cli import Source, echo, lang_option, output_option
from carenet_graph.i18n import translate

__all__ = ["survey"]

project_option = click.option("-p", "--project", "project", required=True, type=click.Path(path_type=Path),
                              help="The survey project folder.")


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
def init(inputs: tuple[Path, ...], project: Path, lang: str, name: str | None, database_url: str | None,
         questions: tuple[str, ...]) -> None:
    """A new survey project from an actors list (a workbook, a CSV pair, a folder or last wave's folder).

    Ties in the input are offered to each organisation as last time's answer."""
    from carenet_graph.survey.project import init_project

    Source(inputs).guard(project, folder=project)
    count = init_project(list(inputs), project, name=name, lang=lang, database_url=database_url,
                         questions=questions)
    echo(translate("survey_initialised", lang, folder=project, count=count))


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
@lang_option()
def invite(project: Path, output: Path, base_url: str, lang: str) -> None:
    """New personal links for every organisation (earlier links stop working)."""
    from carenet_graph.survey.project import invite as write_links

    count = write_links(project, output, base_url)
    echo(translate("survey_invited", lang, count=count, path=output))


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
@lang_option()
def export(project: Path, output: Path, lang: str) -> None:
    """The answers as a wave folder: carenet report, gaps and compare read it unchanged."""
    from carenet_graph.survey.project import export_wave

    if output.resolve() == project.resolve() or output.resolve().is_relative_to(project.resolve()):
        raise click.BadParameter(translate("survey_export_inside", lang), param_hint="-o/--output")
    export_wave(project, output)
    echo(translate("survey_exported", lang, folder=output))


@survey.command()
@project_option
@lang_option()
def close(project: Path, lang: str) -> None:
    """Close the round: links stop accepting answers; export still works."""
    from carenet_graph.survey.project import close_round

    close_round(project)
    echo(translate("survey_closed", lang))
