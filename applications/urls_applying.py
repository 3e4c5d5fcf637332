"""URLs of rounds and of the enterprise's applications."""
from django.urls import path

from .views import applying as views

app_name = "applying"

urlpatterns = [
    path("rounds/", views.RoundListView.as_view(), name="round_list"),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("rounds/<int:round_pk>/apply/<int:incentive_pk>/", views.ApplicationStartView.as_view(),
         name="application_start"),
    path("applications/", views.ApplicationListView.as_view(), name="application_list"),
    path("applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application_detail"),
    path("applications/<int:pk>/edit/<slug:step>/", views.ApplicationStepView.as_view(), name="application_step"),
    path("applications/<int:pk>/attachments/next/", views.AttachmentsNextView.as_view(), name="attachments_next"),
    path("applications/<int:pk>/attachments/<int:attachment_pk>/", views.AttachmentDownloadView.as_view(),
         name="attachment_download"),
    path("applications/<int:pk>/attachments/<int:attachment_pk>/remove/", views.AttachmentRemoveView.as_view(),
         name="attachment_remove"),
    path("applications/<int:pk>/withdraw/", views.ApplicationWithdrawView.as_view(), name="application_withdraw"),
    path("applications/<int:pk>/pdf/<int:revision>/", views.PdfDownloadView.as_view(), name="application_pdf"),
]
