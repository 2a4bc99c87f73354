"""Every write to the award cycles, one module per area: cycles, nominations, panel, decisions.
Each function is audited and runs in a transaction."""
