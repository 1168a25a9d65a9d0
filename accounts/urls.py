from django.urls import path

import config.converters  # noqa: F401  (registers <id:…>, the database id in range)
from accounts import views

urlpatterns = [
    path("<id:pk>/", views.profile, name="profile"),
    path("me/", views.own_profile, name="own_profile"),
    path("me/edit/", views.profile_edit, name="profile_edit"),
    path("me/delete/", views.delete_account, name="delete_account"),
]
