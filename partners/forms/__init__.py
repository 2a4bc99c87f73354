"""The partners app's forms, one module per area: enterprises, events, reports, colleagues."""
