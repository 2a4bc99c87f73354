"""Two-factor login (django-otp): an authenticator app's TOTP codes and single-use recovery
codes. Who is asked and when (`policy`), the writes (`services`), the login's steps and the
pages (`views`). The setting STAFF_2FA decides: required, optional or off (README)."""
