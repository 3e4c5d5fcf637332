"""URLs of the review outside the admin: inbox, 公示 and objections, the bureau dashboard."""
from django.urls import path

from .views import review

app_name = "review"

urlpatterns = [
    path("inbox/", review.InboxView.as_view(), name="inbox"),
    path("inbox/preferences/", review.PreferencesView.as_view(), name="preferences"),
    path("publicity/", review.PublicityListView.as_view(), name="publicity"),
    path("publicity/<int:pk>/objection/", review.ObjectionView.as_view(), name="objection"),
    path("publicity/objection/thanks/", review.ObjectionThanksView.as_view(), name="objection_thanks"),
    path("staff/dashboard/", review.DashboardView.as_view(), name="dashboard"),
    path("staff/rounds/<int:pk>/export.csv", review.RoundExportView.as_view(), name="round_export"),
]
