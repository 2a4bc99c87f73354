from django.urls import path

from awards.views import cycles, panel

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
nomination_urls = []

# Panel review (awards/views/panel.py)
panel_urls = [
    path("panel/", panel.panel_home, name="panel-home"),
]

# Ranking, decisions, finalisation and publication (awards/views/ranking.py)
ranking_urls = []

urlpatterns = [*cycle_urls, *nomination_urls, *panel_urls, *ranking_urls]
