"""Date formats of the portal's two languages (settings.FORMAT_MODULE_PATH).

Only the display formats are set here; everything else (input formats, number separators) is
Django's own for the locale."""
