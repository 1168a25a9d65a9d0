from django.urls import path

from debates import views

urlpatterns = [
    path("", views.home, name="home"),
    path("motions/<slug:slug>/", views.motion_detail, name="motion"),
    path("motions/<slug:slug>/arguments/<int:pk>/", views.argument_detail, name="argument"),
]
