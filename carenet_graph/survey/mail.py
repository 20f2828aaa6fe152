"""Reminders by e-mail: the project's SMTP settings, and one reminder with a new personal link
to every organisation that has not answered.

* :func:`save_settings` – the mail server, account and sender, kept in ``mail.json`` in the
  project folder, readable by its owner only (mode 0600). The password is stored there in clear
  text (the reminders are sent unattended), protected by the file's permissions only, like the
  project's database and secret key next to it.
* :func:`remind` – for each organisation that has not submitted an answer and has an e-mail
  address (the ``email`` column of the actors list at ``survey init``), a **new, additional**
  link (earlier links keep working) and a plain-text mail in the project's language, sent
  through Django's SMTP backend configured at send time. A link is stored only when its mail
  was accepted by the server, so a failed send leaves no link nobody has. Every mail is in the
  audit log (the organisation, never the address or the link).
"""

from __future__ import annotations

import json
import smtplib
from dataclasses import asdict, dataclass
from datetime import date
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING

from carenet_graph.errors import OptionError, OutputError
from carenet_graph.locale import Locale

if TYPE_CHECKING:
    from django.core.mail.backends.base import BaseEmailBackend

    from carenet_graph.survey.models import Organisation

__all__ = ["MAIL_FILE", "MailSettings", "Reminders", "load_settings", "remind", "save_settings"]

#: The mail settings' file in the project folder.
MAIL_FILE = "mail.json"
#: How a connection is secured: STARTTLS on the submission port, TLS from the start, or none
#: (only for a relay on the same computer).
SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
TIMEOUT = 30


@dataclass(frozen=True)
class MailSettings:
    """How to reach the mail server, and who the reminders come from."""

    host: str
    port: int
    sender: str
    user: str = ""
    password: str = ""
    security: str = "starttls"


@dataclass(frozen=True)
class Reminders:
    """What :func:`remind` did: mails sent, organisations that have not answered and have no
    address, mails the server refused; with ``dry_run``, ``sent`` counts the mails it would send."""

    sent: int
    no_address: int
    failed: int
    dry_run: bool


def save_settings(folder: Path, settings: MailSettings) -> Path:
    """Check ``settings`` and keep them in ``folder``'s ``mail.json`` (0600); returns the file."""
    from carenet_graph.survey.backup import write_private
    from carenet_graph.survey.project import open_project

    open_project(folder)
    if settings.security not in SECURITY:
        raise OptionError("unknown connection security", hint="Use --starttls, --ssl or --plain.",
                          key="survey.mail_security", values={})
    _, address = parseaddr(settings.sender)
    if "@" not in address or any(c in settings.sender for c in "\r\n"):
        raise OptionError("the sender is not an e-mail address",
                          hint='Write it as --from "Netzwerk <netzwerk@example.org>" or --from netzwerk@example.org.',
                          key="survey.mail_sender", values={})
    path = folder / MAIL_FILE
    write_private(path, (json.dumps(asdict(settings), ensure_ascii=False, indent=2, sort_keys=True) + "\n")
                  .encode("utf-8"))
    from carenet_graph.survey.models import AuditEvent

    AuditEvent.objects.create(actor="coordinator", action="mail_settings",
                              details={"security": settings.security, "login": bool(settings.user)})
    return path


def load_settings(folder: Path) -> MailSettings:
    """The settings :func:`save_settings` kept; a plain error when mail is not set up."""
    try:
        data = json.loads((folder / MAIL_FILE).read_text(encoding="utf-8"))
        return MailSettings(**{k: data[k] for k in ("host", "port", "sender", "user", "password", "security")})
    except (OSError, ValueError, KeyError, TypeError):
        raise OptionError("mail is not set up for this project",
                          hint="Set it up with: carenet survey mail -p FOLDER --host SERVER --user NAME --from ADDRESS",
                          key="survey.mail_not_set_up", values={}) from None


def _mail_failed(exc: BaseException) -> OutputError:
    # The class of the error only: the server's reply can quote the account or an address.
    reason = type(exc).__name__
    return OutputError(f"the mail server could not be reached or refused the login ({reason})",
                       hint="Check --host, --port, --user, the password and --starttls/--ssl with: "
                            "carenet survey mail -p FOLDER ...",
                       key="survey.mail_failed", values={"reason": reason})


def remind(folder: Path, *, base_url: str | None = None, lang: str | None = None, deadline: date | None = None,
           contact: str = "", dry_run: bool = False) -> Reminders:
    """Send each organisation that has not answered and has an address a reminder with a new link.

    Parameters
    ----------
    folder:
        The project, with mail set up (:func:`save_settings`).
    base_url:
        Where respondents reach the server (default: the address of the last ``survey invite``).
    lang:
        The mails' language (default: the project's).
    deadline, contact:
        Said in the mail when given, as in the letters.
    dry_run:
        Count only: no link is made, nothing is sent.
    """
    from carenet_graph.survey.project import DEFAULT_BASE_URL, last_base_url, not_answered, open_project

    open_project(folder)
    settings = load_settings(folder)
    from carenet_graph.locale import Locale
    from carenet_graph.survey.models import AuditEvent, Project

    project = Project.objects.first()
    if project is not None and project.closed is not None:
        raise OptionError("the round is closed, so a reminder would lead to a closed survey",
                          hint="Reminders are for an open round; export the answers with: "
                               "carenet survey export -p FOLDER -o WAVE",
                          key="survey.round_closed", values={})
    loc = Locale(lang or (project.lang if project else "en"))
    waiting = not_answered()
    addressed = [o for o in waiting if o.email]
    if dry_run:
        return Reminders(sent=len(addressed), no_address=len(waiting) - len(addressed), failed=0, dry_run=True)
    base = base_url or last_base_url() or DEFAULT_BASE_URL
    network = " ".join((project.name if project else "").split()) or loc.t("letters_network_unnamed")
    sent = failed = 0
    connection = _connection(settings) if addressed else None
    try:
        for organisation in addressed:
            if _send_one(organisation, connection, settings, loc, base, network, deadline, contact):
                sent += 1
            else:
                failed += 1
    finally:
        if connection is not None:
            connection.close()
    AuditEvent.objects.create(actor="coordinator", action="remind",
                              details={"sent": sent, "no_address": len(waiting) - len(addressed), "failed": failed})
    return Reminders(sent=sent, no_address=len(waiting) - len(addressed), failed=failed, dry_run=False)


def _connection(settings: MailSettings) -> BaseEmailBackend:
    """An open SMTP connection (Django's backend, configured here rather than in the settings)."""
    from django.core.mail import get_connection

    connection = get_connection(backend="django.core.mail.backends.smtp.EmailBackend", host=settings.host,
                                port=settings.port, username=settings.user or None,
                                password=settings.password or None, use_tls=settings.security == "starttls",
                                use_ssl=settings.security == "ssl", timeout=TIMEOUT, fail_silently=False)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as exc:
        raise _mail_failed(exc) from None
    return connection


def _send_one(organisation: Organisation, connection: BaseEmailBackend | None, settings: MailSettings, loc: Locale,
              base: str, network: str, deadline: date | None, contact: str) -> bool:
    """Make a new link for ``organisation`` and mail it; the link is kept only if the mail went out."""
    from django.core.mail import EmailMessage
    from django.db import transaction

    from carenet_graph.survey.models import AuditEvent
    from carenet_graph.survey.project import add_link

    try:
        with transaction.atomic():
            link = add_link(organisation, base)
            accepted = EmailMessage(subject=loc.t("letters_mail_subject", network=network),
                                    body=reminder_text(loc, organisation.name, network, link, deadline, contact),
                                    from_email=settings.sender, to=[organisation.email], connection=connection).send()
            if not accepted:
                raise smtplib.SMTPException("not sent")  # undoes the link
            AuditEvent.objects.create(actor="coordinator", action="reminder", organisation=organisation,
                                      details={"by": "mail"})
    # A refused address or a header with a line break (BadHeaderError is a ValueError): this
    # organisation's mail fails, the others are still sent.
    except (OSError, smtplib.SMTPException, ValueError):
        return False
    return True


def reminder_text(loc: Locale, organisation: str, network: str, link: str, deadline: date | None,
                  contact: str) -> str:
    """The reminder's plain text: the letter's words, with the new link on a line of its own."""
    from babel.dates import format_date

    t = loc.t
    parts = [t("letters_greeting"), t("letters_mail_intro", organisation=organisation),
             f"{t('letters_mail_link')}\n{link}", t("letters_change")]
    if deadline is not None:
        parts.append(t("letters_deadline", deadline=str(format_date(deadline, "long", locale=loc.lang))))
    parts.append(t("letters_personal", organisation=organisation))
    if contact.strip():
        parts.append(t("letters_contact", contact=contact.strip()))
    parts += [t("letters_thanks"), f"{t('letters_regards')}\n{network}",
              "-- \n" + t("letters_privacy", network=network)]
    return "\n\n".join(parts) + "\n"
