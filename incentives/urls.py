"""URLs of the public policy library and the eligibility check."""
from django.urls import path, register_converter

from . import check_views, views


class VersionConverter:
    """A version number: 1, 2, ... (v0 or v01 is no version, so a 404, not the current one)."""

    regex = "[1-9][0-9]{0,8}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(VersionConverter, "version")

app_name = "incentives"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("policies/", views.DocumentListView.as_view(), name="document_list"),
    path("policies/<slug:key>/", views.DocumentDetailView.as_view(), name="document_detail"),
    path("policies/<slug:key>/v<version:version>/", views.DocumentDetailView.as_view(), name="document_version"),
    path("policies/<slug:document>/incentives/<slug:key>/", views.IncentiveDetailView.as_view(),
         name="incentive_detail"),
    path("policies/<slug:document>/v<version:version>/incentives/<slug:key>/", views.IncentiveDetailView.as_view(),
         name="incentive_version"),
    path("check/", check_views.CheckStartView.as_view(), name="check_start"),
    path("check/topics/", check_views.CheckTopicsView.as_view(), name="check_topics"),
    path("check/step/", check_views.CheckStepView.as_view(), name="check_step"),
    path("check/answers/<slug:key>/", check_views.CheckAnswerView.as_view(), name="check_answer"),
    path("check/restart/", check_views.CheckRestartView.as_view(), name="check_restart"),
    path("check/results/", check_views.CheckResultsView.as_view(), name="check_results"),
    path("check/compare/", check_views.CompareView.as_view(), name="check_compare"),
]
