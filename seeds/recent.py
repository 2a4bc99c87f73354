"""The demo's recent activity: from the day after the demo's present up to the seeding day.

The demo's story stops at its present (seeds/data/cycles.json: late August 2025, the 2025 cycle in
panel review), but the dashboards look back from today: events per month over the last two
years, the verification backlog by age, the days left to the scoring deadline. So `seed_demo`
adds, whatever day it runs:

- cooperation events from the day after the present up to today (Hong Kong date), at about the
  seeds' monthly rate and mix of types and significance, for the active enterprises in
  proportion to their recent cooperation (partner1's terminal among the most active). What
  they say comes from the generator of seeds/data/events.csv (seeds/events_table.py). They go
  through the services like the seeds' events (seed_demo's record_event: the four-eyes rule,
  the reasons that fit), then are back-dated (demo-data shaping, see seeds/cycles.py): events
  older than about three weeks are mostly verified, a few returned or withdrawn; the last weeks
  hold the verifier's backlog (submitted in the last week, and one to four weeks ago) and a few
  of the officer's drafts. The notifications they sent are dated with them; those older than a
  week count as read.
- the work the demo's story left waiting at its present, done in the weeks after it through the
  services and back-dated the same way: the verifier works through the seeds' events still
  submitted (oldest first, one every other day or so from the first working day after
  the present; all verified but two, returned with a reason that fits), and the officer takes
  the reports still received under review, with a note, on that first working day. So the
  verification backlog over 30 days holds only recent events (submitted one to two months ago,
  kept there whatever the draw) and the triage queue only the reports of the last weeks.
- a scoring deadline two weeks ahead for the cycle in review, if it has none or it has passed.

Deterministic apart from the seeding day: each month's events are drawn from a generator seeded
by the month, whatever the window, so a later run only adds the days since the last one (an
event already there, same enterprise, date, type and title, is left as it is). The catch-up's
days are fixed from the present; a run does what is due by the seeding day, and finds nothing
left to do the next time (an event or report is touched only while still waiting since before
the present).
"""

import random
import zlib
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from awards.models import Cycle
from awards.services.cycles import cycle_update
from partners.models import CooperationEvent, Enterprise, PartnerReport, ReportNote
from partners.notifications import Kind as PartnerKind
from partners.services import events as services
from partners.services import reports
from portal.models import AuditEntry, Notification
from seeds import events_table
from seeds.cycles import at_hour, present
from seeds.records import RETURN_REASONS, fitting

Status = CooperationEvent.Status
SEED = "eepa-demo-recent"
# Events a month: about the seeds' rate over the 2025 window (13 a month).
EVENTS_PER_MONTH = (9, 17)
# The seeds' events since this day say who cooperates how much lately.
RECENT_SINCE = "2024-06-01"
SCORING_DEADLINE_AHEAD = timedelta(days=14)
READ_AFTER = timedelta(days=7)  # notifications older than this have been read


def months(first: date, last: date):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + timedelta(days=32)).replace(day=1)


def draw_month(month: date, enterprises: list[Enterprise], weights: list[int]) -> list[dict]:
    """The events of `month`, the same whatever day the demo is seeded. The first falls on the
    1st, by one of the enterprises that cooperate all year round, so every month has some."""
    gen = events_table
    rng = random.Random(f"{SEED}-{month:%Y-%m}")
    writer = gen.Writer(random.Random(f"{SEED}-text-{month:%Y-%m}"))
    length = ((month + timedelta(days=32)).replace(day=1) - month).days
    strong = [e for e in enterprises if e.br_number in gen.STRONG]
    rows, keys = [], set()
    count = rng.randint(*EVENTS_PER_MONTH)
    while len(rows) < count:
        if rows:
            enterprise = rng.choices(enterprises, weights)[0]
            day = month + timedelta(days=rng.randrange(length))
        else:
            enterprise, day = rng.choice(strong), month
        event_type = gen.pick(rng, gen.TYPES_BY_SECTOR[enterprise.sector])
        significance = gen.pick(rng, gen.SIGNIFICANCE_WEIGHTS[event_type])
        text = writer.describe(
            enterprise.br_number, event_type, enterprise.sector, day, significance
        )
        row = {
            "br_number": enterprise.br_number,
            "event_type": event_type,
            "occurred_on": day.isoformat(),
            "significance": significance,
            **text,
            "status": "",
        }
        key = (enterprise.br_number, day, event_type, text["title"])
        if key in keys:
            continue
        gen.check(row)
        keys.add(key)
        rows.append({**row, "enterprise": enterprise, "occurred_on": day})
    return rows


def status_for(rng: random.Random, age: int) -> str:
    """By the days since the event occurred: settled after a few weeks, in the pipeline before."""
    if age < 3:
        weights = {Status.DRAFT: 60, Status.SUBMITTED: 40}
    elif age < 21:
        weights = {
            Status.VERIFIED: 20,
            Status.SUBMITTED: 45,
            Status.DRAFT: 20,
            Status.RETURNED: 10,
            Status.WITHDRAWN: 5,
        }
    elif age < 60:
        weights = {
            Status.VERIFIED: 80,
            Status.SUBMITTED: 12,
            Status.RETURNED: 4,
            Status.WITHDRAWN: 4,
        }
    else:
        weights = {Status.VERIFIED: 94, Status.RETURNED: 2, Status.WITHDRAWN: 4}
    return rng.choices(list(weights), list(weights.values()))[0]


# Days from one step to the next: (fewest, most).
DECISION_DAYS = {Status.VERIFIED: (2, 18), Status.RETURNED: (2, 9), Status.WITHDRAWN: (1, 10)}


def plan(row: dict, today: date) -> dict:
    """The row's status and the days it was logged, submitted and decided."""
    key = f"{row['br_number']}|{row['occurred_on']}|{row['event_type']}|{row['title']}"
    rng = random.Random(f"{SEED}-{key}")
    occurred = row["occurred_on"]
    status = status_for(rng, (today - occurred).days)
    logged = min(occurred + timedelta(days=rng.randint(0, 3)), today)
    submitted = min(logged + timedelta(days=rng.randint(0, 2)), today)
    fewest, most = DECISION_DAYS.get(status, (0, 0))
    decided = min(submitted + timedelta(days=rng.randint(fewest, most)), today)
    return {
        "row": row,
        "status": status,
        "days": [logged, submitted, decided],
        "rng": rng,
        "checksum": zlib.crc32(key.encode()),
    }


# The verifier's backlog kept whatever the draw: (days since the events occurred, fewest and
# most) -> (days since they were submitted, most and fewest), two events each.
OLDER_BACKLOG = {(10, 40): (28, 8), (35, 58): (56, 31)}


def keep_a_backlog(plans: list[dict], today: date) -> None:
    """Whatever the draw, the verifier has events submitted in the last week, one to four
    weeks ago and one to two months ago (the latest three events; the latest two that
    occurred 10 to 40 days ago; the latest two that occurred 35 to 58 days ago, settled after
    two months like the rest), and the officer a few drafts (the next two latest, if less than
    three weeks old)."""
    latest = sorted(plans, key=lambda p: p["row"]["occurred_on"], reverse=True)
    groups, taken = [(latest[:3], (6, 0))], set()
    for (fewest, most), submitted_days in OLDER_BACKLOG.items():
        group = [
            p
            for p in latest[5:]
            if fewest <= (today - p["row"]["occurred_on"]).days <= most and id(p) not in taken
        ][:2]
        taken.update(id(p) for p in group)
        groups.append((group, submitted_days))
    for group, (earliest, last) in groups:
        for p in group:
            p["status"] = Status.SUBMITTED
            logged, submitted, _ = p["days"]
            submitted = min(
                max(submitted, today - timedelta(days=earliest)), today - timedelta(days=last)
            )
            submitted = max(submitted, p["row"]["occurred_on"])
            p["days"] = [min(logged, submitted), submitted, submitted]
    for p in latest[3:5]:
        if (today - p["row"]["occurred_on"]).days < 21:
            p["status"] = Status.DRAFT


# The event's fields taken from the generator's row as they are (the outcome ones converted).
FIELDS = [
    "enterprise",
    "event_type",
    "occurred_on",
    "significance",
    "title",
    "partner_summary",
    "restricted_details",
]


def seed_recent_events(
    seed_rows: list[dict], enterprises: dict, users: dict, record: Callable, *, until: datetime
) -> int:
    """Create the recent events not there yet (module docstring); `seed_rows` are those of
    seeds/data/events.csv, `record` seed_demo's record_event, `until` the moment nothing may be
    dated after. Returns how many were created."""
    today = timezone.localdate(until)
    first = timezone.localdate(present()) + timedelta(days=1)
    if today < first:
        return 0
    # First what the story left waiting at its present, then the new activity.
    catch_up_events(seed_rows, users, until=until)
    review_waiting_reports(users, until=until)
    active = sorted(
        (e for e in enterprises.values() if e.status == Enterprise.Status.ACTIVE),
        key=lambda e: e.br_number,
    )
    recent = Counter(r["br_number"] for r in seed_rows if r["occurred_on"] >= RECENT_SINCE)
    weights = [1 + recent[e.br_number] for e in active]
    rows = [
        row
        for month in months(first, today)
        for row in draw_month(month, active, weights)
        if first <= row["occurred_on"] <= today
    ]
    existing = set(
        CooperationEvent.objects.filter(occurred_on__gte=first).values_list(
            "enterprise__br_number", "occurred_on", "event_type", "title"
        )
    )
    plans = [plan(row, today) for row in rows]
    keep_a_backlog(plans, today)
    plans = [
        p
        for p in plans
        if (
            p["row"]["br_number"],
            p["row"]["occurred_on"],
            p["row"]["event_type"],
            p["row"]["title"],
        )
        not in existing
    ]
    if not plans:
        return 0
    audit_mark = AuditEntry.objects.aggregate(last=Max("pk"))["last"] or 0
    notification_mark = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
    events = []
    for p in plans:
        row, checksum = p["row"], p["checksum"]
        if p["status"] == Status.DRAFT and checksum % 3 == 0:
            checksum += 1  # the officer's drafts, on her own list (record_event picks officer2)
        fields = {name: row[name] for name in FIELDS}
        fields.update(
            seizure_value_hkd=Decimal(row["seizure_value_hkd"])
            if row["seizure_value_hkd"]
            else None,
            cases=int(row["cases"]) if row["cases"] else None,
            arrests=int(row["arrests"]) if row["arrests"] else None,
        )
        events.append(record(fields, p["status"], users, checksum=checksum))
    backdate(events, plans, audit_mark, notification_mark, until)
    return len(events)


def backdate(events, plans, audit_mark: int, notification_mark: int, until: datetime) -> None:
    """Move each new event's steps, and the notifications they sent, to the planned days
    (demo-data shaping): logged, submitted, then any return and resubmission in between, and
    the last step on the day it was decided; nothing after `until`."""
    entries: dict[str, list[AuditEntry]] = {str(e.pk): [] for e in events}
    for entry in AuditEntry.objects.filter(pk__gt=audit_mark).order_by("pk"):
        if entry.object_id in entries and entry.action.startswith("partners.event."):
            entries[entry.object_id].append(entry)
    notifications: dict[int, list[Notification]] = {e.pk: [] for e in events}
    for notification in Notification.objects.filter(pk__gt=notification_mark).order_by("pk"):
        notifications.get(notification.params.get("event"), []).append(notification)
    moved_entries, moved_notifications = [], []
    for event, p in zip(events, plans, strict=True):
        steps, rng = entries[str(event.pk)], p["rng"]
        logged, submitted, decided = (at_hour(day, rng) for day in p["days"])
        moments = [logged]
        first_submission = next(
            (i for i, s in enumerate(steps) if s.action == "partners.event.submitted"), None
        )
        for index in range(1, len(steps)):
            if index == first_submission:
                moment = submitted
            elif index == len(steps) - 1:
                moment = decided
            else:  # a return and resubmission between the submission and the decision
                share = (index - (first_submission or 0)) / (len(steps) - (first_submission or 0))
                moment = submitted + (decided - submitted) * share
            moments.append(moment)
        for index, step in enumerate(steps):
            moment = (
                max(moments[index], moments[index - 1] + timedelta(minutes=10))
                if index
                else moments[0]
            )
            # Never after `until`: a minute per step still to come.
            moment = min(moment, until - timedelta(minutes=len(steps) - index))
            moments[index] = step.created_at = moment
            if step.action == "partners.event.created":
                event.created_at = moment
            elif step.action == "partners.event.submitted":
                event.submitted_at = moment
            elif step.action == "partners.event.verified":
                event.verified_at = moment
        event.updated_at = moments[-1]
        moved_entries += steps
        told = {
            PartnerKind.EVENT_VERIFIED: "partners.event.verified",
            PartnerKind.EVENT_RETURNED: "partners.event.returned",
        }
        for notification in notifications[event.pk]:
            moment = max(
                (s.created_at for s in steps if s.action == told.get(notification.kind)),
                default=moments[-1],
            )
            notification.created_at = moment
            if notification.emailed_at is not None:
                notification.emailed_at = moment
            if moment < until - READ_AFTER:
                notification.read_at = moment + timedelta(hours=20)
            moved_notifications.append(notification)
    CooperationEvent.objects.bulk_update(
        events, ["created_at", "submitted_at", "verified_at", "updated_at"], batch_size=200
    )
    AuditEntry.objects.bulk_update(moved_entries, ["created_at"], batch_size=200)
    Notification.objects.bulk_update(
        moved_notifications, ["created_at", "emailed_at", "read_at"], batch_size=200
    )


# The work left waiting at the demo's present


def working_day(day: date) -> date:
    """`day`, or the Monday after if it falls on a weekend."""
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


# The verifier's catch-up: the first decision this long after the present, then one every
# CATCH_UP_EVERY, oldest first; this many of them returned, the rest verified.
CATCH_UP_FROM = timedelta(days=3)
CATCH_UP_EVERY = timedelta(days=2)
CATCH_UP_RETURNS = 2


def catch_up_events(seed_rows: list[dict], users: dict, *, until: datetime) -> int:
    """The verifier (never the events' logger: four eyes, as the service checks) decides the
    seeds' events still submitted since before the demo's present, on the days of the plan up
    to the seeding day, through the services, then back-dated like the recent events.

    The plan comes from the seed file alone (its rows with the status `submitted`, oldest
    first), so an event's day and outcome do not depend on what is left; those returned are
    the CATCH_UP_RETURNS with the lowest checksum, with a reason that fits them, picked as
    seed_demo's record_event does. Returns how many were decided."""

    now, today = present(), timezone.localdate(until)
    keys = sorted(
        (date.fromisoformat(r["occurred_on"]), r["br_number"], r["event_type"], r["title"])
        for r in seed_rows
        if r["status"] == Status.SUBMITTED
    )
    checksums = {key: zlib.crc32(f"{key[1]}|{key[0]}|{key[2]}|{key[3]}".encode()) for key in keys}
    returned = set(sorted(keys, key=checksums.__getitem__)[:CATCH_UP_RETURNS])
    # Still waiting since before the present: what a demo user has done since is left alone.
    waiting = {
        (e.occurred_on, e.enterprise.br_number, e.event_type, e.title): e
        for e in CooperationEvent.objects.filter(
            status=Status.SUBMITTED, submitted_at__lte=now
        ).select_related("enterprise")
    }
    audit_mark = AuditEntry.objects.aggregate(last=Max("pk"))["last"] or 0
    notification_mark = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
    events, plans = [], []
    for index, key in enumerate(keys):
        day = working_day(timezone.localdate(now) + CATCH_UP_FROM + CATCH_UP_EVERY * index)
        event = waiting.get(key)
        if event is None or day > today:
            continue
        if key in returned:
            names = ("enterprise", "event_type", "significance", "seizure_value_hkd", "cases")
            fields = {name: getattr(event, name) for name in names}
            reason = fitting(RETURN_REASONS, fields, checksums[key] // 72).format(fields)
            event = services.event_return(event=event, user=users["verifier"], reason=reason)
        else:
            event = services.event_verify(event=event, user=users["verifier"])
        events.append(event)
        # One step each, the decision: backdate dates it during office hours on `day`.
        plans.append({"days": [day] * 3, "rng": random.Random(f"{SEED}-catch-up-{key}")})
    if events:
        backdate(events, plans, audit_mark, notification_mark, until)
    return len(events)


# What the officer notes on a report taken under review after the present.
REVIEW_NOTE = "Asked the partner for the booking documents; checking the consignee's history."


def review_waiting_reports(users: dict, *, until: datetime) -> int:
    """The officer takes the reports still received since before the demo's present under
    review, with a note, on the first working day after it (from 9:40, half an hour apart),
    through the services; the steps and the notification it sent are back-dated. The
    notification stays unread, like every report's change in the demo (seeds/reports.py):
    partner1 follows its reports through them. Returns how many."""
    now = present()
    day = working_day(timezone.localdate(now) + timedelta(days=1))
    start = timezone.make_aware(datetime(day.year, day.month, day.day, 9, 40))
    waiting = PartnerReport.objects.filter(
        status=PartnerReport.Status.RECEIVED, created_at__lte=now
    ).order_by("created_at", "pk")
    reviewed = 0
    for index, report in enumerate(waiting):
        reviewed_at = start + timedelta(minutes=30 * index)
        noted_at = reviewed_at + timedelta(minutes=20)
        if noted_at >= until:
            break
        audit_mark = AuditEntry.objects.aggregate(last=Max("pk"))["last"] or 0
        notification_mark = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
        report = reports.report_review(report=report, user=users["officer"])
        note = reports.report_note_add(report=report, user=users["officer"], text=REVIEW_NOTE)
        ReportNote.objects.filter(pk=note.pk).update(created_at=noted_at)
        PartnerReport.objects.filter(pk=report.pk).update(updated_at=noted_at)
        entries = AuditEntry.objects.filter(pk__gt=audit_mark)
        entries.filter(action="partners.report.note_added").update(created_at=noted_at)
        entries.exclude(action="partners.report.note_added").update(created_at=reviewed_at)
        notifications = list(Notification.objects.filter(pk__gt=notification_mark))
        for notification in notifications:
            notification.created_at = reviewed_at
            if notification.emailed_at is not None:
                notification.emailed_at = reviewed_at
        Notification.objects.bulk_update(notifications, ["created_at", "emailed_at"])
        reviewed += 1
    return reviewed


def seed_scoring_deadline(users: dict, *, until: datetime) -> Cycle | None:
    """Give the cycle in review a scoring deadline two weeks after the seeding day, if it has
    none or it has passed: the panel and the dashboard count the days left. Set through the
    service by the secretariat, that morning."""
    today = timezone.localdate(until)
    cycle = Cycle.objects.filter(status=Cycle.Status.REVIEW).order_by("-year").first()
    if cycle is None or (cycle.scoring_deadline and cycle.scoring_deadline >= today):
        return None
    mark = AuditEntry.objects.aggregate(last=Max("pk"))["last"] or 0
    cycle = cycle_update(
        cycle=cycle, user=users["secretariat"], scoring_deadline=today + SCORING_DEADLINE_AHEAD
    )
    morning = timezone.make_aware(datetime(today.year, today.month, today.day, 9, 10))
    AuditEntry.objects.filter(pk__gt=mark).update(
        created_at=min(morning, until - timedelta(minutes=1))
    )
    return cycle
