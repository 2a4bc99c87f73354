"""A large dataset for measuring the portal at an administration's volume (`generate_dataset`).

What it writes is what the services would have written over four years, only written in bulk:
- the demo users with their roles (seeds/users.py), partner1 and partner2 managing two
  different enterprises;
- N enterprises in every sector, the demo's own first (seeds/data/enterprises.csv), then
  generated ones; each with its "created" audit entry;
- M cooperation events over the last four years, day by day, in all seven types, every
  significance and every status (mostly verified), each with the audit entries of the steps
  it went through (created, submitted, verified, returned, withdrawn) and the fields those
  steps set; logged by an officer, verified by the verifier (four eyes), a verified event
  withdrawn by the secretariat;
- last year's award cycle published (a few hundred nominees, every review in, the awardees
  decided, finalised and published through the real services, so the frozen results are the
  services' own) and this year's in panel review with K active nominees, the three panel
  members assigned to each (the real service), most reviews submitted, a few conflicts;
- the kept numbers (events per month, cooperation tallies, nomination scores) rebuilt from the
  records by `rebuild_derived`, as after any bulk load.

Deterministic: the same sizes and seed give the same records on the same day (the dates are
relative to portal.clock.today()). On PostgreSQL the big tables are written with COPY; on
another database (SQLite, for small sizes) with batched INSERTs.
"""

import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from awards import notifications
from awards.models import (
    Assignment,
    CooperationTally,
    Cycle,
    Nomination,
    NominationResult,
    NominationScore,
    PanelCriterion,
    Review,
    ReviewScore,
)
from awards.services.cycles import cycle_advance, cycle_create
from awards.services.decisions import cycle_finalise, cycle_publish, decisions_apply_suggestion
from awards.services.panel import AssignmentMode
from partners.models import CooperationEvent, Enterprise, EventMonthCount, Membership, Sector
from partners.services.enterprises import ENTERPRISE_FIELDS
from portal.audit import audit_many
from portal.clock import today as clock_today
from portal.models import AuditEntry
from seeds import DATA_DIR
from seeds.cycles import cycle_settings, load_plan
from seeds.records import read_csv, seed_users
from seeds.users import DEMO_USERS, emails_discarded

Status = CooperationEvent.Status
EventType = CooperationEvent.EventType
Significance = CooperationEvent.Significance
Declaration = Assignment.Declaration

PANEL = ["panel1", "panel2", "panel3"]
OFFICERS = ["officer", "officer2"]
SECRETARIAT = ["secretariat", "secretariat2"]
PARTNER_BR = {spec.username: spec.br_number for spec in DEMO_USERS if spec.br_number}
HISTORY_DAYS = 4 * 365 + 1  # four years back from today
RECENT_DAYS = 45  # younger events are still moving through the workflow
PREVIOUS_NOMINEES = 300  # last year's cycle: at most this many nominees
PROGRESS_EVERY = 100_000
RETURNED_AFTER = timedelta(days=3)  # from submission to a verifier's return
EVENT_FIELDS = [
    "id",
    "enterprise",
    "event_type",
    "occurred_on",
    "title",
    "partner_summary",
    "restricted_details",
    "significance",
    "seizure_value_hkd",
    "cases",
    "arrests",
    "status",
    "logged_by",
    "submitted_at",
    "verified_by",
    "verified_at",
    "return_reason",
    "withdrawal_reason",
    "created_at",
    "updated_at",
]

TYPE_WEIGHTS = {
    EventType.CONTROLLED_DELIVERY: 6,
    EventType.INTELLIGENCE_TIP: 20,
    EventType.DETECTION_ASSISTANCE: 18,
    EventType.FACILITATION: 16,
    EventType.DATA_SHARING: 20,
    EventType.SECURITY_PRACTICE: 10,
    EventType.TRAINING: 10,
}
SIGNIFICANCE_WEIGHTS = {Significance.ROUTINE: 70, Significance.NOTABLE: 22, Significance.MAJOR: 8}
CASE_WORK = {
    EventType.CONTROLLED_DELIVERY,
    EventType.INTELLIGENCE_TIP,
    EventType.DETECTION_ASSISTANCE,
}
GOODS = [
    "counterfeit handbags",
    "smuggled cigarettes",
    "undeclared electronics",
    "infringing sportswear",
    "dutiable liquor",
    "falsely labelled cosmetics",
    "counterfeit phone parts",
    "smuggled frozen meat",
]
TITLES = {
    EventType.CONTROLLED_DELIVERY: "Controlled delivery of {goods}",
    EventType.INTELLIGENCE_TIP: "Tip-off on {goods}",
    EventType.DETECTION_ASSISTANCE: "Assistance in detecting {goods}",
    EventType.FACILITATION: "Facilitation of an examination ({goods})",
    EventType.DATA_SHARING: "Manifest data shared on {goods}",
    EventType.SECURITY_PRACTICE: "Cargo security audit passed",
    EventType.TRAINING: "Staff trained to spot {goods}",
}
SUMMARIES = {
    EventType.CONTROLLED_DELIVERY: "The enterprise's staff helped Customs follow a shipment.",
    EventType.INTELLIGENCE_TIP: "The enterprise reported a suspicious consignment.",
    EventType.DETECTION_ASSISTANCE: "The enterprise's staff assisted an examination on site.",
    EventType.FACILITATION: "The enterprise made its premises and records available.",
    EventType.DATA_SHARING: "The enterprise shared its shipment data with Customs.",
    EventType.SECURITY_PRACTICE: "The enterprise completed an independent security audit.",
    EventType.TRAINING: "The enterprise's staff attended a Customs training session.",
}
RETURN_REASONS = [
    "Please attach the case officer's memo as evidence before resubmitting.",
    "The date does not match the liaison log; please confirm it.",
    "The significance looks too high for the partner's part; please review it.",
]
WITHDRAWAL_REASONS = [
    "Duplicate of an event already recorded.",
    "Logged against the wrong enterprise.",
    "On review the enterprise's part was too small to record.",
]
CONFLICT_REASON = "A close relative works for this enterprise."
COMMENTS = [
    "Consistent cooperation through the year; quick to respond at short notice.",
    "Cooperative when asked, but little on its own initiative.",
    "",
    "",
]
# Generated enterprises' names: a place, a trade word, the sector's noun.
PLACES = [
    ("Harbour", "海港"),
    ("Kowloon", "九龍"),
    ("Pearl River", "珠江"),
    ("Lantau", "大嶼山"),
    ("Tsing Yi", "青衣"),
    ("Victoria", "維多利亞"),
    ("Kwai Chung", "葵涌"),
    ("Sha Tin", "沙田"),
    ("Junk Bay", "將軍澳"),
    ("Lion Rock", "獅子山"),
]
TRADES = [
    ("Global", "環球"),
    ("Pacific", "太平洋"),
    ("Unity", "聯合"),
    ("Evergreen", "長青"),
    ("Summit", "高峰"),
    ("Golden", "金"),
    ("Swift", "迅"),
    ("Oriental", "東方"),
]
SECTOR_NOUNS = {
    Sector.CARGO_TERMINAL: ("Terminals", "碼頭"),
    Sector.SHIPPING_LINE: ("Shipping", "航運"),
    Sector.AIR_CARGO: ("Air Cargo", "空運"),
    Sector.FREIGHT_FORWARDER: ("Logistics", "物流"),
    Sector.EXPRESS_COURIER: ("Express", "速遞"),
    Sector.WAREHOUSING: ("Warehousing", "倉庫"),
    Sector.RIGHTS_OWNER: ("Brands", "品牌"),
    Sector.TRADE_ASSOCIATION: ("Traders Association", "商會"),
    Sector.ONLINE_MARKETPLACE: ("Online Mall", "網購"),
}


@dataclass(frozen=True)
class Sizes:
    enterprises: int
    events: int
    nominations: int
    seed: int = 1


Report = Callable[[str], None]


def generate(sizes: Sizes, *, report: Report = print) -> dict[str, int]:
    """Write the dataset into the empty database; returns the number of rows per table."""
    if sizes.enterprises < 2:
        raise CommandError("At least 2 enterprises: partner1 and partner2 manage one each.")
    if sizes.nominations < 2 or sizes.nominations > sizes.enterprises:
        raise CommandError("Nominations: at least 2 and at most the number of enterprises.")
    if sizes.events < 0:
        raise CommandError("The number of events cannot be negative.")
    refuse_unless_empty()
    started = time.monotonic()

    def step(message: str) -> None:
        report(f"[{time.monotonic() - started:7.1f} s] {message}")

    # The emails of the notifications go out when the transaction commits: nowhere.
    with emails_discarded(), transaction.atomic():
        generator = Generator(sizes, step)
        generator.run()
    if connection.vendor == "postgresql":
        # Statistics for the planner now: autovacuum would gather them only minutes later,
        # and until then the pages run on plans made for empty tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        step("Statistics gathered (ANALYZE)")
    step("Done.")
    return table_sizes()


def refuse_unless_empty() -> None:
    filled = [
        model._meta.verbose_name_plural
        for model in (get_user_model(), Enterprise, CooperationEvent, Cycle)
        if model.objects.exists()
    ]
    if filled:
        raise CommandError(
            "The database is not empty (it has "
            + ", ".join(map(str, filled))
            + "): generate_dataset writes only into a freshly migrated, empty database."
        )


def table_sizes() -> dict[str, int]:
    models = [
        Enterprise,
        CooperationEvent,
        AuditEntry,
        EventMonthCount,
        Cycle,
        Nomination,
        Assignment,
        Review,
        ReviewScore,
        NominationResult,
        CooperationTally,
        NominationScore,
    ]
    return {model._meta.db_table: model.objects.count() for model in models}


class Generator:
    def __init__(self, sizes: Sizes, step: Callable[[str], None]):
        self.sizes = sizes
        self.step = step
        self.rng = random.Random(f"eepa-dataset-{sizes.seed}")
        self.today = clock_today()
        self.now = timezone.now()
        self.zone = timezone.get_default_timezone()
        self.users: dict = {}

    def run(self) -> None:
        self.users, _ = seed_users()
        self.step(f"Users: {len(self.users)}")
        self.enterprises()
        self.step(f"Enterprises: {len(self.enterprise_ids)}")
        previous, current = self.cycles()
        self.events()
        self.nominate(previous, self.previous_nominees(), withdrawn=0)
        self.nominate(
            current, self.current_nominees(), withdrawn=max(1, self.sizes.nominations // 100)
        )
        self.step("Nominations written")
        for cycle, share in ((previous, 1.0), (current, 0.8)):
            cycle_advance(
                cycle=cycle, user=self.users["secretariat"], from_status=Cycle.Status.NOMINATIONS
            )
            self.review(cycle, submitted_share=share)
        self.step("Panel assigned and reviews written")
        call_command("rebuild_derived", stdout=_Lines(self.step))
        self.decide(previous)
        self.step(f"{previous.year} decided, finalised and published")

    # Enterprises

    def enterprises(self) -> None:
        """The demo's enterprises first (partner1's and partner2's among them), then
        generated ones, in every sector in turn."""
        rng, n = self.rng, self.sizes.enterprises
        demo_rows = [row for _, row in read_csv(DATA_DIR / "enterprises.csv", ENTERPRISE_FIELDS)]
        # partner1's and partner2's first, then one of each sector in turn.
        partners = list(PARTNER_BR.values())
        turn = Counter()
        order = {}
        for row in demo_rows:
            turn[row["sector"]] += 1
            order[row["br_number"]] = (turn[row["sector"]], Sector.values.index(row["sector"]))
        demo_rows.sort(
            key=lambda row: (
                partners.index(row["br_number"]) if row["br_number"] in partners else 2,
                order[row["br_number"]],
            )
        )
        rows = [{name: row[name].strip() for name in ENTERPRISE_FIELDS} for row in demo_rows[:n]]
        taken = {row["br_number"] for row in rows}
        sectors = list(Sector)
        numbers = iter(rng.sample(range(10_000_000, 100_000_000), n + len(taken)))
        for index in range(len(rows), n):
            br_number = str(next(numbers))
            while br_number in taken:
                br_number = str(next(numbers))
            taken.add(br_number)
            sector = sectors[index % len(sectors)]
            place, trade = rng.choice(PLACES), rng.choice(TRADES)
            noun = SECTOR_NOUNS[sector]
            rows.append(
                {
                    "name_en": f"{place[0]} {trade[0]} {noun[0]} {index} Limited",
                    "name_zh": f"{place[1]}{trade[1]}{noun[1]}{index}有限公司",
                    "br_number": br_number,
                    "sector": sector.value,
                    "status": Enterprise.Status.SUSPENDED
                    if rng.random() < 0.01
                    else Enterprise.Status.ACTIVE,
                    "contact_name": "",
                    "contact_title": "",
                    "contact_email": f"contact{index}@example.com",
                    "contact_phone": f"+852 2{index % 1000:03d} {rng.randrange(10000):04d}",
                    "address": f"{rng.randint(1, 200)} {place[0]} Road, Hong Kong",
                }
            )
        entered = self.moment(self.today - timedelta(days=HISTORY_DAYS + 30))
        ids = reserve_ids(Enterprise, len(rows))
        fields = ["id", *ENTERPRISE_FIELDS, "created_at", "updated_at"]
        with TableWriter(Enterprise, fields) as writer:
            for pk, row in zip(ids, rows, strict=True):
                writer.write([pk, *(row[name] for name in ENTERPRISE_FIELDS), entered, entered])
        self.enterprise_ids = list(ids)
        self.enterprise_rows = rows
        # How active each enterprise is: a few very, most a little. partner1's terminal is
        # among the most active, partner2's in the middle.
        order = list(range(n))
        rng.shuffle(order)
        order.remove(0)
        order.remove(1)
        order.insert(0, 0)
        order.insert(min(n - 1, n // 3), 1)
        self.weight_rank = {index: rank for rank, index in enumerate(order)}
        weights = [(self.weight_rank[i] + 10) ** -0.9 for i in range(n)]
        self.cum_weights = list(_accumulate(weights))
        secretariat = self.users["secretariat"]
        content_type = ContentType.objects.get_for_model(Enterprise).pk
        with TableWriter(AuditEntry, AUDIT_FIELDS) as writer:
            for pk, row in zip(ids, rows, strict=True):
                name = f"{row['name_en']} ({row['br_number']})"
                writer.write(
                    [
                        "partners.enterprise.created",
                        secretariat.pk,
                        content_type,
                        str(pk),
                        name[:300],
                        {},
                        "",
                        entered,
                    ]
                )
        users = self.users
        for username, index in (("partner1", 0), ("partner2", 1)):
            Membership.objects.create(
                user=users[username], enterprise_id=ids[index], is_manager=True
            )

    # Cycles

    def cycles(self) -> tuple[Cycle, Cycle]:
        """Last year's and this year's cycles, with the demo's settings (its latest cycle),
        created and opened for nominations through the services."""
        spec = load_plan()["cycles"][-1]
        fields, rules, criteria = cycle_settings(spec)
        year = self.today.year
        cycles = []
        for cycle_year in (year - 1, year):
            window_end = date(cycle_year, 5, 31)
            nomination_deadline = date(cycle_year, 6, 30)
            if cycle_year == year:  # open for scoring for a few more weeks
                scoring_deadline = max(self.today, nomination_deadline, window_end) + timedelta(
                    days=21
                )
            else:
                scoring_deadline = date(cycle_year, 8, 31)
            cycle_fields = {
                **fields,
                "year": cycle_year,
                "title_en": f"Elite Enterprise Partnership Award {cycle_year}",
                "title_zh": f"{cycle_year}年卓越企業夥伴嘉許計劃",
                "window_start": date(cycle_year - 1, 6, 1),
                "window_end": window_end,
                "nomination_deadline": nomination_deadline,
                "scoring_deadline": scoring_deadline,
            }
            planned = max(1, min(fields["awards_planned"], self.nominee_count(cycle_year) // 3))
            cycle_fields["awards_planned"] = planned
            user = self.users["secretariat"]
            cycle = cycle_create(user=user, criteria=criteria, rules=rules, **cycle_fields)
            cycle = cycle_advance(cycle=cycle, user=user, from_status=Cycle.Status.DRAFT)
            cycles.append(cycle)
        self.step(f"Cycles {year - 1} and {year} created")
        return cycles[0], cycles[1]

    def nominee_count(self, year: int) -> int:
        if year == self.today.year:
            return self.sizes.nominations
        return min(self.sizes.nominations, PREVIOUS_NOMINEES)

    # Events

    def events(self) -> None:
        """Day by day from four years ago to today, so that the ids follow the dates; then
        the audit entries of their steps, written by the database from the events."""
        rng, total = self.rng, self.sizes.events
        random_ = rng.random
        first_day = self.today - timedelta(days=HISTORY_DAYS - 1)
        ids = iter(reserve_ids(CooperationEvent, total))
        officers = [self.users[name].pk for name in OFFICERS]
        verifier = self.users["verifier"].pk
        types, type_weights = list(TYPE_WEIGHTS), list(_accumulate(TYPE_WEIGHTS.values()))
        levels = list(SIGNIFICANCE_WEIGHTS)
        level_weights = list(_accumulate(SIGNIFICANCE_WEIGHTS.values()))
        enterprise_ids, cum_weights = self.enterprise_ids, self.cum_weights
        population = range(len(enterprise_ids))
        titles = {t: [TITLES[t].format(goods=goods) for goods in GOODS] for t in types}
        case_work = {t: t in CASE_WORK for t in types}
        days_ = [timedelta(days=d) for d in range(20)]
        minutes = [timedelta(minutes=m) for m in range(1080)]
        returned_after = RETURNED_AFTER
        now, minute = self.now, timedelta(minutes=1)
        written = 0
        with (
            BulkLoad(CooperationEvent, AuditEntry),
            TableWriter(CooperationEvent, EVENT_FIELDS) as out,
        ):
            for offset in range(HISTORY_DAYS):
                count = total * (offset + 1) // HISTORY_DAYS - total * offset // HISTORY_DAYS
                if not count:
                    continue
                day = first_day + timedelta(days=offset)
                recent = (self.today - day).days <= RECENT_DAYS
                midnight = self.moment(day)
                chosen = rng.choices(population, cum_weights=cum_weights, k=count)
                kinds = rng.choices(types, cum_weights=type_weights, k=count)
                significances = rng.choices(levels, cum_weights=level_weights, k=count)
                for enterprise, event_type, significance in zip(
                    chosen, kinds, significances, strict=True
                ):
                    pk = next(ids)
                    title = titles[event_type][int(random_() * len(GOODS))]
                    seizure = cases = arrests = None
                    restricted = ""
                    if case_work[event_type]:
                        restricted = f"Case file CE-{day.year}-{pk:07d}."
                        if random_() < 0.6:
                            seizure = 50_000 + int(random_() * 50_000_000)
                            cases, arrests = 1 + int(random_() * 3), int(random_() * 5)
                    logger = officers[int(random_() * 2)]
                    path = _path(random_(), recent=recent)
                    # The steps, each a few days after the one before, never after now.
                    created = (
                        midnight + days_[int(random_() * 5)] + minutes[540 + int(random_() * 540)]
                    )
                    if created > now:
                        created = now - minute * 4
                    moment = created
                    status, submitted_at, verified_by, verified_at = "draft", None, None, None
                    return_reason = withdrawal_reason = ""
                    for name in path:
                        if name == "submitted":
                            later = (
                                moment
                                + days_[int(random_() * 3)]
                                + minutes[30 + int(random_() * 210)]
                            )
                        elif name == "verified":
                            later = (
                                moment
                                + days_[2 + int(random_() * 17)]
                                + minutes[10 + int(random_() * 290)]
                            )
                        elif name == "returned":
                            later = moment + returned_after
                        else:
                            later = (
                                moment
                                + days_[1 + int(random_() * 10)]
                                + minutes[10 + int(random_() * 290)]
                            )
                        if later > now:
                            break
                        moment = later
                        status = name
                        if name == "submitted":
                            submitted_at = moment
                        elif name == "verified":
                            verified_by, verified_at = verifier, moment
                        elif name == "returned":
                            return_reason = RETURN_REASONS[int(random_() * len(RETURN_REASONS))]
                        else:
                            withdrawal_reason = WITHDRAWAL_REASONS[
                                int(random_() * len(WITHDRAWAL_REASONS))
                            ]
                    out.write(
                        [
                            pk,
                            enterprise_ids[enterprise],
                            event_type,
                            day,
                            title,
                            SUMMARIES[event_type],
                            restricted,
                            significance,
                            seizure,
                            cases,
                            arrests,
                            status,
                            logger,
                            submitted_at,
                            verified_by,
                            verified_at,
                            return_reason,
                            withdrawal_reason,
                            created,
                            moment,
                        ]
                    )
                    written += 1
                    if written % PROGRESS_EVERY == 0:
                        self.step(f"Events: {written:,} of {total:,}")
            out.flush()
            self.step(f"Events: {written:,}")
            self.events_audit()
        self.step("Events' audit entries written, indexes built")

    def events_audit(self) -> None:
        """Each event's steps as the services record them (partners/services/events.py):
        created and submitted by its officer, verified or returned by the verifier,
        withdrawn by its officer or (once verified) by the secretariat; one INSERT … SELECT
        per kind of step, so that the database writes the millions of entries itself."""
        quote = connection.ops.quote_name
        postgresql = connection.vendor == "postgresql"
        events = quote(CooperationEvent._meta.db_table)
        entries = quote(AuditEntry._meta.db_table)
        columns = ", ".join(quote(AuditEntry._meta.get_field(name).column) for name in AUDIT_FIELDS)
        as_json = "::jsonb" if postgresql else ""
        if postgresql:
            returned_at = f"submitted_at + interval '{RETURNED_AFTER.days} days'"
        else:
            returned_at = f"datetime(submitted_at, '+{RETURNED_AFTER.days} days')"
        first, second = (self.users[name].pk for name in SECRETARIAT)

        def change(old: str, new: str) -> str:
            return json.dumps({"status": [old, new]})

        verifier = self.users["verifier"].pk
        # (step, actor, its parameters, changes, their parameters, note, when, which events)
        steps = [
            ("created", "logged_by_id", [], "%s", ["{}"], "''", "created_at", "TRUE"),
            (
                "submitted",
                "logged_by_id",
                [],
                "%s",
                [change("draft", "submitted")],
                "''",
                "submitted_at",
                "submitted_at IS NOT NULL",
            ),
            (
                "verified",
                "verified_by_id",
                [],
                "%s",
                [change("submitted", "verified")],
                "''",
                "verified_at",
                "verified_at IS NOT NULL",
            ),
            (
                "returned",
                "%s",
                [verifier],
                "%s",
                [change("submitted", "returned")],
                "return_reason",
                returned_at,
                "return_reason <> ''",
            ),
            (
                "withdrawn",
                "CASE WHEN verified_by_id IS NULL THEN logged_by_id "
                "WHEN id %% 2 = 0 THEN %s ELSE %s END",
                [first, second],
                "CASE WHEN verified_by_id IS NOT NULL THEN %s "
                "WHEN return_reason <> '' THEN %s ELSE %s END",
                [
                    change("verified", "withdrawn"),
                    change("returned", "withdrawn"),
                    change("draft", "withdrawn"),
                ],
                "withdrawal_reason",
                "updated_at",
                "status = 'withdrawn'",
            ),
        ]
        content_type = ContentType.objects.get_for_model(CooperationEvent).pk
        with connection.cursor() as cursor:
            for name, actor, actor_params, changes, change_params, note, at, where in steps:
                cursor.execute(
                    f"INSERT INTO {entries} ({columns}) "
                    f"SELECT %s, {actor}, %s, CAST(id AS TEXT), "
                    f"title || ' (' || CAST(occurred_on AS TEXT) || ')', "
                    f"({changes}){as_json}, {note}, {at} FROM {events} WHERE {where} ORDER BY id",
                    [f"partners.event.{name}", *actor_params, content_type, *change_params],
                )
                self.step(f"Audit entries: events {name}")

    def moment(self, day: date) -> datetime:
        return timezone.make_aware(datetime(day.year, day.month, day.day), self.zone)

    # Nominations and the panel

    def previous_nominees(self) -> list[int]:
        return self.nominees(self.nominee_count(self.today.year - 1))

    def current_nominees(self) -> list[int]:
        return self.nominees(self.sizes.nominations)

    def nominees(self, count: int) -> list[int]:
        """`count` active enterprises among the most active, partner1's and partner2's first."""
        active = [
            index
            for index in sorted(self.weight_rank, key=self.weight_rank.get)
            if self.enterprise_rows[index]["status"] == Enterprise.Status.ACTIVE
        ]
        pool = [i for i in active[: max(count * 3 // 2, count)] if i > 1]
        chosen = [0, 1] + self.rng.sample(pool, min(count - 2, len(pool)))
        if len(chosen) < count:  # too few in the pool: the rest of the active ones
            rest = [i for i in active if i not in set(chosen)]
            chosen += rest[: count - len(chosen)]
        return chosen[:count]

    def nominate(self, cycle: Cycle, indexes: list[int], *, withdrawn: int) -> None:
        """The nominees, as nominated in bulk; `withdrawn` more nominated and withdrawn."""
        user = self.users["secretariat"]
        nominated = set(indexes)
        others = [
            i
            for i in range(len(self.enterprise_ids))
            if i not in nominated and self.enterprise_rows[i]["status"] == Enterprise.Status.ACTIVE
        ]
        dropped = self.rng.sample(others, min(withdrawn, len(others)))
        enterprises = Enterprise.objects.in_bulk(
            [self.enterprise_ids[i] for i in indexes + dropped]
        )
        nominations = Nomination.objects.bulk_create(
            [
                Nomination(
                    cycle=cycle, enterprise=enterprises[self.enterprise_ids[i]], nominated_by=user
                )
                for i in indexes + dropped
            ],
            batch_size=1000,
        )
        audit_many(user, "awards.nomination.created_in_bulk", nominations, "1")
        gone = nominations[len(indexes) :]
        reason = "The enterprise asked not to be considered this year."
        Nomination.objects.filter(pk__in=[n.pk for n in gone]).update(
            status=Nomination.Status.WITHDRAWN, withdrawal_reason=reason
        )
        AuditEntry.objects.bulk_create(
            AuditEntry(
                actor=user,
                action="awards.nomination.withdrawn",
                content_type=ContentType.objects.get_for_model(Nomination),
                object_id=str(n.pk),
                object_repr=str(n)[:300],
                changes={"status": [Nomination.Status.ACTIVE, Nomination.Status.WITHDRAWN]},
                note=reason,
            )
            for n in gone
        )

    def review(self, cycle: Cycle, *, submitted_share: float) -> None:
        """Every panel member assigned to every active nominee, as assignments_create does
        (mode "all"); a few conflicts declared, `submitted_share` of the reviews submitted,
        some drafts, the rest not started."""
        rng = self.rng
        criteria = list(PanelCriterion.objects.filter(cycle=cycle))
        nominations = list(
            Nomination.objects.filter(cycle=cycle)
            .active()
            .select_related("enterprise", "cycle")
            .order_by("enterprise__br_number")
        )
        members = [self.users[name] for name in PANEL]
        pairs = [(nomination, member) for nomination in nominations for member in members]
        conflicts = set(rng.sample(range(len(pairs)), max(1, len(pairs) // 100)))
        review_open = self.moment(min(self.today, date(cycle.year, 7, 3)))
        span = max(
            1,
            int((min(self.now, self.moment(cycle.scoring_deadline)) - review_open).total_seconds()),
        )
        assignments, draws = [], []
        for index, (nomination, member) in enumerate(pairs):
            assignment = Assignment(nomination=nomination, member=member)
            draw = rng.random()
            if index in conflicts:
                assignment.declaration = Declaration.CONFLICT
                assignment.conflict_reason = CONFLICT_REASON
            elif draw < submitted_share + 0.05:
                assignment.declaration = Declaration.NO_CONFLICT
            if assignment.declaration != Declaration.PENDING:
                assignment.declared_at = review_open + timedelta(seconds=rng.randrange(span))
            # Kept as Review.save would keep it: submitted where the review below is.
            submitted = Review.Status.SUBMITTED if draw < submitted_share else None
            assignment.state = Assignment.state_of(assignment.declaration, submitted)
            assignments.append(assignment)
            draws.append(draw)
        secretariat = self.users["secretariat"]
        Assignment.objects.bulk_create(assignments, batch_size=1000)
        audit_many(secretariat, "awards.assignment.created", assignments, note=AssignmentMode.ALL)
        notifications.panel_assigned(cycle=cycle, assignments=assignments)
        leniency = {"panel1": 0.4, "panel2": -0.6, "panel3": 0.1}
        impression = {}
        reviews, audit = [], []
        scores: list[tuple[Review, list[int]]] = []
        assignment_type = ContentType.objects.get_for_model(Assignment)
        review_type = ContentType.objects.get_for_model(Review)
        for assignment, draw in zip(assignments, draws, strict=True):
            nomination = assignment.nomination
            view = impression.setdefault(nomination.pk, rng.gauss(6.5, 1.4))
            if assignment.declaration == Declaration.PENDING:
                continue
            at = assignment.declared_at
            audit.append(
                AuditEntry(
                    actor=assignment.member,
                    action="awards.assignment.declared",
                    content_type=assignment_type,
                    object_id=str(assignment.pk),
                    object_repr=str(assignment)[:300],
                    changes={"declaration": [Declaration.PENDING, assignment.declaration]},
                    note=assignment.conflict_reason,
                )
            )
            if assignment.declaration == Declaration.CONFLICT:
                continue
            submit = draw < submitted_share
            member_view = view + leniency[assignment.member.username] + rng.gauss(0, 0.6)
            marks = [max(0, min(10, round(member_view + rng.gauss(0, 0.7)))) for _ in criteria]
            if not submit:
                marks[-1] = None  # a draft: the last criterion not scored yet
            comment = rng.choice(COMMENTS) if submit else ""
            review = Review(
                assignment=assignment,
                status=Review.Status.SUBMITTED if submit else Review.Status.DRAFT,
                comment=comment,
                submitted_at=at + timedelta(hours=1) if submit else None,
            )
            reviews.append(review)
            scores.append((review, marks))
        Review.objects.bulk_create(reviews, batch_size=1000)
        ReviewScore.objects.bulk_create(
            [
                ReviewScore(review=review, criterion=criterion, score=mark)
                for review, marks in scores
                for criterion, mark in zip(criteria, marks, strict=True)
                if mark is not None
            ],
            batch_size=2000,
        )
        for review, marks in scores:
            changes = {
                c.name_en: ["", "" if m is None else str(m)]
                for c, m in zip(criteria, marks, strict=True)
                if m is not None
            }
            if review.comment:
                changes["comment"] = ["", review.comment]
            submitted = review.status == Review.Status.SUBMITTED
            if submitted:
                changes["status"] = [Review.Status.DRAFT, Review.Status.SUBMITTED]
            audit.append(
                AuditEntry(
                    actor=review.assignment.member,
                    action="awards.review.submitted" if submitted else "awards.review.saved",
                    content_type=review_type,
                    object_id=str(review.pk),
                    object_repr=str(review.assignment)[:300],
                    changes=changes,
                )
            )
        AuditEntry.objects.bulk_create(audit, batch_size=1000)

    def decide(self, cycle: Cycle) -> None:
        """The ranking's suggestion applied, finalised by one secretariat user and published
        by the other: the frozen results are the services' own."""
        cycle = Cycle.objects.get(pk=cycle.pk)
        decisions_apply_suggestion(cycle=cycle, user=self.users["secretariat"])
        cycle = cycle_finalise(cycle=cycle, user=self.users["secretariat"])
        cycle_publish(cycle=cycle, user=self.users["secretariat2"])


def _path(draw: float, *, recent: bool) -> tuple[str, ...]:
    """The workflow steps an event went through after it was logged."""
    if recent:
        table = [
            (0.55, ("submitted", "verified")),
            (0.80, ("submitted",)),
            (0.88, ()),
            (0.94, ("submitted", "returned")),
            (0.97, ("submitted", "returned", "withdrawn")),
            (1.00, ("withdrawn",)),
        ]
    else:
        table = [
            (0.955, ("submitted", "verified")),
            (0.970, ("submitted", "verified", "withdrawn")),
            (0.980, ("submitted", "returned", "withdrawn")),
            (0.985, ("withdrawn",)),
            (1.000, ("submitted", "returned")),
        ]
    for limit, path in table:
        if draw < limit:
            return path
    return table[-1][1]


def _accumulate(values: Iterable[float]) -> Iterable[float]:
    total = 0
    for value in values:
        total += value
        yield total


class _Lines:
    """A stdout for call_command that reports each line."""

    def __init__(self, report: Callable[[str], None]):
        self.report = report

    def write(self, text: str) -> None:
        for line in text.splitlines():
            if line.strip():
                self.report(line)

    def flush(self) -> None:
        pass


# Bulk writing

AUDIT_FIELDS = [
    "action",
    "actor",
    "content_type",
    "object_id",
    "object_repr",
    "changes",
    "note",
    "created_at",
]


def reserve_ids(model: type[Model], count: int) -> range:
    """`count` primary keys nobody else will be given: on PostgreSQL taken from the table's
    sequence in one step; elsewhere after the largest one."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [sequence])
            first = cursor.fetchone()[0]
            if count > 1:
                cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
            return range(first, first + count)
        cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")
        first = (cursor.fetchone()[0] or 0) + 1
        return range(first, first + count)


class BulkLoad:
    """On PostgreSQL, load `models`' tables the way a restore does: their plain indexes
    (those of no constraint) dropped during the load and built again once at the end, which
    is many times faster than updating them row by row; and, where the connection's role may
    (a superuser), the triggers that check foreign keys suspended during the load, the rows
    being written with keys taken from the tables they point to. Elsewhere it does nothing."""

    def __init__(self, *models: type[Model]):
        self.tables = [model._meta.db_table for model in models]
        self.postgresql = connection.vendor == "postgresql"

    def __enter__(self):
        if not self.postgresql:
            return self
        with connection.cursor() as cursor:
            # The foreign keys checked row by row, not queued to the commit: a table with
            # checks pending cannot be indexed. Checks pending from before are made now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conname = i.indexname AND c.connamespace = "
                "(SELECT oid FROM pg_namespace WHERE nspname = current_schema()))",
                [self.tables],
            )
            self.indexes = cursor.fetchall()
            for name, _definition in self.indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            self.replica = bool(cursor.fetchone()[0])
            if self.replica:
                cursor.execute("SET LOCAL session_replication_role = replica")
        return self

    def __exit__(self, exc_type, *exc):
        if not self.postgresql or exc_type is not None:
            return False
        with connection.cursor() as cursor:
            if self.replica:
                cursor.execute("SET LOCAL session_replication_role = origin")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for _name, definition in self.indexes:
                cursor.execute(definition)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return False


class TableWriter:
    """Rows of a model's table, written in batches: with COPY on PostgreSQL, with INSERTs
    elsewhere. Values are Python values in the order of `fields` (foreign keys as ids). Each
    batch is a COPY of its own, so that two writers can be open at once on one connection."""

    def __init__(self, model: type[Model], fields: list[str]):
        self.fields = [model._meta.get_field(name) for name in fields]
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(field.column) for field in self.fields)
        self.json = [
            i for i, field in enumerate(self.fields) if field.get_internal_type() == "JSONField"
        ]
        self.postgresql = connection.vendor == "postgresql"
        self.size = 20_000 if self.postgresql else 2_000
        self.batch: list[list] = []

    def __enter__(self):
        return self

    def write(self, row: list) -> None:
        for i in self.json:  # JSON given as its text is written as it is
            if not isinstance(row[i], str):
                row[i] = json.dumps(row[i])
        if not self.postgresql:
            row = [
                value if i in self.json else field.get_db_prep_save(value, connection)
                for i, (field, value) in enumerate(zip(self.fields, row, strict=True))
            ]
        self.batch.append(row)
        if len(self.batch) >= self.size:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        with connection.cursor() as cursor:
            if self.postgresql:
                sql = f"COPY {self.table} ({self.columns}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in self.batch:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                sql = f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})"
                cursor.executemany(sql, self.batch)
        self.batch = []

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            self.flush()
        return False
