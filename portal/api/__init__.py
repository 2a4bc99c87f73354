"""The REST API's shared machinery (the lowest layer): API keys and their authentication, scopes,
the per-key rate limit, RFC 9457 problem details, cursor pagination and the OpenAPI schema.
Each app serves its own endpoints from its `api/` package (partners/api/, awards/api/); the
project's URLs put them under /api/v1/ (portal/urls.py). docs/api.md is the developers' guide."""
