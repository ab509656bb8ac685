from django.urls import path

from . import views

app_name = "info_requests"
urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/receipt/", views.receipt, name="receipt"),
    path("apply/form.docx", views.paper_form, name="paper_form"),
    path("apply/track/", views.track, name="track"),
    path("apply/track/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("apply/track/<int:pk>/edit/", views.edit, name="edit"),
    path("apply/track/attachments/<int:pk>/", views.attachment, name="attachment"),
    path("media/requests/<path:path>", views.stored_reply_file, name="stored_reply_file"),
]
