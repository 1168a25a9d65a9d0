from django.urls import path

import config.converters  # noqa: F401  (registers <id:…>, the database id in range)
from notifications import views

urlpatterns = [
    path("", views.inbox, name="notifications"),
    path("read/", views.mark_all_read, name="notifications_read"),
    path("settings/", views.settings_page, name="notification_settings"),
    path("<id:pk>/", views.open_notification, name="notification_open"),
    path("<id:pk>/read/", views.mark_read, name="notification_read"),
    path("follow/<str:kind>/<id:pk>/", views.follow, name="follow"),
    # The signed token rides in the query: one address for the link, the button and the mail
    # reader's one-click POST.
    path("unsubscribe/", views.unsubscribe, name="unsubscribe"),
]
