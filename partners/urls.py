from django.urls import path

from partners.views import api_keys, colleagues, enterprises, events, manifests, reports

app_name = "partners"

urlpatterns = [
    path("enterprises/", enterprises.enterprise_list, name="enterprise-list"),
    path("enterprises/new/", enterprises.enterprise_create, name="enterprise-create"),
    path("enterprises/<int:pk>/edit/", enterprises.enterprise_update, name="enterprise-update"),
    path(
        "enterprises/<int:pk>/concerns/new/",
        enterprises.enforcement_flag_create,
        name="enforcement-flag-create",
    ),
    path(
        "concerns/<int:pk>/clear/",
        enterprises.enforcement_flag_clear,
        name="enforcement-flag-clear",
    ),
    path("events/", events.event_list, name="event-list"),
    path("events/export/", events.event_export, name="event-export"),
    path("events/new/", events.event_create, name="event-create"),
    path("events/import/", events.event_import, name="event-import"),
    path(
        "events/import/template.csv",
        events.import_template,
        {"fmt": "csv"},
        name="import-template-csv",
    ),
    path(
        "events/import/template.xlsx",
        events.import_template,
        {"fmt": "xlsx"},
        name="import-template-xlsx",
    ),
    path("events/<int:pk>/", events.event_detail, name="event-detail"),
    path("events/<int:pk>/edit/", events.event_update, name="event-update"),
    path("events/<int:pk>/submit/", events.event_submit, name="event-submit"),
    path("events/<int:pk>/verify/", events.event_verify, name="event-verify"),
    path("events/<int:pk>/return/", events.event_return, name="event-return"),
    path("events/<int:pk>/withdraw/", events.event_withdraw, name="event-withdraw"),
    path("evidence/<int:pk>/", events.evidence_download, name="evidence-download"),
    path("evidence/<int:pk>/preview.png", events.evidence_preview, name="evidence-preview"),
]

# Reports from partners (partners/views/reports.py): the partner's side, then the officers'.
urlpatterns += [
    path("my-reports/", reports.my_report_list, name="my-reports"),
    path("my-reports/new/", reports.report_submit, name="report-submit"),
    path("my-reports/<int:pk>/", reports.my_report_detail, name="my-report-detail"),
    path("reports/", reports.report_queue, name="report-queue"),
    # Manifests (partners/views/manifests.py): customs staff only.
    path("manifests/", manifests.manifest_list, name="manifest-list"),
    path("manifests/import/", manifests.manifest_import_view, name="manifest-import"),
    path(
        "manifests/import/template.csv",
        manifests.manifest_template,
        {"fmt": "csv"},
        name="manifest-template-csv",
    ),
    path(
        "manifests/import/template.xlsx",
        manifests.manifest_template,
        {"fmt": "xlsx"},
        name="manifest-template-xlsx",
    ),
    path("manifests/<int:pk>/", manifests.manifest_detail, name="manifest-detail"),
    path("reports/<int:pk>/", reports.report_detail, name="report-detail"),
    path("reports/<int:pk>/review/", reports.report_review, name="report-review"),
    path("reports/<int:pk>/note/", reports.report_note, name="report-note"),
    path("reports/<int:pk>/convert/", reports.report_convert, name="report-convert"),
    path("reports/<int:pk>/close/", reports.report_close, name="report-close"),
    path(
        "reports/attachments/<int:pk>/",
        reports.report_attachment,
        name="report-attachment",
    ),
]

# Colleagues (partners/views/colleagues.py): an enterprise's managers invite and deactivate its
# users; the invitation link needs no login.
urlpatterns += [
    # API keys (partners/views/api_keys.py): an enterprise's managers make keys for its systems.
    path("my-enterprise/api-keys/", api_keys.api_key_list, name="api-keys"),
    path("my-enterprise/api-keys/new/", api_keys.api_key_create, name="api-key-create"),
    path("my-enterprise/api-keys/<int:pk>/revoke/", api_keys.api_key_revoke, name="api-key-revoke"),
    path("my-enterprise/colleagues/", colleagues.colleague_list, name="colleagues"),
    path(
        "my-enterprise/colleagues/two-factor/",
        colleagues.colleague_two_factor,
        name="colleague-two-factor",
    ),
    path(
        "my-enterprise/colleagues/invite/",
        colleagues.colleague_invite,
        name="colleague-invite",
    ),
    path(
        "my-enterprise/colleagues/<int:pk>/deactivate/",
        colleagues.colleague_deactivate,
        name="colleague-deactivate",
    ),
    path(
        "my-enterprise/colleagues/<int:pk>/reactivate/",
        colleagues.colleague_reactivate,
        name="colleague-reactivate",
    ),
    path(
        "my-enterprise/colleagues/<int:pk>/manager/",
        colleagues.colleague_manager,
        name="colleague-manager",
    ),
    path(
        "my-enterprise/invitations/<int:pk>/revoke/",
        colleagues.invitation_revoke,
        name="invitation-revoke",
    ),
    # The form's own address holds no token (kept in the session by the link's view).
    path("invitations/accept/", colleagues.invitation_accept, name="invitation-form"),
    path("invitations/<str:token>/", colleagues.invitation_open, name="invitation-accept"),
]
