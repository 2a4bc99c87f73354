"""The portal's settings with the benchmark's URLconf (bench/urls.py): the portal's URLs plus a
bare page. Only the pages' child process (bench/pages.py) uses them."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
