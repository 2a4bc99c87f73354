from django.urls import path

from portal.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_list, name="endpoint-list"),
    path("new/", views.endpoint_create, name="endpoint-create"),
    path("<int:pk>/", views.endpoint_detail, name="endpoint-detail"),
    path("<int:pk>/test/", views.endpoint_test, name="endpoint-test"),
    path("<int:pk>/resume/", views.endpoint_resume, name="endpoint-resume"),
    path("<int:pk>/secret/", views.endpoint_secret, name="endpoint-secret"),
    path("<int:pk>/delete/", views.endpoint_delete, name="endpoint-delete"),
]
