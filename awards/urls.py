from django.urls import path

from awards import views

app_name = "awards"

urlpatterns = [
    path("panel/", views.panel_home, name="panel-home"),
]
