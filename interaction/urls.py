from django.urls import path

from . import feeds, views

app_name = "interaction"
urlpatterns = [
    path("interact/", views.index, name="index"),
    path("interact/ask/", views.ask, name="ask"),
    path("interact/ask/receipt/", views.receipt, name="receipt"),
    path("interact/track/", views.track, name="track"),
    path("interact/messages/", views.messages, name="messages"),
    path("interact/messages/<int:pk>/", views.message_detail, name="message"),
    path("interact/consultations/", views.consultation_list, name="consultations"),
    path("interact/consultations/<int:pk>/", views.consultation_detail, name="consultation"),
    path("interact/stats/", views.stats_page, name="stats"),
    path("feeds/interact/consultations/", feeds.ConsultationFeed(), name="feed_consultations"),
    path("feeds/interact/replies/", feeds.ReplyFeed(), name="feed_replies"),
]
