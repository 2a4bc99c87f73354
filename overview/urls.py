from django.urls import path

from overview import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
    path("my-enterprise/", views.my_enterprise, name="my-enterprise"),
]
