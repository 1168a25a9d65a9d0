from django.urls import path

from analysis import views

urlpatterns = [
    path("motions/<slug:slug>/analysis/", views.analysis_page, name="analysis"),
    path("motions/<slug:slug>/analysis.json", views.analysis_json, name="analysis_json"),
    path("motions/<slug:slug>/analysis.csv", views.analysis_csv, name="analysis_csv"),
]
