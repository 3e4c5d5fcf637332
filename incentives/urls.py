"""URLs of the public policy library and the eligibility check."""
from django.urls import path

from . import check_views, views

app_name = "incentives"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("policies/", views.DocumentListView.as_view(), name="document_list"),
    path("policies/<slug:key>/", views.DocumentDetailView.as_view(), name="document_detail"),
    path("policies/<slug:key>/v<int:version>/", views.DocumentDetailView.as_view(), name="document_version"),
    path("policies/<slug:document>/incentives/<slug:key>/", views.IncentiveDetailView.as_view(),
         name="incentive_detail"),
    path("policies/<slug:document>/v<int:version>/incentives/<slug:key>/", views.IncentiveDetailView.as_view(),
         name="incentive_version"),
    path("check/", check_views.CheckStartView.as_view(), name="check_start"),
    path("check/step/", check_views.CheckStepView.as_view(), name="check_step"),
    path("check/results/", check_views.CheckResultsView.as_view(), name="check_results"),
    path("check/compare/", check_views.CompareView.as_view(), name="check_compare"),
]
