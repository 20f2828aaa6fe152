"""The survey server's addresses: ``/a/<token>/…`` for respondents, ``/coordinator/…`` for the
coordinator (login required), ``/static/…`` for the package's stylesheet and script."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path

from carenet_graph.survey import coordinator, letters, pages, respondent


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect("/coordinator/")


urlpatterns = [
    path("", home),
    path("static/<str:name>", pages.static_file),
    path("a/<str:token>/", respondent.start),
    path("a/<str:token>/partners/", respondent.partners),
    path("a/<str:token>/search/", respondent.search),
    path("a/<str:token>/details/", respondent.details),
    path("a/<str:token>/done/", respondent.done),
    path("a/<str:token>/answers.json", respondent.download),
    path("a/<str:token>/delete/", respondent.delete),
    path("coordinator/login/<str:token>/", coordinator.login_link),
    path("coordinator/login/", coordinator.login),
    path("coordinator/logout/", coordinator.logout),
    path("coordinator/", coordinator.dashboard),
    path("coordinator/reminders.csv", coordinator.reminders),
    path("coordinator/added/", coordinator.added),
    path("coordinator/live/map/", coordinator.live_map),
    path("coordinator/live/report/", coordinator.live_report),
    path("coordinator/workshop/", coordinator.workshop),
    path("coordinator/workshop/state.json", coordinator.workshop_state),
    path("coordinator/organisation/<str:actor_id>/", coordinator.organisation),
    path("coordinator/letters/", letters.letters_page),
]

handler404 = "carenet_graph.survey.pages.not_found"
