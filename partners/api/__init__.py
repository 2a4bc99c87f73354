"""The partners app's API endpoints (portal/api/ holds the shared machinery; docs/api.md)."""
