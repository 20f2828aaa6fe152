"""What a survey stores: the project, its organisations, their personal links, their answers
and an audit log.

* :class:`Project` – one row: the network's name, the coordinator's language, whether the round
  is closed, which optional questions are on.
* :class:`Organisation` – one actor of the roster (the actors table's columns); organisations a
  respondent adds wait for the coordinator (``confirmed`` False).
* :class:`Invitation` – a personal link: only the SHA-256 of its token is stored (a stolen
  database opens no form), revocable.
* :class:`Response` – one organisation's answer: who answered, whether submitted, "we work with
  nobody else", consent; :class:`TieAnswer` – one partner in the answer being edited (tie
  types, Frey level 0–5, frequency, optional trust and value items); :class:`SubmittedTie` –
  the same as it was last sent. The wave, the live map and the report read only what was sent:
  a respondent changing a sent answer leaves it whole until sending again.
* :class:`PreviousAnswer` – last wave's tie of an organisation (from ``survey init`` on a wave
  folder), offered to its respondent as a starting point.
* :class:`LoginToken` – a one-time coordinator login link printed by ``survey serve`` (hashed,
  expiring).
* :class:`AuditEvent` – every change, by whom (a link's organisation or the coordinator), when.
"""

from __future__ import annotations

from django.db import models


class Project(models.Model):
    name = models.CharField(max_length=300)
    lang = models.CharField(max_length=2, default="en")
    created = models.DateTimeField(auto_now_add=True)
    closed = models.DateTimeField(null=True, blank=True)
    questions = models.JSONField(default=dict, blank=True)


class Organisation(models.Model):
    actor_id = models.CharField(max_length=200, unique=True)
    name = models.CharField(max_length=500)
    type = models.CharField(max_length=100, blank=True)
    sector = models.CharField(max_length=100, blank=True)
    municipality = models.CharField(max_length=200, blank=True)
    region = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=100, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    email = models.CharField(max_length=300, blank=True)
    added_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="suggested")
    confirmed = models.BooleanField(default=True)

    class Meta:
        ordering = ("actor_id",)


class Invitation(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    revoked = models.BooleanField(default=False)
    last_used = models.DateTimeField(null=True, blank=True)


class LoginToken(models.Model):
    token_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    used = models.DateTimeField(null=True, blank=True)


class Response(models.Model):
    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="response")
    respondent = models.CharField(max_length=300, blank=True)
    submitted = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)
    no_other_partners = models.BooleanField(default=False)
    consent = models.DateTimeField(null=True, blank=True)
    lang = models.CharField(max_length=2, blank=True)
    submitted_no_other_partners = models.BooleanField(default=False)


class TieDetails(models.Model):
    """What is said about one partner: tie types, Frey level 0–5, frequency, trust and value items."""

    tie_types = models.JSONField(default=list, blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    frequency = models.CharField(max_length=50, blank=True)
    ratings = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True


class TieAnswer(TieDetails):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="ties")
    partner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="named_by")

    class Meta(TieDetails.Meta):
        constraints = (models.UniqueConstraint(fields=("response", "partner"), name="one_answer_per_partner"),)


class SubmittedTie(TieDetails):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="submitted_ties")
    partner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="submitted_by")

    class Meta(TieDetails.Meta):
        constraints = (models.UniqueConstraint(fields=("response", "partner"), name="one_sent_per_partner"),)


class PreviousAnswer(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="previous")
    partner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="previously_named_by")
    tie_types = models.JSONField(default=list, blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    frequency = models.CharField(max_length=50, blank=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("organisation", "partner"), name="one_previous_per_partner"),)


class AuditEvent(models.Model):
    when = models.DateTimeField(auto_now_add=True)
    actor = models.CharField(max_length=200)
    action = models.CharField(max_length=100)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL)
    details = models.JSONField(default=dict, blank=True)
