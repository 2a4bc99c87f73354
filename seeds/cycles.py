"""The award cycles of the demo: 2022, 2023 and 2024 run to publication, 2025 in panel review.

`seed_demo` calls `backdate_seeded_records` after loading the enterprises and events, then
`seed_award_cycles`, which runs each cycle of seeds/data/cycles.json that does not exist yet through
the services, as the demo users whose job it is: the secretariat creates the cycle (from 2023
on by copying last year's settings), opens nominations and nominates, the panel members declare
and score, the secretariat applies the ranking's suggestion (the top N), one secretariat user
finalises and the other approves publication. `seed_ceremony_list` then draws up the 2024
ceremony list: the default order, a representative and a table for each awardee.

Nobody is declared an awardee here: the awardees are the top N of the portal's own ranking
(awards.selectors.ranking.live_ranking). The plan says who is nominated and how the panel tends to
score each nominee (its "impression", a mean criterion score, spread per member and criterion by
a seeded random generator and each member's leniency). `check_award_history` then fails the
seeding unless the outcome is the real award's: 8, 13 and 18 awardees, exactly 4 enterprises
awarded in all three years, partner1's terminal among them, partner2's enterprise nominated but
not always awarded, and every event of a finalised cycle's window verified before it was
finalised.

Assessment windows run from June to May (the 2022 window from the scheme's start on 1 January
2022): the ceremonies were held in October, the cycles finalised in early September, and a
window that ran on to December would hold events that had not even happened at finalisation.

Demo-data shaping. The services stamp timezone.now(), so a demo seeded today would show three
award rounds decided within one second of today. After each step, the step's timestamps are
moved to when it happened in the story: the audit entries it wrote (`History`) and the dates it
set (nominated_at, declared_at, submitted_at, finalised_at, ...). These explicit updates are
not user actions and are made nowhere else. The event history is back-dated likewise: logged a
few days after the event occurred, submitted, then returned or verified a few days to weeks
later. Only what the seeding created is moved (what is stamped after the demo's present, late
August 2025), so a second run finds nothing to move, and what users do in the demo keeps its
real dates.
"""

import json
import random
import zlib
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import CommandError
from django.db.models import Max
from django.utils import timezone

from awards.models import (
    Assignment,
    CeremonyEntry,
    Certificate,
    Cycle,
    Nomination,
    NominationResult,
    Review,
)
from awards.services.ceremony import (
    ceremony_entries,
    ceremony_entry_update,
    ceremony_list_fill,
)
from awards.services.certificates import certificate_reissue, certificates_issue_for_cycle
from awards.services.cycles import (
    CRITERION_FIELDS,
    cycle_advance,
    cycle_copy,
    cycle_create,
    cycle_update,
)
from awards.services.decisions import (
    cycle_finalise,
    cycle_publish,
    decisions_apply_suggestion,
)
from awards.services.nominations import (
    nomination_create,
    nomination_withdraw,
    nominations_bulk_create,
)
from awards.services.panel import (
    AssignmentMode,
    assignment_declare,
    assignments_create,
    panel_alternate_add,
    review_save,
)
from partners.models import CooperationEvent, Enterprise
from portal.models import AuditEntry
from seeds import DATA_DIR
from seeds.users import DEMO_USERS

PLAN_FILE = DATA_DIR / "cycles.json"
PANEL = ["panel1", "panel2", "panel3"]
# The real award: 8, 13 and 18 awardees in 2022-2024, four of them in all three years.
AWARDED_EVERY_YEAR = 4
HISTORY_YEARS = (2022, 2023, 2024)
PARTNER_BR = {spec.username: spec.br_number for spec in DEMO_USERS if spec.br_number}
# When the enterprises were entered, before the scheme's first window opened.
ENTERPRISES_ENTERED = datetime(2021, 12, 6, 10, 0)
Status = Cycle.Status
Declaration = Assignment.Declaration


def load_plan(path: Path = PLAN_FILE) -> dict:
    try:
        with path.open(encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from exc


def local(text: str) -> datetime:
    """An ISO 8601 date and time of the plan, as an aware datetime."""
    moment = datetime.fromisoformat(text)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def present(plan: dict | None = None) -> datetime:
    """The demo's present: the 2025 cycle is in panel review."""
    return local((plan or load_plan())["present"])


def workday(moment: datetime) -> datetime:
    """The same time on the next working day if `moment` falls on a weekend."""
    weekday = timezone.localtime(moment).weekday()
    return moment + timedelta(days=7 - weekday) if weekday >= 5 else moment


def at_hour(day: date, rng: random.Random, first: int = 9, last: int = 17) -> datetime:
    """A time during office hours on `day`, Hong Kong time."""
    return timezone.make_aware(
        datetime(day.year, day.month, day.day, rng.randint(first, last), rng.randrange(60))
    )


class History:
    """Moves the audit entries the services just wrote to when the step happened in the story
    (demo-data shaping, see the module docstring): those written since the run began (later
    than `mark`) and not moved yet (stamped after the demo's present)."""

    def __init__(self, present: datetime):
        self.present = present
        self.mark = AuditEntry.objects.aggregate(last=Max("pk"))["last"] or 0

    def at(self, moment: datetime) -> None:
        AuditEntry.objects.filter(pk__gt=self.mark, created_at__gt=self.present).update(
            created_at=moment
        )


# Seeded records back-dated


# Days from one step of an event's workflow to the next: (fewest, most).
EVENT_STEP_DAYS = {
    "partners.event.created": (0, 4),  # logged after it occurred
    "partners.event.submitted": (0, 2),
    "partners.event.verified": (2, 18),
    "partners.event.returned": (2, 9),
    "partners.event.withdrawn": (1, 10),
}


def backdate_seeded_records(event_keys, br_numbers, plan: dict | None = None) -> int:
    """Give the seeded enterprises and events their history (demo-data shaping): enterprises
    entered in December 2021; each event logged a few days after it occurred, then submitted,
    returned, verified or withdrawn a few days to weeks later, always before the demo's present.
    `event_keys`: (BR number, date occurred, type, title) of the seeded events; `br_numbers`:
    the seeded enterprises. Only records stamped after the demo's present (just created) are
    moved. Returns how many events were."""
    now = present(plan)
    enterprises = list(
        Enterprise.objects.filter(created_at__gt=now, br_number__in=list(br_numbers))
    )
    entered = {}
    for index, enterprise in enumerate(sorted(enterprises, key=lambda e: e.br_number)):
        moment = timezone.make_aware(ENTERPRISES_ENTERED + timedelta(minutes=7 * index))
        enterprise.created_at = enterprise.updated_at = entered[str(enterprise.pk)] = moment
    Enterprise.objects.bulk_update(enterprises, ["created_at", "updated_at"], batch_size=200)
    _move_entries(Enterprise, entered, now)

    event_keys = set(event_keys)
    events = {
        str(event.pk): event
        for event in CooperationEvent.objects.filter(created_at__gt=now).select_related(
            "enterprise"
        )
        if (event.enterprise.br_number, event.occurred_on, event.event_type, event.title)
        in event_keys
    }
    steps = defaultdict(list)
    for entry in _entries(CooperationEvent, events, now):
        steps[entry.object_id].append(entry)
    moved = []
    for object_id, event in events.items():
        key = f"{event.enterprise.br_number}|{event.occurred_on}|{event.event_type}|{event.title}"
        rng = random.Random(zlib.crc32(key.encode()))
        entries = steps[object_id]
        moment = at_hour(event.occurred_on, rng)
        for position, entry in enumerate(entries):
            fewest, most = EVENT_STEP_DAYS.get(entry.action, (0, 2))
            day = timezone.localdate(moment) + timedelta(days=rng.randint(fewest, most))
            later = workday(at_hour(day, rng))
            if later <= moment:  # the same day: a little later
                later = moment + timedelta(minutes=rng.randint(10, 120))
            # Before the demo's present, a minute per step still to come.
            moment = min(later, now - timedelta(minutes=len(entries) - position))
            entry.created_at = moment
            if entry.action == "partners.event.created":
                event.created_at = moment
            elif entry.action == "partners.event.submitted":
                event.submitted_at = moment
            elif entry.action == "partners.event.verified":
                event.verified_at = moment
        if entries:
            event.updated_at = entries[-1].created_at
        moved.append(event)
    CooperationEvent.objects.bulk_update(
        moved, ["created_at", "submitted_at", "verified_at", "updated_at"], batch_size=200
    )
    AuditEntry.objects.bulk_update(
        [entry for entries in steps.values() for entry in entries], ["created_at"], batch_size=200
    )
    return len(moved)


def _entries(model, objects: dict, now: datetime) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=list(objects),
            created_at__gt=now,
        ).order_by("pk")
    )


def _move_entries(model, moments: dict[str, datetime], now: datetime) -> None:
    entries = _entries(model, moments, now)
    for entry in entries:
        entry.created_at = moments[entry.object_id]
    AuditEntry.objects.bulk_update(entries, ["created_at"], batch_size=200)


# The cycles


def seed_award_cycles(users: dict, plan: dict | None = None) -> list[int]:
    """Run every cycle of the plan that does not exist yet; returns the years created."""
    plan = plan or load_plan()
    existing = set(Cycle.objects.values_list("year", flat=True))
    created = []
    for spec in plan["cycles"]:
        if spec["year"] in existing:
            continue
        run_cycle(spec, users, plan)
        created.append(spec["year"])
    if created:
        check_award_history(plan)
    seed_ceremony_dates(plan)
    seed_certificates(users, plan)
    seed_ceremony_list(users, plan)
    return created


def cycle_settings(spec: dict) -> tuple[dict, dict, list[dict]]:
    """(Cycle fields, rules, criteria) of a cycle of the plan, as the services take them."""
    fields = {
        "year": spec["year"],
        "title_en": spec["title_en"],
        "title_zh": spec["title_zh"],
        "window_start": date.fromisoformat(spec["window_start"]),
        "window_end": date.fromisoformat(spec["window_end"]),
        "nomination_deadline": _date(spec["nomination_deadline"]),
        "scoring_deadline": _date(spec["scoring_deadline"]),
        "quorum": spec["quorum"],
        "cooperation_weight": Decimal(spec["cooperation_weight"]),
        "awards_planned": spec["awards_planned"],
        **{
            f"multiplier_{level}": Decimal(value)
            for level, value in spec["significance_multipliers"].items()
        },
    }
    rules = {
        code: (Decimal(rule["points"]), Decimal(rule["cap"]))
        for code, rule in spec["event_types"].items()
    }
    criteria = [
        {name: Decimal(c[name]) if name == "weight" else c[name] for name in CRITERION_FIELDS}
        for c in spec["panel_criteria"]
    ]
    return fields, rules, criteria


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@dataclass
class Run:
    """One cycle being seeded: its plan, the users, the random generator and the history."""

    spec: dict
    plan: dict
    users: dict
    history: History
    rng: random.Random
    cycle: Cycle | None = None

    @property
    def secretariat(self):
        """The secretariat user who runs the cycle: the one who finalises it."""
        return self.users[self.spec.get("finalised_by", "secretariat")]


def run_cycle(spec: dict, users: dict, plan: dict) -> Cycle:
    run = Run(spec, plan, users, History(present(plan)), random.Random(f"eepa-demo-{spec['year']}"))
    create(run)
    nominate(run)
    review(run)
    if spec["status"] in (Status.FINALISED, Status.PUBLISHED):
        decide_and_finalise(run)
    if spec["status"] == Status.PUBLISHED:
        publish(run)
    return run.cycle


def create(run: Run) -> None:
    """A new cycle, or (from the second year) last year's settings copied, then adjusted."""
    fields, rules, criteria = cycle_settings(run.spec)
    created = local(run.spec["created_at"])
    previous = Cycle.objects.filter(year=fields["year"] - 1).first()
    user = run.secretariat
    if previous is None:
        cycle = cycle_create(user=user, criteria=criteria, rules=rules, **fields)
    else:
        cycle = cycle_copy(source=previous, user=user)
    run.history.at(created)
    current_rules = {rule.event_type: (rule.points, rule.cap) for rule in cycle.event_rules.all()}
    current_criteria = [
        {name: getattr(c, name) for name in CRITERION_FIELDS} for c in cycle.criteria.all()
    ]
    changes = {name: value for name, value in fields.items() if getattr(cycle, name) != value}
    if current_rules != rules:
        changes["rules"] = rules
    if current_criteria != criteria:
        changes["criteria"] = criteria
    if changes:
        cycle = cycle_update(cycle=cycle, user=user, **changes)
        run.history.at(created + timedelta(minutes=25))
    Cycle.objects.filter(pk=cycle.pk).update(created_at=created)
    run.cycle = cycle


def nominate(run: Run) -> None:
    spec, user = run.spec["nominations"], run.secretariat
    opened = local(run.spec["nominations_open_at"])
    run.cycle = cycle_advance(cycle=run.cycle, user=user, from_status=Status.DRAFT)
    run.history.at(opened)
    moment = opened + timedelta(days=1, hours=1)
    if spec["bulk_min_events"] is not None:
        nominations = nominations_bulk_create(
            cycle=run.cycle, min_events=spec["bulk_min_events"], user=user
        )
        run.history.at(moment)
        Nomination.objects.filter(pk__in=[n.pk for n in nominations]).update(nominated_at=moment)
    enterprises = Enterprise.objects.in_bulk(field_name="br_number")
    # One by one through June, the last ones a few days before the deadline.
    one_by_one = spec["one_by_one"]
    for index, br_number in enumerate(one_by_one):
        moment = workday(
            at_hour(opened.date() + timedelta(days=1 + index * 20 // len(one_by_one)), run.rng)
        )
        nomination = nomination_create(
            cycle=run.cycle, enterprise=enterprises[br_number], user=user
        )
        run.history.at(moment)
        Nomination.objects.filter(pk=nomination.pk).update(nominated_at=moment)
    for br_number, reason in spec["withdrawn"].items():
        moment = workday(at_hour(opened.date() + timedelta(days=16), run.rng))
        nomination = Nomination.objects.get(cycle=run.cycle, enterprise__br_number=br_number)
        nomination_withdraw(nomination=nomination, user=user, reason=reason)
        run.history.at(moment)


def review(run: Run) -> None:
    """Panel review: every member on every nominee (the alternates, held in reserve, only
    where a conflict leaves a nominee short of the quorum); each declares, then scores and
    submits (in the cycle still in review, as far as the plan's `progress` says)."""
    opened = local(run.spec["review_open_at"])
    user = run.secretariat
    run.cycle = cycle_advance(cycle=run.cycle, user=user, from_status=Status.NOMINATIONS)
    for username in run.spec["panel"].get("alternates", []):
        panel_alternate_add(cycle=run.cycle, member=run.users[username], user=user)
    run.history.at(opened)
    outcome = assignments_create(cycle=run.cycle, user=user, mode=AssignmentMode.ALL)
    run.history.at(opened + timedelta(minutes=20))
    if outcome.below_quorum:
        raise CommandError(f"{run.cycle}: fewer panel members than the quorum")

    impressions = run.spec["panel"]["impressions"]
    nominees = list(
        Nomination.objects.filter(cycle=run.cycle)
        .active()
        .select_related("enterprise")
        .order_by("enterprise__name_en")  # the order of the panel's pages
    )
    names = {n.enterprise.br_number for n in nominees}
    if names != set(impressions):
        raise CommandError(
            f"seeds/data/cycles.json, {run.cycle.year}: the panel's impressions must name exactly "
            f"the nominees; missing {sorted(names - set(impressions))}, "
            f"not nominated {sorted(set(impressions) - names)}"
        )
    assignments = {
        (a.member.username, a.nomination_id): a
        for a in Assignment.objects.filter(nomination__cycle=run.cycle).select_related(
            "member", "nomination__enterprise"
        )
    }
    with scoring_open(run.cycle):
        for order, username in enumerate(PANEL):
            progress = run.spec["panel"].get("progress", {}).get(username, {})
            member, mine = run.users[username], [assignments[(username, n.pk)] for n in nominees]
            declared = declare(run, member, mine[: progress.get("declared", len(mine))], order)
            score(
                run,
                member,
                [a for a in declared if a.declaration == Declaration.NO_CONFLICT],
                order,
                submitted=progress.get("submitted", len(mine)),
                drafts=progress.get("drafts", 0),
            )


def declare(run: Run, member, assignments: list[Assignment], order: int) -> list[Assignment]:
    """`member` declares on each of `assignments` in one sitting in the review's first week
    (the `order`-th member two days after the one before): a conflict where the plan names
    one, with its reason, else no conflict. Returns the assignments as declared."""
    conflicts = {(c["member"], c["br_number"]): c["reason"] for c in run.spec["panel"]["conflicts"]}
    opened = local(run.spec["review_open_at"])
    sitting = workday(at_hour(opened.date() + timedelta(days=1 + 2 * order), run.rng))
    declared = []
    for index, assignment in enumerate(assignments):
        reason = conflicts.get((member.username, assignment.nomination.enterprise.br_number), "")
        assignment = assignment_declare(
            assignment=assignment,
            user=member,
            declaration=Declaration.CONFLICT if reason else Declaration.NO_CONFLICT,
            reason=reason,
        )
        assignment.declared_at = sitting + timedelta(minutes=3 * index)
        run.history.at(assignment.declared_at)
        declared.append(assignment)
    Assignment.objects.bulk_update(declared, ["declared_at"])
    return declared


def score(run: Run, member, assignments, order: int, *, submitted: int, drafts: int) -> None:
    """`member` scores the first `submitted` of `assignments` and submits each, then saves
    the next `drafts` as drafts, one by one from the review's second week to the scoring
    deadline (for the cycle still in review: to the demo's present)."""
    criteria = list(run.cycle.criteria.all())
    deadline, now = run.cycle.scoring_deadline, present(run.plan)
    first_day = local(run.spec["review_open_at"]).date() + timedelta(days=8 + order)
    days = ((deadline - timedelta(days=1)) if deadline else now.date()) - first_day
    saved = []
    for index, assignment in enumerate(assignments[: submitted + drafts]):
        br_number = assignment.nomination.enterprise.br_number
        day = first_day + days * index // max(len(assignments), 1)
        moment = min(workday(at_hour(day, run.rng)), now)
        submit = index < submitted
        scores = member_scores(
            run.cycle.year,
            br_number,
            member.username,
            run.spec["panel"]["impressions"][br_number],
            run.plan["panel_leniency"][member.username],
            len(criteria),
        )
        if not submit:  # a draft: the last criterion not scored yet
            scores[-1] = None
        review = review_save(
            assignment=assignment,
            user=member,
            scores={c.pk: s for c, s in zip(criteria, scores, strict=True)},
            comment=review_comment(run.rng, scores) if submit else "",
            submit=submit,
        )
        run.history.at(moment)
        review.submitted_at, review.updated_at = (moment if submit else None), moment
        saved.append(review)
    Review.objects.bulk_update(saved, ["submitted_at", "updated_at"])


@contextmanager
def scoring_open(cycle: Cycle):
    """The reviews of a past cycle are entered now, long after its scoring deadline, which
    review_save rightly refuses: the deadline is lifted while the demo enters them and put
    back afterwards (demo-data shaping, not a user action; the audit trail never sees it)."""
    deadline = cycle.scoring_deadline
    Cycle.objects.filter(pk=cycle.pk).update(scoring_deadline=None)
    yield
    Cycle.objects.filter(pk=cycle.pk).update(scoring_deadline=deadline)


def member_scores(
    year: int, br_number: str, member: str, impression: float, leniency: float, criteria: int
) -> list[int | None]:
    """One member's scores of one nominee: the panel's impression of it, the member's leniency
    and their own view of it, then per criterion a little more or less. Seeded by the year,
    nominee and member, so the same plan always gives the same scores."""
    rng = random.Random(f"{year}-{br_number}-{member}")
    view = impression + leniency + rng.gauss(0, 0.6)
    return [max(0, min(10, round(view + rng.gauss(0, 0.7)))) for _ in range(criteria)]


COMMENTS_HIGH = [
    "Consistent cooperation through the year; quick to respond at short notice.",
    "Its help made a real difference to the cases concerned.",
    "Strong security practice and well-trained staff.",
]
COMMENTS_LOW = [
    "Cooperative when asked, but little on its own initiative.",
    "A modest record this year; the information provided was of mixed quality.",
]


def review_comment(rng: random.Random, scores: list[int]) -> str:
    """A short comment on about one review in three."""
    if rng.random() >= 0.35:
        return ""
    return rng.choice(COMMENTS_HIGH if sum(scores) / len(scores) >= 7 else COMMENTS_LOW)


def decide_and_finalise(run: Run) -> None:
    user = run.users[run.spec["finalised_by"]]
    decisions_apply_suggestion(cycle=run.cycle, user=user)
    run.history.at(local(run.spec["decided_at"]))
    awarded = Nomination.objects.filter(cycle=run.cycle, awarded=True).count()
    if awarded != run.cycle.awards_planned:
        raise CommandError(
            f"{run.cycle}: the ranking suggests {awarded} awardees, not "
            f"{run.cycle.awards_planned}: check the nominees and the panel's impressions"
        )
    finalised = local(run.spec["finalised_at"])
    run.cycle = cycle_finalise(cycle=run.cycle, user=user)
    run.history.at(finalised)
    Cycle.objects.filter(pk=run.cycle.pk).update(finalised_at=finalised)


def publish(run: Run) -> None:
    published = local(run.spec["published_at"])
    run.cycle = cycle_publish(cycle=run.cycle, user=run.users[run.spec["published_by"]])
    run.history.at(published)
    Cycle.objects.filter(pk=run.cycle.pk).update(published_at=published)


# The ceremonies


def seed_ceremony_dates(plan: dict) -> int:
    """Each cycle's ceremony date from the plan, where none is set (demo-data shaping: the
    date is printed on the certificates and the run sheet). Returns how many were set."""
    return sum(
        Cycle.objects.filter(year=spec["year"], ceremony_date=None).update(
            ceremony_date=date.fromisoformat(spec["ceremony_on"])
        )
        for spec in plan["cycles"]
        if spec.get("ceremony_on")
    )


# Days from a cycle's publication to its certificates, and the one certificate of the demo
# that was reissued after a correction (so that the demo has a revoked one to verify).
CERTIFICATES_AFTER_PUBLICATION = timedelta(days=6)
REISSUED = {"year": 2023, "rank": 1, "after": timedelta(days=20)}
REISSUE_REASON = "The Chinese name was printed with a wrong character; reissued on request."


def seed_certificates(users: dict, plan: dict | None = None) -> int:
    """Issue the certificates of every published cycle that has none yet, through the
    service, as the secretariat did a week after publication; then reissue one (REISSUED).
    Returns how many certificates were issued."""
    plan = plan or load_plan()
    issued = 0
    for spec in plan["cycles"]:
        cycle = Cycle.objects.filter(year=spec["year"], status=Cycle.Status.PUBLISHED).first()
        if cycle is None or Certificate.objects.filter(result__nomination__cycle=cycle).exists():
            continue
        user = users[spec.get("finalised_by", "secretariat")]
        history = History(present(plan))
        when = local(spec["published_at"]) + CERTIFICATES_AFTER_PUBLICATION
        certificates = certificates_issue_for_cycle(cycle=cycle, user=user)
        history.at(when)
        Certificate.objects.filter(pk__in=[c.pk for c in certificates]).update(issued_at=when)
        issued += len(certificates)
        if cycle.year == REISSUED["year"]:
            old = next(c for c in certificates if c.result.rank == REISSUED["rank"])
            new = certificate_reissue(certificate=old, user=user, reason=REISSUE_REASON)
            reissued = when + REISSUED["after"]
            history.at(reissued)
            Certificate.objects.filter(pk=old.pk).update(revoked_at=reissued)
            Certificate.objects.filter(pk=new.pk).update(issued_at=reissued)
    return issued


CEREMONY_YEAR = 2024
# Fictional representatives, with a pronunciation note for the master of ceremonies where the
# name is easily said wrong.
REPRESENTATIVES = [
    ("Ms Chan Wing-yan", ""),
    ("Mr Wong Ka-ming", ""),
    ("Mr Ng Chun-hei", "Ng: one syllable, a hummed “ng” as at the end of “sing”."),
    ("Ms Tse Hiu-tung", "Tse: “cheh”; Hiu-tung: “hew-toong”."),
    ("Mr Kwok Chi-wai", "Kwok: “gwok”."),
    ("Ms Au-yeung Ching-man", "Au-yeung is one double surname: “ow-yeung”."),
    ("Mr Lee Siu-fung", ""),
    ("Ms Lau Mei-ling", ""),
    ("Mr Cheung Tsz-kin", "Tsz: a short “chee”."),
    ("Ms Ho Suet-man", "Suet: “shoot”."),
    ("Mr Leung Chun-yin", ""),
    ("Ms Yeung Pak-yee", ""),
    ("Mr Mak Kwan-yiu", ""),
    ("Ms Fung Sze-wing", ""),
    ("Mr Chow Ming-hin", ""),
    ("Ms Siu Lok-yi", ""),
    ("Mr Yip Wai-kit", ""),
    ("Ms Tsang Yuk-ting", "Tsang: “jahng”."),
    ("Mr David Lam Tak-shing", ""),
    ("Ms Michelle Kong Wai-sum", ""),
    ("Mr Raymond Chiu Kin-pong", ""),
]
TITLES = [
    "Director of Operations",
    "General Manager",
    "Head of Security",
    "Chief Executive Officer",
    "Managing Director",
    "Head of Customs Compliance",
    "Chief Operating Officer",
    "Executive Director",
    "Regional Director, Hong Kong and Macao",
    "Senior Manager, Trade Compliance",
]
AWARDEES_PER_TABLE = 3


def seed_ceremony_list(users: dict, plan: dict | None = None) -> int:
    """The 2024 ceremony list, through the services, as the secretariat drew it up a few weeks
    before the ceremony: the default order, then each awardee's representative (a fictional
    name and title, a pronunciation note for a few) and table, three awardees to a table.
    Only once: a list that exists (perhaps rearranged during a demo) is left as it is.
    Returns how many awardees were put on it."""
    plan = plan or load_plan()
    cycle = Cycle.objects.filter(year=CEREMONY_YEAR).first()
    if (
        cycle is None
        or not cycle.is_frozen
        or CeremonyEntry.objects.filter(result__nomination__cycle=cycle).exists()
    ):
        return 0
    spec = next(spec for spec in plan["cycles"] if spec["year"] == CEREMONY_YEAR)
    user = users[spec.get("finalised_by", "secretariat")]
    rng = random.Random(f"eepa-demo-ceremony-{CEREMONY_YEAR}")
    history = History(present(plan))
    # About three and a half weeks before the ceremony, after the publication.
    drawn_up = workday(at_hour(date.fromisoformat(spec["ceremony_on"]) - timedelta(days=24), rng))
    added = ceremony_list_fill(cycle=cycle, user=user)
    history.at(drawn_up)
    entries = ceremony_entries(cycle)
    people = rng.sample(REPRESENTATIVES, min(len(entries), len(REPRESENTATIVES)))
    titles = rng.sample(TITLES, len(TITLES))
    for index, (entry, (name, note)) in enumerate(zip(entries, people, strict=False)):
        ceremony_entry_update(
            result=entry.result,
            user=user,
            representative_name=name,
            representative_title=titles[index % len(titles)],
            pronunciation_note=note,
            table_number=index // AWARDEES_PER_TABLE + 1,
        )
        # The replies came in over the following fortnight.
        day = drawn_up.date() + timedelta(days=1 + 14 * index // len(entries))
        history.at(workday(at_hour(day, rng)))
    return added


# The checks


def check_award_history(plan: dict | None = None) -> None:
    """Fail loudly unless the demo's award history is the real award's (module docstring)."""
    problems = award_history_problems(plan or load_plan())
    if problems:
        raise CommandError("The demo award cycles are wrong:\n" + "\n".join(problems))


def award_history_problems(plan: dict) -> list[str]:
    problems = []
    planned = {spec["year"]: spec["awards_planned"] for spec in plan["cycles"]}
    awarded = defaultdict(set)
    for year, br_number in NominationResult.objects.filter(awarded=True).values_list(
        "nomination__cycle__year", "nomination__enterprise__br_number"
    ):
        awarded[year].add(br_number)
    for year in HISTORY_YEARS:
        if len(awarded[year]) != planned[year]:
            problems.append(f"{year}: {len(awarded[year])} awarded, not {planned[year]}")
    every_year = set.intersection(*(awarded[year] for year in HISTORY_YEARS))
    if len(every_year) != AWARDED_EVERY_YEAR:
        problems.append(
            f"{len(every_year)} enterprises awarded in all of {HISTORY_YEARS}, not "
            f"{AWARDED_EVERY_YEAR}: {sorted(every_year)}"
        )
    if PARTNER_BR["partner1"] not in every_year:
        problems.append(f"partner1's enterprise {PARTNER_BR['partner1']} is not among them")
    partner2 = set(
        NominationResult.objects.filter(
            nomination__enterprise__br_number=PARTNER_BR["partner2"]
        ).values_list("nomination__cycle__year", "awarded")
    )
    if not partner2 or all(was_awarded for _, was_awarded in partner2):
        problems.append(
            f"partner2's enterprise must be nominated and not always awarded: {partner2}"
        )
    for cycle in Cycle.objects.filter(status__in=Cycle.FROZEN_STATUSES):
        late = CooperationEvent.objects.filter(
            status=CooperationEvent.Status.VERIFIED,
            occurred_on__gte=cycle.window_start,
            occurred_on__lte=cycle.window_end,
            verified_at__gte=cycle.finalised_at,
        ).values_list("pk", flat=True)
        if late:
            problems.append(
                f"{cycle.year}: events of its window verified after it was finalised: "
                f"{list(late[:10])}"
            )
    return problems
