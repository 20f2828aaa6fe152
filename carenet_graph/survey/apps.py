"""Django's view of the survey package."""

from __future__ import annotations

from django.apps import AppConfig


class SurveyConfig(AppConfig):
    name = "carenet_graph.survey"
    label = "carenet_survey"
    verbose_name = "carenet-graph survey"
    default_auto_field = "django.db.models.BigAutoField"
