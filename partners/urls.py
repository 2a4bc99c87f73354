from django.urls import path

from partners import colleague_views, report_views, views

app_name = "partners"

urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprise-list"),
    path("enterprises/new/", views.enterprise_create, name="enterprise-create"),
    path("enterprises/<int:pk>/edit/", views.enterprise_update, name="enterprise-update"),
    path(
        "enterprises/<int:pk>/concerns/new/",
        views.enforcement_flag_create,
        name="enforcement-flag-create",
    ),
    path("concerns/<int:pk>/clear/", views.enforcement_flag_clear, name="enforcement-flag-clear"),
    path("events/", views.event_list, name="event-list"),
    path("events/export/", views.event_export, name="event-export"),
    path("events/new/", views.event_create, name="event-create"),
    path("events/import/", views.event_import, name="event-import"),
    path(
        "events/import/template.csv",
        views.import_template,
        {"fmt": "csv"},
        name="import-template-csv",
    ),
    path(
        "events/import/template.xlsx",
        views.import_template,
        {"fmt": "xlsx"},
        name="import-template-xlsx",
    ),
    path("events/<int:pk>/", views.event_detail, name="event-detail"),
    path("events/<int:pk>/edit/", views.event_update, name="event-update"),
    path("events/<int:pk>/submit/", views.event_submit, name="event-submit"),
    path("events/<int:pk>/verify/", views.event_verify, name="event-verify"),
    path("events/<int:pk>/return/", views.event_return, name="event-return"),
    path("events/<int:pk>/withdraw/", views.event_withdraw, name="event-withdraw"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
]

# Reports from partners (partners/report_views.py): the partner's side, then the officers'.
urlpatterns += [
    path("my-reports/", report_views.my_report_list, name="my-reports"),
    path("my-reports/new/", report_views.report_submit, name="report-submit"),
    path("my-reports/<int:pk>/", report_views.my_report_detail, name="my-report-detail"),
    path("reports/", report_views.report_queue, name="report-queue"),
    path("reports/<int:pk>/", report_views.report_detail, name="report-detail"),
    path("reports/<int:pk>/review/", report_views.report_review, name="report-review"),
    path("reports/<int:pk>/note/", report_views.report_note, name="report-note"),
    path("reports/<int:pk>/convert/", report_views.report_convert, name="report-convert"),
    path("reports/<int:pk>/close/", report_views.report_close, name="report-close"),
    path(
        "reports/attachments/<int:pk>/",
        report_views.report_attachment,
        name="report-attachment",
    ),
]

# Colleagues (partners/colleague_views.py): an enterprise's managers invite and deactivate its
# users; the invitation link needs no login.
urlpatterns += [
    path("my-enterprise/colleagues/", colleague_views.colleague_list, name="colleagues"),
    path(
        "my-enterprise/colleagues/invite/",
        colleague_views.colleague_invite,
        name="colleague-invite",
    ),
    path(
        "my-enterprise/colleagues/<int:pk>/deactivate/",
        colleague_views.colleague_deactivate,
        name="colleague-deactivate",
    ),
    path(
        "my-enterprise/colleagues/<int:pk>/reactivate/",
        colleague_views.colleague_reactivate,
        name="colleague-reactivate",
    ),
    path(
        "my-enterprise/colleagues/<int:pk>/manager/",
        colleague_views.colleague_manager,
        name="colleague-manager",
    ),
    path(
        "my-enterprise/invitations/<int:pk>/revoke/",
        colleague_views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("invitations/<str:token>/", colleague_views.invitation_accept, name="invitation-accept"),
]
