"""Every write to the cooperation record, one module per area: enterprises (and the concerns
raised about them), events, imports, reports from partners, colleagues, checked uploads. Each
function requires its rule (partners/rules.py), runs in a transaction and is audited."""
