"""The demo's reports from partners and the story of everyone's notifications.

`seed_reports` has partner1 (Stonecutters Gateway Terminals) and partner2 send the reports of
DEMO_REPORTS through the real services (partners/services/reports.py) and the officer handle them,
so that partner1 follows one report of each status: received, under review, acted on (turned into a
draft cooperation event) and closed. Each step is back-dated to its moment in 2025, like the rest
of the demo (demo-data shaping, see seeds/cycles.py): the audit entries, the report's dates and the
notifications the step sent. A report takes its acknowledgement number from the
year it is sent in, so a report back-dated to 2025 is renumbered into 2025's sequence and the
number it took from this year is given back.

`backdate_seeded_notifications` then dates every notification the seeding sent (results
published, certificates issued, events verified or returned, panel assignments, reviews
complete) to the moment of what it tells, and marks read what came before the 2024 results
were published: the demo's users open the portal with the last year's news unread.

Only what the seeding just created is moved (stamped after the demo's present), and a report
already sent is recognised by its enterprise and description, so a second run changes nothing.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import F, Max

from awards.models import Certificate, Cycle, Review
from awards.notifications import Kind as AwardKind
from partners.models import CooperationEvent, PartnerReport, ReportCounter, ReportNote
from partners.notifications import Kind as PartnerKind
from partners.services import reports
from partners.shipments import parse_references
from portal import clock
from portal.models import AuditEntry, Notification
from seeds.cycles import History, load_plan, local, present

Category = PartnerReport.Category
Status = PartnerReport.Status


@dataclass(frozen=True)
class DemoReport:
    """A report as `partner` sent it at `sent`, and what the officer did with it: took it
    under review `review_after` later (with `note`), then turned it into a cooperation event
    (`converted`) or closed it with `closing_note`, `closed_after` after it was sent.
    `days_ago`: sent that many days before the seeding day; `sent` is then the time of day."""

    partner: str
    sent: str
    category: str
    description: str
    references: str = ""
    status: str = Status.RECEIVED
    review_after: timedelta | None = None
    note: str = ""
    closed_after: timedelta = field(default=timedelta(days=3))
    closing_note: str = ""
    days_ago: int | None = None


# In the order they were sent: each takes the next acknowledgement number of 2025.
DEMO_REPORTS = [
    DemoReport(
        "partner1",
        "2025-03-11T08:40:00+08:00",
        Category.SUSPICIOUS_SHIPMENT,
        "Two containers declared as used furniture from the same consignee were reweighed at "
        "the gate at 4 tonnes above the declared weight. The seals look replaced. They are on "
        "hold in yard block C pending customs' instructions.",
        "OOLU 842157-5, CSNU 613904-0",
        status=Status.ACTED_ON,
        review_after=timedelta(hours=2),
        note="Consignee matches a profile from last year; passed to the Rummage Unit.",
        closed_after=timedelta(days=1, hours=3),
    ),
    DemoReport(
        "partner1",
        "2025-05-06T14:15:00+08:00",
        Category.CUSTOMS_CRIME,
        "A truck driver offered one of our checkers cash to let a container leave without the "
        "gate inspection. The checker refused and reported it; the driver's details and the "
        "CCTV footage are kept by our security office.",
        "MAEU 471230-9",
        status=Status.CLOSED,
        review_after=timedelta(days=1),
        note="Footage reviewed with ICAC liaison; the container left under normal clearance.",
        closed_after=timedelta(days=9),
        closing_note="Referred to ICAC, which leads on bribery; nothing for customs to record.",
    ),
    DemoReport(
        "partner2",
        "2025-07-17T11:20:00+08:00",
        Category.CUSTOMS_CRIME,
        "Online shops are selling box sets of our artists' albums that we never released. "
        "Test purchases arrived by post from outside Hong Kong; the packaging and order "
        "details are attached to our letter of 15 July.",
        status=Status.UNDER_REVIEW,
        review_after=timedelta(days=2),
        note="Matches the pattern of the postal counterfeit-disc cases; to IP Investigation.",
    ),
    DemoReport(
        "partner1",
        "2025-08-14T10:05:00+08:00",
        Category.SECURITY_INCIDENT,
        "The fence of the empty-container stack next to berth 8 was found cut during the night "
        "shift. Nothing appears to be missing; the stack has been recounted and the fence "
        "repaired.",
        status=Status.UNDER_REVIEW,
        review_after=timedelta(days=1, hours=1),
        note="Asked the terminal for the stack's movement log of the week.",
    ),
    DemoReport(
        "partner1",
        "2025-08-21T16:30:00+08:00",
        Category.SUSPICIOUS_SHIPMENT,
        "An air-sea transhipment booked at short notice: the air waybills name a consignee "
        "with no trading history with us and a freight-prepaid charge well above the rate.",
        "160-48372656, 180-22917344",
    ),
]
# Sent in the weeks before the seeding day: the dashboard's reports awaiting triage.
RECENT_REPORTS = [
    DemoReport(
        "partner2",
        "15:20",
        Category.CUSTOMS_CRIME,
        "A seller on a local marketplace offers our catalogue on USB sticks with printed "
        "booklets copied from our releases. We bought one; it was posted from a Kwun Tong "
        "address. The stick and the receipt are kept at our office.",
        days_ago=9,
    ),
    DemoReport(
        "partner1",
        "09:40",
        Category.SUSPICIOUS_SHIPMENT,
        "Two reefer containers declared as frozen fish: their temperature logs show the units "
        "were switched off for the whole voyage. Both are held at the reefer stack pending "
        "customs' instructions.",
        "TGHU 730418-9, CMAU 338207-2",
        days_ago=3,
    ),
]


def sent_at(spec: DemoReport, today: date) -> datetime:
    if spec.days_ago is None:
        return local(spec.sent)
    return local(f"{today - timedelta(days=spec.days_ago)}T{spec.sent}")


def seed_reports(users: dict, plan: dict | None = None, *, today: date | None = None) -> int:
    """Send and handle the DEMO_REPORTS and RECENT_REPORTS not sent yet (the recent ones
    counted back from `today`, the seeding day); returns how many were sent."""
    plan = plan or load_plan()
    now = present(plan)
    today = today or clock.today()
    sent = set(PartnerReport.objects.values_list("enterprise_id", "description"))
    created = 0
    for spec in DEMO_REPORTS + RECENT_REPORTS:
        partner, officer = users[spec.partner], users["officer"]
        if (partner.membership.enterprise_id, spec.description) in sent:
            continue
        step = Step(now)
        moment = sent_at(spec, today)
        report = reports.report_submit(
            user=partner,
            category=spec.category,
            description=spec.description,
            shipment_references=parse_references(spec.references),
        )
        report = renumber(report, moment.year)
        # Before it is handled: a report turned into an event gives the event its date.
        PartnerReport.objects.filter(pk=report.pk).update(created_at=moment)
        step.at(moment, report)
        if spec.review_after is not None:
            moment += spec.review_after
            report = reports.report_review(report=report, user=officer)
            step.at(moment, report)
            if spec.note:
                note = reports.report_note_add(report=report, user=officer, text=spec.note)
                moment += timedelta(minutes=20)
                ReportNote.objects.filter(pk=note.pk).update(created_at=moment)
                step.at(moment, report)
        if spec.status == Status.ACTED_ON:
            moment = sent_at(spec, today) + spec.closed_after
            event = reports.report_convert(report=report, user=officer)
            CooperationEvent.objects.filter(pk=event.pk).update(
                created_at=moment, updated_at=moment
            )
            step.at(moment, report)
        elif spec.status == Status.CLOSED:
            moment = sent_at(spec, today) + spec.closed_after
            report = reports.report_close(report=report, user=officer, note=spec.closing_note)
            ReportNote.objects.filter(report=report, created_at__gt=now).update(created_at=moment)
            step.at(moment, report)
        PartnerReport.objects.filter(pk=report.pk).update(updated_at=moment)
        created += 1
    return created


class Step(History):
    """History that also moves the notifications a step sent, and the report's update time."""

    def __init__(self, present: datetime):
        super().__init__(present)
        self.notification_mark = Notification.objects.aggregate(last=Max("pk"))["last"] or 0

    def at(self, moment: datetime, report: PartnerReport | None = None) -> None:
        super().at(moment)
        _move_notifications(
            Notification.objects.filter(pk__gt=self.notification_mark, created_at__gt=self.present),
            lambda notification: moment,
        )
        if report is not None:
            PartnerReport.objects.filter(pk=report.pk).update(updated_at=moment)


def renumber(report: PartnerReport, year: int) -> PartnerReport:
    """Give `report` the next number of `year` (the year it is back-dated to), give back the
    number it took from this year's counter, and correct the audit entry and the notification
    that carry the number (demo-data shaping)."""
    number = report.acknowledgement_number
    if number.startswith(f"R-{year}-"):
        return report
    _, taken_year, serial = number.split("-")
    ReportCounter.objects.filter(year=int(taken_year), last_number=int(serial)).update(
        last_number=F("last_number") - 1
    )
    report.acknowledgement_number = reports._next_acknowledgement_number(year)
    PartnerReport.objects.filter(pk=report.pk).update(
        acknowledgement_number=report.acknowledgement_number
    )
    AuditEntry.objects.filter(object_repr=number).update(object_repr=report.acknowledgement_number)
    for notification in Notification.objects.filter(
        kind=PartnerKind.REPORT_STATUS_CHANGED, params__number=number
    ):
        notification.params["number"] = report.acknowledgement_number
        notification.save(update_fields=["params"])
    return report


def _move_notifications(notifications, moment_of, read_before: datetime | None = None) -> int:
    moved = []
    for notification in notifications:
        moment = moment_of(notification)
        notification.created_at = moment
        if notification.emailed_at is not None:
            notification.emailed_at = moment
        if read_before is not None and moment < read_before:
            notification.read_at = moment + timedelta(hours=20)
        moved.append(notification)
    Notification.objects.bulk_update(moved, ["created_at", "emailed_at", "read_at"])
    return len(moved)


# After what, once the notifications are dated, counts as read.
READ_UNTIL_YEAR = 2024


def backdate_seeded_notifications(
    plan: dict | None = None, *, since: datetime | None = None
) -> int:
    """Date each notification the seeding just sent to the moment of what it tells, and mark
    read those from before the READ_UNTIL_YEAR results were published. Returns how many.
    `since`: when the run began (the recent activity, dated after the demo's present, was not
    just sent)."""
    plan = plan or load_plan()
    now = present(plan)
    fresh = Notification.objects.filter(created_at__gt=max(now, since or now))
    if not fresh.exists():
        return 0
    cycles = {cycle.year: cycle for cycle in Cycle.objects.all()}
    specs = {spec["year"]: spec for spec in plan["cycles"]}
    verified_at = dict(
        CooperationEvent.objects.filter(verified_at__isnull=False).values_list("pk", "verified_at")
    )
    returned_at = dict(
        AuditEntry.objects.filter(action="partners.event.returned")
        .values("object_id")
        .annotate(last=Max("created_at"))
        .values_list("object_id", "last")
    )
    issued_at = dict(Certificate.objects.values_list("serial", "issued_at"))
    reviews_in = dict(
        Review.objects.filter(submitted_at__isnull=False)
        .values("assignment__nomination__cycle__year")
        .annotate(last=Max("submitted_at"))
        .values_list("assignment__nomination__cycle__year", "last")
    )

    def moment_of(notification: Notification) -> datetime:
        p = notification.params
        moment = {
            PartnerKind.EVENT_VERIFIED: lambda: verified_at.get(p.get("event")),
            PartnerKind.EVENT_RETURNED: lambda: returned_at.get(str(p.get("event"))),
            AwardKind.RESULTS_PUBLISHED: lambda: cycles[p["year"]].published_at,
            AwardKind.CERTIFICATE_ISSUED: lambda: issued_at.get(p.get("serial")),
            AwardKind.PANEL_ASSIGNED: lambda: (
                local(specs[p["year"]]["review_open_at"]) + timedelta(minutes=20)
            ),
            AwardKind.REVIEWS_COMPLETE: lambda: reviews_in.get(p.get("year")),
        }.get(notification.kind, lambda: None)()
        return min(moment or now, now)

    read_before = cycles[READ_UNTIL_YEAR].published_at if READ_UNTIL_YEAR in cycles else now
    return _move_notifications(fresh.order_by("pk"), moment_of, read_before=read_before)
