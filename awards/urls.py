from django.urls import path

from awards.views import panel

app_name = "awards"

# Cycles and criteria (awards/views/cycles.py)
cycle_urls = []

# Nominations, eligibility and dossiers (awards/views/nominations.py)
nomination_urls = []

# Panel review (awards/views/panel.py)
panel_urls = [
    path("panel/", panel.panel_home, name="panel-home"),
]

# Ranking, decisions, finalisation and publication (awards/views/ranking.py)
ranking_urls = []

urlpatterns = [*cycle_urls, *nomination_urls, *panel_urls, *ranking_urls]
