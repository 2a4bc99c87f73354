"""Reads of the award cycles that cross relations or put the scoring rules and the database
aggregates together, one module per page or question: scores (the one computation of every
score), ranking (live and frozen, what-if, normalisation), standing (what a partner may know),
history (an enterprise across cycles), dossier, eligibility, progress (the panel's work) and
panel_home (a member's own work)."""
