"""The demo: its data files (data/) and everything that loads them.

Installed only when DEBUG is on or DEMO=true (portal/settings.py); its commands refuse to run
otherwise. Nothing under portal/, partners/ or awards/ knows it exists.
"""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
