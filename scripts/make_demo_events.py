"""Regenerate seeds/events.csv, the demo cooperation events, from seeds/enterprises.csv.

    .venv/bin/python scripts/make_demo_events.py

Deterministic: one fixed random seed, so the same enterprises always give the same file.
The columns are those of the event import (docs/import.md) plus `status`, the workflow state
`seed_demo` drives each event to through the services. Plain Python, no Django needed.
"""

import csv
import random
from datetime import date, timedelta
from pathlib import Path

SEED = 20241018
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
COLUMNS = [
    "br_number",
    "event_type",
    "occurred_on",
    "significance",
    "title",
    "partner_summary",
    "restricted_details",
    "seizure_value_hkd",
    "cases",
    "status",
]
FIRST_DAY, LAST_DAY = date(2022, 1, 1), date(2024, 12, 31)

# The cargo terminal operator whose help led to the HK$1.5 billion seizure, and the other
# enterprises that cooperate all year round, every year.
TERMINAL = "61458302"
STRONG = {TERMINAL, "70214486", "72290418", "76631580", "73815520", "74420183", "68953017"}
# partner2's enterprise: a steady, medium cooperator.
MEDIUM = {"53360278"}

IP_SECTORS = {"rights_owner", "trade_association", "online_marketplace"}

# Which kinds of cooperation each sector offers, with relative weights.
TYPES_BY_SECTOR = {
    "cargo_terminal": {
        "data_sharing": 5,
        "detection_assistance": 4,
        "security_practice": 3,
        "facilitation": 3,
        "intelligence_tip": 2,
        "controlled_delivery": 1,
        "training": 2,
    },
    "shipping_line": {
        "intelligence_tip": 4,
        "data_sharing": 4,
        "controlled_delivery": 2,
        "security_practice": 2,
        "training": 2,
        "facilitation": 1,
    },
    "air_cargo": {
        "detection_assistance": 4,
        "data_sharing": 3,
        "security_practice": 3,
        "intelligence_tip": 2,
        "training": 2,
        "facilitation": 1,
    },
    "freight_forwarder": {
        "intelligence_tip": 4,
        "controlled_delivery": 3,
        "data_sharing": 2,
        "training": 3,
        "facilitation": 1,
    },
    "express_courier": {
        "controlled_delivery": 4,
        "intelligence_tip": 4,
        "detection_assistance": 3,
        "data_sharing": 2,
        "training": 2,
    },
    "warehousing": {
        "security_practice": 4,
        "facilitation": 3,
        "detection_assistance": 2,
        "training": 2,
        "intelligence_tip": 1,
    },
    "rights_owner": {
        "intelligence_tip": 4,
        "detection_assistance": 4,
        "training": 2,
        "facilitation": 2,
    },
    "trade_association": {"training": 4, "intelligence_tip": 3, "facilitation": 3},
    "online_marketplace": {
        "intelligence_tip": 4,
        "data_sharing": 3,
        "facilitation": 2,
        "training": 2,
    },
}

SIGNIFICANCE_WEIGHTS = {
    "controlled_delivery": {"routine": 1, "notable": 4, "major": 2},
    "intelligence_tip": {"routine": 4, "notable": 4, "major": 1},
    "detection_assistance": {"routine": 3, "notable": 4, "major": 1},
    "facilitation": {"routine": 6, "notable": 3, "major": 0},
    "data_sharing": {"routine": 6, "notable": 3, "major": 0},
    "security_practice": {"routine": 5, "notable": 2, "major": 0},
    "training": {"routine": 8, "notable": 1, "major": 0},
}
# Event types that end in a seizure, and the range of its value (HK$) by significance.
SEIZURE_TYPES = {"controlled_delivery", "intelligence_tip", "detection_assistance"}
SEIZURE_RANGE = {
    "routine": (40_000, 1_500_000),
    "notable": (800_000, 25_000_000),
    "major": (20_000_000, 180_000_000),
}

SMUGGLED_GOODS = [
    "frozen meat",
    "smartphones",
    "computer processors",
    "duty-not-paid cigarettes",
    "dried shark fin",
    "pangolin scales",
    "agarwood",
    "red wine",
    "dried abalone",
    "edible bird's nest",
    "luxury handbags",
    "cosmetics",
    "cannabis buds",
    "methamphetamine",
    "ketamine",
    "cough medicine",
    "used vehicle parts",
    "rhino horn",
    "ivory carvings",
    "memory chips",
]
COUNTERFEIT_GOODS = [
    "watches",
    "handbags",
    "sports shoes",
    "perfume",
    "skin-care products",
    "mobile phone accessories",
    "earphones",
    "music discs",
    "sportswear",
    "toys",
    "wine labels",
    "cosmetics",
]
DECLARED_AS = [
    "plastic pellets",
    "used clothing",
    "ceramic tiles",
    "machine parts",
    "paper products",
    "garden furniture",
    "textile samples",
    "stationery",
    "kitchenware",
]
PLACES = [
    "Kwai Chung",
    "Tsing Yi",
    "Tuen Mun River Trade Terminal",
    "the airport cargo area",
    "Lok Ma Chau",
    "Shenzhen Bay",
    "Sha Tau Kok",
    "the Hong Kong-Zhuhai-Macao Bridge",
    "Kwun Tong",
    "Yuen Long",
    "Sheung Shui",
    "Cheung Sha Wan",
]
ORIGINS = [
    "Southeast Asia",
    "South America",
    "West Africa",
    "the Middle East",
    "Europe",
    "South Asia",
    "North America",
    "Oceania",
]
VESSELS = [
    "MV Eastern Resolve",
    "MV Coral Harmony",
    "MV Northern Lantern",
    "MV Golden Heron",
    "MV Sea Pioneer",
    "MV Bright Horizon",
    "MV Pacific Willow",
    "MV Silver Orchid",
]
UNITS = {
    "SCIB": "Syndicate Crimes Investigation Bureau",
    "IPIB": "Intellectual Property Investigation Bureau",
    "PMC": "Ports and Maritime Command",
    "APC": "Airport Command",
    "CDIB": "Customs Drug Investigation Bureau",
    "RGIB": "Revenue and General Investigation Bureau",
    "LBC": "Land Boundary Command",
}
COMMAND_BY_SECTOR = {
    "cargo_terminal": "PMC",
    "shipping_line": "PMC",
    "air_cargo": "APC",
    "express_courier": "APC",
    "freight_forwarder": "LBC",
    "warehousing": "LBC",
}
DRUGS = {"cannabis buds", "methamphetamine", "ketamine", "cough medicine"}
TRAINING_TOPICS = [
    "Recognising suspicious consignments",
    "Anti-smuggling awareness for front-line staff",
    "Dangerous drugs concealment methods",
    "Endangered species and CITES permits",
    "Strategic trade controls",
    "Cargo security and access control",
    "Authorised Economic Operator programme briefing",
    "Money laundering through trade",
]
IP_TRAINING_TOPICS = [
    "Counterfeit goods identification",
    "Reporting suspicious e-commerce listings",
    "Trade Descriptions Ordinance for retailers",
    "Copyright infringement in online sales",
    "Evidence handling for brand investigators",
]
SECURITY_MEASURES = [
    "third-party security audit passed",
    "access control upgraded for cargo storage areas",
    "CCTV coverage extended to the examination bays",
    "seal verification introduced at the gate",
    "vetting of contractors' staff tightened",
    "tamper-evident seals adopted for all outbound containers",
    "restricted-zone badges reissued with photo identification",
]
FACILITATION = [
    "dedicated examination bays for Customs",
    "after-hours access for a Customs operation",
    "storage of seized goods pending transfer",
    "priority x-ray scanning on short notice",
    "equipment and staff for a large-scale examination",
    "office space for a joint operation",
    "venue and logistics for a Customs exercise",
]
IP_FACILITATION = [
    "product samples and an authentication guide for front-line officers",
    "expert witnesses for court proceedings",
    "storage and disposal of seized infringing goods",
    "venue and speakers for a joint anti-counterfeiting seminar",
    "prompt take-down of suspicious listings",
    "member alerts for a Customs public-awareness campaign",
]
SYSTEMS = [
    "container tracking system",
    "manifest screening tool",
    "shipment monitoring dashboard",
    "gate transaction log",
    "parcel risk-scoring system",
    "seller verification records",
    "warehouse management system",
]
TIP_CHANNELS = [
    "tip relayed by phone to the duty officer",
    "information passed through the designated liaison officer",
    "report sent through the partner's secure mailbox",
    "intelligence shared at the monthly liaison meeting",
]


def money(rng: random.Random, significance: str) -> str:
    low, high = SEIZURE_RANGE[significance]
    # Round to the nearest hundred so the figures look like seizure reports, not noise.
    return f"{round(rng.uniform(low, high), -2):.2f}"


def case_ref(rng: random.Random, code: str, year: int) -> str:
    return f"{code}/{year}/{rng.randint(100, 2999):04d}"


def arrests_note(rng: random.Random) -> str:
    arrests = rng.choice([0, 1, 1, 2, 2, 3, 4])
    if arrests == 0:
        return "No arrest yet; enquiries continue."
    ages = ", ".join(str(rng.randint(22, 63)) for _ in range(arrests))
    return f"{arrests} arrested (aged {ages}); further arrests not ruled out."


def describe(rng: random.Random, event_type: str, sector: str, day: date, significance: str):
    """(title, partner summary, restricted details, has seizure) for one event."""
    ip = sector in IP_SECTORS
    place = rng.choice(PLACES)
    goods = rng.choice(COUNTERFEIT_GOODS if ip else SMUGGLED_GOODS)
    if ip:
        code = "IPIB"
    elif goods in DRUGS and event_type in SEIZURE_TYPES:
        code = "CDIB"
    else:
        code = rng.choice([COMMAND_BY_SECTOR[sector], "SCIB", "RGIB"])
    unit, ref = UNITS[code], case_ref(rng, code, day.year)
    goods = f"suspected counterfeit {goods}" if ip else goods
    # Most notable and major cases end in a seizure; some routine ones do too.
    seized = event_type in SEIZURE_TYPES and (significance != "routine" or rng.random() < 0.3)

    if event_type == "controlled_delivery":
        title = rng.choice(
            [
                f"Controlled delivery of {goods} to {place}",
                f"Joint controlled delivery: consignment of {goods}",
                f"Participation in controlled delivery ({goods}, {place})",
            ]
        )
        summary = rng.choice(
            [
                "Held the consignment at Customs' request and delivered it under "
                "Customs supervision as agreed.",
                "Drivers and dispatch staff followed Customs' instructions throughout "
                "a controlled delivery operation.",
                "Adjusted the delivery schedule and route at short notice to support "
                "a Customs operation.",
            ]
        )
        details = (
            f"Case ref. {ref} ({unit}). Consignment of {goods} from {rng.choice(ORIGINS)}, "
            f"declared as {rng.choice(DECLARED_AS)}. Delivered under surveillance to a "
            f"premises in {place}; receiver intercepted on collection. {arrests_note(rng)} "
            "Delivery driver's identity protected; do not disclose."
        )
    elif event_type == "intelligence_tip":
        title = rng.choice(
            [
                f"Tip on {goods} consignment via {place}",
                f"Information on suspicious shipments of {goods}",
                f"Report of irregular declarations ({goods})",
                f"Tip-off on a consignee linked to {goods}",
            ]
        )
        if ip:
            summary = rng.choice(
                [
                    "Reported listings and sellers suspected of offering infringing goods.",
                    "Shared information on a suspected source of infringing goods.",
                    "Alerted Customs to a pattern of suspicious orders and returns.",
                ]
            )
        else:
            summary = rng.choice(
                [
                    "Alerted Customs to a shipment whose declaration did not match its profile.",
                    "Provided information that helped Customs detect a customs offence.",
                    "Flagged an unusual booking pattern for Customs' attention.",
                ]
            )
        if ip:
            lead = (
                f"{rng.randint(3, 40)} listings from {rng.randint(1, 6)} seller accounts "
                f"identified; test purchase made by {code} on {day:%d %b}."
            )
        else:
            lead = (
                f"Subject consignee traced to a shell company registered in "
                f"{rng.choice(PLACES)}; {rng.randint(2, 11)} earlier shipments under the "
                "same contact number reviewed."
            )
            if sector in {"shipping_line", "cargo_terminal"}:
                lead = f"Boxes carried on {rng.choice(VESSELS)}. {lead}"
        details = (
            f"Case ref. {ref} ({unit}); {rng.choice(TIP_CHANNELS)}. {lead} "
            f"{arrests_note(rng)} Source to be kept confidential."
        )
    elif event_type == "detection_assistance":
        if ip:
            title = rng.choice(
                [
                    f"Examination of seized {goods} by brand experts",
                    f"Authentication support for a seizure of {goods}",
                    f"Expert statement on {goods} seized at {place}",
                ]
            )
            summary = rng.choice(
                [
                    "Brand experts examined seized items and provided written confirmation.",
                    "Examined goods at short notice and gave a witness statement.",
                ]
            )
        else:
            title = rng.choice(
                [
                    f"On-site assistance in examination of {goods} at {place}",
                    f"Container tracking and evidence collection ({goods})",
                    f"Assistance with the detection of {goods}",
                ]
            )
            summary = rng.choice(
                [
                    "Staff assisted Customs on site with container handling and evidence "
                    "collection.",
                    "Provided container movement records and helped Customs keep track of "
                    "the boxes of interest.",
                    "Made handling equipment and staff available for a Customs examination.",
                ]
            )
        if ip:
            examined = rng.randint(20, 3000)
            details = (
                f"Case ref. {ref} ({unit}). {examined} items examined by the brand's "
                f"authentication team; {rng.randint(examined // 2, examined)} confirmed "
                "counterfeit. Expert statement signed; the examiner may be called as a "
                f"witness. {arrests_note(rng)}"
            )
        else:
            details = (
                f"Case ref. {ref} ({unit}). {rng.randint(1, 6)} container(s) of {goods} "
                f"declared as {rng.choice(DECLARED_AS)}, origin {rng.choice(ORIGINS)}. "
                "Partner supplied CCTV footage and handling logs; exhibits sealed by the "
                f"case officer. {arrests_note(rng)}"
            )
    elif event_type == "facilitation":
        arrangement = rng.choice(IP_FACILITATION if ip else FACILITATION)
        title = f"Facilitation: {arrangement}"
        summary = rng.choice(
            [
                f"Provided {arrangement}, which helped Customs complete its work quickly.",
                f"Arranged {arrangement} at Customs' request, at short notice.",
            ]
        )
        details = (
            f"Requested by {unit} for operation ref. {ref}. Arranged within "
            f"{rng.choice(['2 hours', 'the same day', 'one working day', '36 hours'])}. "
            f"Contact at partner: duty manager on shift. Cost borne by the partner."
        )
    elif event_type == "data_sharing":
        system = rng.choice(SYSTEMS)
        title = rng.choice(
            [
                f"Real-time data from the {system}",
                f"Shipment data shared from the {system} ({day:%B})",
                f"Data feed on high-risk shipments via the {system}",
            ]
        )
        summary = rng.choice(
            [
                "Shared real-time shipment information from the enterprise's monitoring systems.",
                "Provided data that Customs cross-referenced with manifests and trade patterns.",
                "Gave Customs timely information on shipments of interest.",
            ]
        )
        details = (
            f"Feed used by {unit}. {rng.randint(3, 60)} shipments flagged in the period; "
            f"{rng.randint(0, 4)} referred for examination (ref. {ref}). Data retained "
            "under the data-sharing memorandum; not for onward disclosure."
        )
    elif event_type == "security_practice":
        measure = rng.choice(SECURITY_MEASURES)
        title = f"Security practice: {measure}"
        summary = f"Improved cargo security: {measure}."
        details = (
            f"Verified on site by {unit} on {day + timedelta(days=rng.randint(3, 20)):%d %b %Y}. "
            f"Residual findings: {rng.choice(['none', 'two minor', 'one minor', 'three minor'])}. "
            f"Audit report kept on file {ref}."
        )
    else:  # training
        topic = rng.choice(IP_TRAINING_TOPICS if ip else TRAINING_TOPICS)
        staff = rng.randint(8, 120)
        title = f"Training: {topic}"
        summary = f"{staff} staff took part in a Customs training programme: {topic.lower()}."
        details = (
            f"Delivered by {unit} trainers. Attendance sheet on file {ref}. "
            f"Follow-up quiz pass rate {rng.randint(72, 100)}%."
        )
    return title, summary, details, seized


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    names = [name for name, weight in weights.items() if weight]
    return rng.choices(names, [weights[name] for name in names])[0]


def random_day(rng: random.Random, years: list[int]) -> date:
    year = rng.choices(years, [{2022: 28, 2023: 33, 2024: 39}[y] for y in years])[0]
    start = date(year, 1, 1)
    return start + timedelta(days=rng.randrange((date(year, 12, 31) - start).days + 1))


def status_for(rng: random.Random, day: date) -> str:
    """Old events are settled; the last months still have work in the pipeline."""
    if day >= date(2024, 9, 1):
        weights = {"verified": 35, "submitted": 25, "draft": 22, "returned": 12, "withdrawn": 6}
    elif day >= date(2024, 6, 1):
        weights = {"verified": 72, "submitted": 12, "draft": 6, "returned": 6, "withdrawn": 4}
    else:
        weights = {"verified": 90, "withdrawn": 6, "returned": 4}
    return pick(rng, weights)


def story_events() -> list[dict[str, str]]:
    """The terminal operator's part in the record seizure (the 2024 award story)."""
    base = {"br_number": TERMINAL, "cases": "", "seizure_value_hkd": "", "status": "verified"}
    return [
        {
            **base,
            "event_type": "data_sharing",
            "occurred_on": "2024-03-11",
            "significance": "notable",
            "title": "Critical data on containers from an ocean-going vessel, at Customs' request",
            "partner_summary": "At Customs' request, swiftly furnished data on containers of "
            "interest and helped Customs keep track of their movement in the terminal.",
            "restricted_details": "Case ref. SCIB/2024/0311. Vessel MV Eastern Resolve; "
            "15 x 40 ft containers manifested as wood pulp in bales. Terminal supplied bay "
            "plans, gate-in times and yard positions within 40 minutes; boxes held in a "
            "segregated stack. Do not disclose vessel or consignee to third parties.",
        },
        {
            **base,
            "event_type": "detection_assistance",
            "occurred_on": "2024-03-14",
            "significance": "major",
            "title": "On-site assistance in the record seizure: 15 containers declared as wood "
            "pulp",
            "partner_summary": "On-site assistance at the terminal streamlined the "
            "investigation and evidence collection, contributing to a record seizure of "
            "smuggled goods.",
            "restricted_details": "Case ref. SCIB/2024/0311. HK$1.5 billion of smuggled goods "
            "in 15 containers declared as wood pulp: electronic goods, high-value food "
            "ingredients (dried abalone, bird's nest), table wines, music records and "
            "endangered species (pangolin scales, agarwood). Terminal provided cranes, "
            "drivers and CCTV footage; exhibit chain signed by the case officer. "
            "Master and 4 crew detained; consignee syndicate under investigation.",
            "seizure_value_hkd": "1500000000.00",
            "cases": "1",
        },
        {
            **base,
            "event_type": "facilitation",
            "occurred_on": "2024-03-15",
            "significance": "notable",
            "title": "Facilitation: secure examination area for 15 containers over three days",
            "partner_summary": "Set aside a secure examination area and round-the-clock "
            "handling staff for a large-scale Customs examination.",
            "restricted_details": "Case ref. SCIB/2024/0311. Area B7 closed to other "
            "operations 15-17 Mar; access list restricted to 12 named terminal staff; "
            "overtime borne by the terminal.",
        },
    ]


def main() -> None:
    rng = random.Random(SEED)
    with (SEEDS / "enterprises.csv").open(encoding="utf-8") as f:
        enterprises = list(csv.DictReader(f))

    rows = story_events()
    keys = {(r["br_number"], r["occurred_on"], r["event_type"], r["title"]) for r in rows}
    for enterprise in enterprises:
        br = enterprise["br_number"]
        suspended = enterprise["status"] == "suspended"
        if br in STRONG:
            count = rng.randint(20, 27)
        elif br in MEDIUM:
            count = rng.randint(9, 12)
        elif suspended:
            count = rng.randint(1, 3)
        elif rng.random() < 0.55:
            count = rng.randint(5, 11)
        else:
            count = rng.randint(1, 4)
        # Suspended enterprises stopped cooperating before 2024.
        years = [2022, 2023] if suspended else [2022, 2023, 2024]
        made = 0
        while made < count:
            event_type = pick(rng, TYPES_BY_SECTOR[enterprise["sector"]])
            day = random_day(rng, years)
            significance = pick(rng, SIGNIFICANCE_WEIGHTS[event_type])
            title, summary, details, seized = describe(
                rng, event_type, enterprise["sector"], day, significance
            )
            key = (br, day.isoformat(), event_type, title)
            if key in keys:
                continue
            keys.add(key)
            made += 1
            # A suspended enterprise's events were often withdrawn after the suspension.
            status = "withdrawn" if suspended and rng.random() < 0.3 else status_for(rng, day)
            rows.append(
                {
                    "br_number": br,
                    "event_type": event_type,
                    "occurred_on": day.isoformat(),
                    "significance": significance,
                    "title": title,
                    "partner_summary": summary,
                    "restricted_details": details,
                    "seizure_value_hkd": money(rng, significance) if seized else "",
                    "cases": str(rng.choice([1, 1, 1, 2, 3])) if seized else "",
                    "status": status,
                }
            )

    rows.sort(key=lambda r: (r["occurred_on"], r["br_number"], r["event_type"], r["title"]))
    with (SEEDS / "events.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"Wrote {len(rows)} events to {SEEDS / 'events.csv'}")


if __name__ == "__main__":
    main()
