"""The main pages on one dataset, through Django's whole request handler and middleware.

    python -m bench.pages --output PATH (--runs 5 | --serve)   (a child of `python -m bench`)

Run with DJANGO_SETTINGS_MODULE=bench.settings (the portal's URLs plus the bare page of
bench/urls.py) and DEBUG off, against the database of DATABASE_URL. Each page is requested with
Django's test client (`Client.get`, the whole handler: middleware, view, templates), signed in
with `force_login` as the demo user who would open it.

1. The pages' addresses are found in the data: the current cycle (the latest not finalised),
   the enterprise with the most events, the nominee of the current cycle with the most verified
   events in the window (the heaviest dossier), the demo user with the most notifications.
2. A warm-up round requests every page once inside CaptureQueriesContext: the query count
   (and the status, which must be 200, and the size of the HTML).
3. Timed rounds request every page once each, in turn, so that all pages and the bare page
   share the same moments of a noisy machine; the median of a page's rounds is its time.
   `--runs N`: N rounds. `--serve`: one round each time the parent asks (a line on standard
   input), so that `python -m bench` alternates the rounds of the large and the small dataset's
   children and their ratios, too, compare moments of the same load.

Writes the figures as JSON to PATH.
"""

import argparse
import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from awards.models import Cycle, Nomination  # noqa: E402
from portal.models import Notification  # noqa: E402

# The demo's user names (seeds/users.py), which the generator creates too.
DEMO_USERS = ["officer", "verifier", "secretariat", "panel1", "partner1"]


@dataclass
class Page:
    key: str
    label: str
    username: str
    url: str
    status: int = 0
    bytes: int = 0
    queries: int = 0
    runs_ms: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.runs_ms)


def _one(sql: str, params=()) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def discover() -> dict:
    """The objects the pages are about, found in the data (see the module's docstring)."""
    cycle = (
        Cycle.objects.exclude(status__in=Cycle.FROZEN_STATUSES).order_by("-year").first()
        or Cycle.objects.order_by("-year").first()
    )
    enterprise_id, enterprise_events = _one(
        "SELECT enterprise_id, count(*) FROM partners_cooperationevent "
        "GROUP BY enterprise_id ORDER BY count(*) DESC, enterprise_id LIMIT 1"
    )
    enterprise_name = _one("SELECT name_en FROM partners_enterprise WHERE id = %s", [enterprise_id])
    nomination_id, nominee_events = _one(
        "SELECT n.id, count(e.id) FROM awards_nomination n "
        "LEFT JOIN partners_cooperationevent e ON e.enterprise_id = n.enterprise_id "
        " AND e.status = 'verified' AND e.occurred_on BETWEEN %s AND %s "
        "WHERE n.cycle_id = %s AND n.status = %s "
        "GROUP BY n.id ORDER BY count(e.id) DESC, n.id LIMIT 1",
        [cycle.window_start, cycle.window_end, cycle.pk, Nomination.Status.ACTIVE],
    )
    users = get_user_model().objects.filter(username__in=DEMO_USERS + ["secretariat2", "officer2"])
    notified = (
        Notification.objects.filter(recipient__in=users)
        .values_list("recipient__username")
        .order_by()
    )
    counts = {}
    for (username,) in notified:
        counts[username] = counts.get(username, 0) + 1
    reader = max(counts, key=lambda name: (counts[name], name)) if counts else "secretariat"
    return {
        "cycle_year": cycle.year,
        "cycle_status": cycle.status,
        "enterprise_id": enterprise_id,
        "enterprise_events": enterprise_events,
        # The search an officer types to find that enterprise's events.
        "search": enterprise_name[0],
        "nomination_id": nomination_id,
        "nominee_verified_events_in_window": nominee_events,
        "notifications_reader": reader,
        "notifications": counts.get(reader, 0),
        "events": _one("SELECT count(*) FROM partners_cooperationevent")[0],
    }


def pages(found: dict) -> list[Page]:
    year, cycle = found["cycle_year"], f"/awards/cycles/{found['cycle_year']}"
    search = found["search"].replace(" ", "+")
    return [
        Page("bare", "bare page (base template)", "officer", "/bench/bare/"),
        # `/` sends a partner to their enterprise's page: that page is the partner's home.
        Page("partner_home", "partner home", "partner1", "/my-enterprise/"),
        Page("decisions", "decisions", "secretariat", f"{cycle}/decisions/"),
        Page("ranking", "ranking", "secretariat", f"{cycle}/ranking/"),
        Page("panel_home", "panel home", "panel1", "/awards/panel/"),
        Page("nominations", f"nominations ({year})", "secretariat", f"{cycle}/nominations/"),
        Page("dashboard_officer", "staff dashboard (officer)", "officer", "/dashboard/"),
        Page(
            "dashboard_secretariat", "staff dashboard (secretariat)", "secretariat", "/dashboard/"
        ),
        Page("event_list", "event list, first page", "officer", "/events/"),
        Page("event_list_200", "event list, page 200", "officer", "/events/?page=200"),
        Page("event_search", "event list, a search", "officer", f"/events/?q={search}"),
        Page(
            "enterprise",
            "enterprise detail (most events)",
            "officer",
            f"/enterprises/{found['enterprise_id']}/",
        ),
        Page(
            "dossier",
            "dossier of a nomination",
            "secretariat",
            f"{cycle}/nominations/{found['nomination_id']}/",
        ),
        Page("notifications", "notifications", found["notifications_reader"], "/notifications/"),
        Page(
            "verifier_queue",
            "verifier's queue",
            "verifier",
            "/events/?status=submitted&ordering=submitted_at",
        ),
    ]


def request(client: Client, page: Page) -> float:
    """One request of `page`, read to the end; its milliseconds."""
    start = time.perf_counter()
    response = client.get(page.url, secure=True)
    if response.streaming:
        page.bytes = sum(len(chunk) for chunk in response.streaming_content)
    else:
        page.bytes = len(response.content)
    elapsed = (time.perf_counter() - start) * 1000
    page.status = response.status_code
    if response.status_code != 200:
        raise SystemExit(f"{page.url} as {page.username}: status {response.status_code}")
    return elapsed


class Session:
    """The pages of this process's dataset, with a signed-in client for each user."""

    def __init__(self):
        self.found = discover()
        self.pages = pages(self.found)
        self.clients = {}
        for username in {page.username for page in self.pages}:
            self.clients[username] = Client()
            self.clients[username].force_login(get_user_model().objects.get(username=username))

    def warm_up(self) -> None:
        """Request every page once, counting its queries."""
        for page in self.pages:
            with CaptureQueriesContext(connection) as queries:
                request(self.clients[page.username], page)
            page.queries = len(queries)

    def round(self) -> None:
        """Request every page once more, timed."""
        for page in self.pages:
            page.runs_ms.append(request(self.clients[page.username], page))

    def figures(self) -> dict:
        return {
            "found": self.found,
            "runs": len(self.pages[0].runs_ms),
            "pages": [{**asdict(page), "median_ms": page.median_ms} for page in self.pages],
        }


def serve(session: Session) -> None:
    """Rounds on request, so that the parent can alternate them with another dataset's child:
    "ready" once warmed up, then one round per line read ("done" after each), until the end
    of the input."""
    session.warm_up()
    print("ready", flush=True)
    for _line in sys.stdin:
        session.round()
        print("done", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", required=True, help="where to write the JSON figures")
    rounds = parser.add_mutually_exclusive_group(required=True)
    rounds.add_argument("--runs", type=int, help="timed rounds after the warm-up")
    rounds.add_argument(
        "--serve", action="store_true", help="a timed round per line read (see serve())"
    )
    options = parser.parse_args()
    session = Session()
    if options.serve:
        serve(session)
    else:
        session.warm_up()
        for _ in range(options.runs):
            session.round()
    with open(options.output, "w") as handle:
        json.dump(session.figures(), handle, indent=1)


if __name__ == "__main__":
    main()
