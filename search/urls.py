from django.urls import path

from search import views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("motions/<slug:slug>/similar/", views.similar_claims, name="similar_claims"),
]
