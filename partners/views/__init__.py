"""The partners app's pages, one module per area: enterprises, events, reports, colleagues."""
