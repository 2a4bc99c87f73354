from django.urls import path

from awards.views import ceremony, certificates, cycles, nominations, panel, ranking

app_name = "awards"

# Cycles and criteria (awards/views/cycles.py)
cycle_urls = [
    path("cycles/", cycles.cycle_list, name="cycle-list"),
    path("cycles/new/", cycles.cycle_create, name="cycle-create"),
    path("cycles/<int:year>/", cycles.cycle_detail, name="cycle-detail"),
    path("cycles/<int:year>/edit/", cycles.cycle_update, name="cycle-update"),
    path("cycles/<int:year>/advance/", cycles.cycle_advance, name="cycle-advance"),
    path("cycles/<int:year>/reopen/", cycles.cycle_reopen, name="cycle-reopen"),
]

# Nominations, eligibility and dossiers (awards/views/nominations.py)
nomination_urls = [
    path(
        "cycles/<int:year>/nominations/",
        nominations.nomination_list,
        name="nomination-list",
    ),
    path(
        "cycles/<int:year>/nominations/new/",
        nominations.nomination_create,
        name="nomination-create",
    ),
    path(
        "cycles/<int:year>/nominations/bulk/",
        nominations.nomination_bulk,
        name="nomination-bulk",
    ),
    path("cycles/<int:year>/nominations/<int:pk>/", nominations.dossier, name="dossier"),
    path(
        "cycles/<int:year>/nominations/<int:pk>/withdraw/",
        nominations.nomination_withdraw,
        name="nomination-withdraw",
    ),
]

# Panel review (awards/views/panel.py)
panel_urls = [
    path("panel/", panel.panel_home, name="panel-home"),
    path("panel/<int:year>/nominees/<int:pk>/", panel.panel_nominee, name="panel-nominee"),
    path(
        "panel/<int:year>/nominees/<int:pk>/declare/",
        panel.panel_declare,
        name="panel-declare",
    ),
    path("panel/<int:year>/nominees/<int:pk>/review/", panel.panel_review, name="panel-review"),
    path("cycles/<int:year>/panel/", panel.panel_progress, name="panel-progress"),
    path("cycles/<int:year>/panel/assign/", panel.panel_assign, name="panel-assign"),
    path(
        "cycles/<int:year>/panel/alternates/",
        panel.panel_alternate_add,
        name="panel-alternate-add",
    ),
    path(
        "cycles/<int:year>/panel/alternates/<int:pk>/remove/",
        panel.panel_alternate_remove,
        name="panel-alternate-remove",
    ),
    path(
        "cycles/<int:year>/panel/reviews.xlsx",
        panel.panel_reviews_export,
        name="panel-reviews-export",
    ),
]

# Ranking, decisions, finalisation and publication (awards/views/ranking.py)
ranking_urls = [
    path("cycles/<int:year>/ranking/", ranking.ranking_detail, name="ranking-detail"),
    path("cycles/<int:year>/ranking/what-if/", ranking.ranking_what_if, name="ranking-what-if"),
    path(
        "cycles/<int:year>/ranking/normalised/",
        ranking.ranking_normalised,
        name="ranking-normalised",
    ),
    path("cycles/<int:year>/ranking/export/", ranking.ranking_export, name="ranking-export"),
    path("cycles/<int:year>/decisions/", ranking.decision_list, name="decision-list"),
    path("cycles/<int:year>/decisions/<int:pk>/", ranking.decision_update, name="decision-update"),
    path(
        "cycles/<int:year>/decisions/apply-suggestion/",
        ranking.decision_apply_suggestion,
        name="decision-apply-suggestion",
    ),
    path("cycles/<int:year>/finalise/", ranking.cycle_finalise, name="cycle-finalise"),
    path("cycles/<int:year>/publish/", ranking.cycle_publish, name="cycle-publish"),
]

# Certificates: the Secretariat's pages and the partners' downloads
# (awards/views/certificates.py). The public verification pages live at the root, /verify/
# (portal/urls.py).
certificate_urls = [
    path("cycles/<int:year>/certificates/", certificates.certificate_list, name="certificate-list"),
    path(
        "cycles/<int:year>/certificates/generate/",
        certificates.certificate_generate,
        name="certificate-generate",
    ),
    path(
        "cycles/<int:year>/certificates/runs/<int:pk>/",
        certificates.certificate_run,
        name="certificate-run",
    ),
    path(
        "cycles/<int:year>/certificates/all.zip",
        certificates.certificate_zip,
        name="certificate-zip",
    ),
    path(
        "certificates/<int:pk>/revoke/",
        certificates.certificate_revoke,
        name="certificate-revoke",
    ),
    path(
        "certificates/<int:pk>/reissue/",
        certificates.certificate_reissue,
        name="certificate-reissue",
    ),
    path(
        "certificates/<int:pk>/download/",
        certificates.certificate_download,
        name="certificate-download",
    ),
    path("my-certificates/", certificates.my_certificates, name="my-certificates"),
]

# The ceremony's running order and its run sheet (awards/views/ceremony.py)
ceremony_urls = [
    path("cycles/<int:year>/ceremony/", ceremony.ceremony_list, name="ceremony-list"),
    path("cycles/<int:year>/ceremony/reset/", ceremony.ceremony_reset, name="ceremony-reset"),
    path("cycles/<int:year>/ceremony/date/", ceremony.ceremony_date, name="ceremony-date"),
    path(
        "cycles/<int:year>/ceremony/download/",
        ceremony.ceremony_download,
        name="ceremony-download",
    ),
    # <pk>: the awardee's frozen result, which identifies it before the list is saved.
    path("cycles/<int:year>/ceremony/<int:pk>/move/", ceremony.ceremony_move, name="ceremony-move"),
    path(
        "cycles/<int:year>/ceremony/<int:pk>/edit/",
        ceremony.ceremony_entry_update,
        name="ceremony-entry-update",
    ),
]

urlpatterns = [
    *cycle_urls,
    *nomination_urls,
    *panel_urls,
    *ranking_urls,
    *certificate_urls,
    *ceremony_urls,
]
