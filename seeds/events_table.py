"""Regenerate seeds/data/events.csv, the demo cooperation events, from seeds/data/enterprises.csv.

    .venv/bin/python -m seeds.events_table

Deterministic: fixed random seeds, so the same enterprises always give the same file. One
generator picks which events there are (enterprise, type, date, significance, status), another
what they say and how they ended, so rewording the texts leaves the dates and statuses alone.

seeds/data/events.csv is the demo's own format, read only by `seed_demo`: the columns of the event
import (docs/import.md), then `arrests` (which the import does not take) and `status`, the
workflow state `seed_demo` drives each event to through the services. Plain Python, no Django.

Every row is checked before the file is written (`check`): the outcome columns agree with the
restricted details (arrests, seizure, cases), and the partner-visible summary carries no case
detail (goods, case numbers, arrests, officers' names, vessels).

The events of 2025, up to the demo's present (the 2025 award cycle in panel review, see
seeds/cycles.py), come from generators of their own (`generate_2025`), so that the rows of
2022-2024 stay exactly as they were; they follow them in the file.
"""

import csv
import random
import re
from datetime import date, timedelta
from pathlib import Path

SEED = 20245191  # picked so the counts per year and status stay close to the earlier file
TEXT_SEED = 20241019  # for the texts and outcomes
SEED_2025, TEXT_SEED_2025 = 20250822, 20251023  # the 2025 events, drawn apart
# The last day of the 2025 events: the demo's present is late August 2025 (seeds/cycles.py),
# and an event is logged, and its on-site checks dated, within about three weeks.
LAST_DAY_2025 = date(2025, 7, 31)
SEEDS = Path(__file__).resolve().parent / "data"
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
    "arrests",
    "status",
]

# The cargo terminal operator whose help led to the HK$1.5 billion seizure, and the other
# enterprises that cooperate all year round, every year.
TERMINAL = "61458302"
STORY_CASE = "SCIB/2024/0311"
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
DRUGS = {"cannabis buds", "methamphetamine", "ketamine", "cough medicine"}
COUNTERFEIT_GOODS = [
    "watches",
    "handbags",
    "garments",
    "sports shoes",
    "perfume",
    "skin-care products",
    "mobile phone accessories",
    "earphones",
    "music discs",
    "sportswear",
    "toys",
    "wine",
    "wine labels",
    "cosmetics",
]
# The goods a rights owner or a trade association cares about: its own brands or trade.
# Marketplaces and the general association see every kind of counterfeit.
BRAND_GOODS = {
    "73815520": ["watches"],  # Morningtide Timepieces
    "62947104": ["cosmetics", "skin-care products", "perfume"],  # Jadeleaf Cosmetics
    "53360278": ["music discs"],  # Harbour Melody Records
    "45783019": ["handbags", "garments", "perfume"],  # Silkcrest Fashion House
    "40268853": ["earphones", "mobile phone accessories"],  # Brightpeak Electronics
    "32194466": ["wine", "wine labels"],  # Golden Crane Wine Merchants
    "28870391": ["sportswear", "sports shoes"],  # Kingfisher Sportswear
    "63172958": ["watches"],  # Timepiece Anti-Counterfeiting Guild
    "56604731": ["music discs"],  # Licensed Music Publishers Federation
    "43381096": ["cosmetics", "skin-care products", "perfume"],  # Cosmetics Importers
}
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
# Where goods are examined or seized, by the partner's sector (IP partners: anywhere).
CONTROL_POINTS = {
    "cargo_terminal": ["Kwai Chung", "Tsing Yi", "the Tuen Mun River Trade Terminal"],
    "shipping_line": ["Kwai Chung", "Tsing Yi", "the Tuen Mun River Trade Terminal"],
    "air_cargo": ["the airport cargo area"],
    "express_courier": ["the airport cargo area", "the Air Mail Centre"],
    "freight_forwarder": [
        "Lok Ma Chau",
        "Shenzhen Bay",
        "Man Kam To",
        "the Hong Kong-Zhuhai-Macao Bridge",
    ],
    "warehousing": ["Kwai Chung", "Tsing Yi", "Yuen Long"],
}
IP_CONTROL_POINTS = ["Lok Ma Chau", "Kwai Chung", "the airport cargo area", "the Air Mail Centre"]
# Where receivers, shell companies and sellers are found.
DISTRICTS = [
    "Kwun Tong",
    "Yuen Long",
    "Sheung Shui",
    "Cheung Sha Wan",
    "Mong Kok",
    "Tsuen Wan",
    "San Po Kong",
    "Fo Tan",
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
# What a logistics partner handles, as counted in an examination.
PACKAGE_BY_SECTOR = {
    "cargo_terminal": ("container", 1, 6),
    "shipping_line": ("container", 1, 6),
    "air_cargo": ("air cargo consignment", 1, 8),
    "express_courier": ("parcel", 3, 60),
    "freight_forwarder": ("consignment", 1, 8),
    "warehousing": ("pallet", 2, 30),
}
# Case officers named in the restricted details (fictitious).
CASE_OFFICERS = [
    "Inspector Chan Wing-kei",
    "Senior Inspector Lau Mei-ling",
    "Chief Customs Officer Ho Ka-chun",
    "Inspector Tsang Siu-wah",
    "Senior Inspector Yip Hoi-yan",
    "Inspector Kwok Chi-fai",
    "Superintendent Mak Pui-shan",
    "Inspector Leung Tsz-hin",
]
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
SYSTEMS_BY_SECTOR = {
    "cargo_terminal": ["container tracking system", "gate transaction log"],
    "shipping_line": ["container tracking system", "booking and manifest system"],
    "air_cargo": ["manifest screening tool", "shipment monitoring dashboard"],
    "express_courier": ["parcel risk-scoring system", "shipment monitoring dashboard"],
    "freight_forwarder": ["manifest screening tool", "shipment monitoring dashboard"],
    "warehousing": ["warehouse management system"],
    "online_marketplace": ["seller verification records", "order anomaly reports"],
}
TIP_CHANNELS = [
    "tip relayed by phone to the duty officer",
    "information passed through the designated liaison officer",
    "report sent through the partner's secure mailbox",
    "intelligence shared at the monthly liaison meeting",
]

# The case numbers this script writes (and the story's): unit code / year / serial.
CASE_REF = re.compile(rf"\b(?:{'|'.join(UNITS)})/20\d\d/\d{{4}}\b")
# Nothing of a case may reach the partner-visible summary: the goods, the case numbers,
# the arrests, the officers, the vessels. Whole words, any case.
CASE_WORDS = [
    *SMUGGLED_GOODS,
    *COUNTERFEIT_GOODS,
    *CASE_OFFICERS,
    *(name.split()[-1] for name in CASE_OFFICERS),  # "Chan Wing-kei" also without the rank
    *VESSELS,
    *UNITS,
    *UNITS.values(),
    "arrest",
    "arrests",
    "arrested",
    "aged",
    "case ref",
    "consignee",
    "syndicate",
]
_CASE_WORDS = "|".join(re.escape(w) for w in sorted(CASE_WORDS, key=len, reverse=True))
SUMMARY_LEAK = re.compile(rf"\b(?:{_CASE_WORDS})\b|HK\$", re.IGNORECASE)


def money(rng: random.Random, significance: str) -> str:
    low, high = SEIZURE_RANGE[significance]
    # Round to the nearest hundred so the figures look like seizure reports, not noise.
    return f"{round(rng.uniform(low, high), -2):.2f}"


def counted(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


class Writer:
    """Writes what one event says and how it ended. Remembers the case numbers given out,
    so that no two events name the same case by accident."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.case_refs_used = {STORY_CASE}

    def case(self, code: str, year: int, count: int = 1) -> tuple[str, int]:
        """The opening sentence of the details of an event that opened `count` case(s)."""
        refs = []
        while len(refs) < count:
            ref = f"{code}/{year}/{self.rng.randint(100, 2999):04d}"
            if ref not in self.case_refs_used:
                self.case_refs_used.add(ref)
                refs.append(ref)
        label = "Case ref." if count == 1 else "Case refs."
        return f"{label} {', '.join(sorted(refs))} ({UNITS[code]}).", count

    def arrests(self, least: int = 0) -> tuple[str, int]:
        arrests = self.rng.choice([n for n in [0, 1, 1, 2, 2, 3, 4] if n >= least])
        if arrests == 0:
            return "No arrest yet; enquiries continue.", 0
        ages = ", ".join(str(self.rng.randint(22, 63)) for _ in range(arrests))
        return f"{arrests} arrested (aged {ages}); further arrests not ruled out.", arrests

    def seizure(self, code: str, year: int, significance: str, *, least_arrests: int = 0):
        """(case sentence, arrests sentence, case officer sentence, outcome columns)."""
        case, cases = self.case(code, year, self.rng.choice([1, 1, 1, 2, 3]))
        arrested, arrests = self.arrests(least_arrests)
        officer = f"Case officer: {self.rng.choice(CASE_OFFICERS)}."
        outcome = {
            "seizure_value_hkd": money(self.rng, significance),
            "cases": str(cases),
            "arrests": str(arrests),
        }
        return case, arrested, officer, outcome

    def describe(self, br: str, event_type: str, sector: str, day: date, significance: str):
        """The title, summary, restricted details and outcome columns of one event."""
        rng = self.rng
        ip = sector in IP_SECTORS
        place = rng.choice(CONTROL_POINTS.get(sector, IP_CONTROL_POINTS))
        district = rng.choice(DISTRICTS)
        goods = rng.choice(BRAND_GOODS.get(br, COUNTERFEIT_GOODS) if ip else SMUGGLED_GOODS)
        if ip:
            code = "IPIB"
        elif goods in DRUGS and event_type in SEIZURE_TYPES:
            code = "CDIB"
        else:
            code = rng.choice([COMMAND_BY_SECTOR[sector], "SCIB", "RGIB"])
        unit = UNITS[code]
        goods = f"suspected counterfeit {goods}" if ip else goods
        package, fewest, most = PACKAGE_BY_SECTOR.get(sector, ("consignment", 1, 6))
        outcome = {"seizure_value_hkd": "", "cases": "", "arrests": ""}

        if event_type == "controlled_delivery":
            # Always ends in a seizure: the receiver is arrested when collecting the goods.
            case, arrested, officer, outcome = self.seizure(
                code, day.year, significance, least_arrests=1
            )
            title = rng.choice(
                [
                    f"Controlled delivery of {goods} to {district}",
                    f"Joint controlled delivery: consignment of {goods}",
                    f"Participation in controlled delivery ({goods}, {district})",
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
                f"{case} Consignment of {goods} from {rng.choice(ORIGINS)}, declared as "
                f"{rng.choice(DECLARED_AS)}. Delivered under surveillance to a premises in "
                f"{district}; goods seized when the receiver collected them. {arrested} "
                f"{officer} Delivery driver's identity protected; do not disclose."
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
                        "Alerted Customs to a shipment whose declaration did not match its "
                        "profile.",
                        "Provided information that helped Customs look into a suspected "
                        "customs offence.",
                        "Flagged an unusual booking pattern for Customs' attention.",
                    ]
                )
            # Notable and major tips led to a seizure; routine ones sometimes did, sometimes
            # opened a case that is still open, sometimes only fed the risk profiles.
            if significance != "routine" or rng.random() < 0.3:
                ending = "seizure"
            else:
                ending = rng.choice(["open case", "no case"])
            source = f"Source: {rng.choice(TIP_CHANNELS)}."
            if ip:
                listings = (
                    f"{rng.randint(3, 40)} listings from "
                    f"{counted(rng.randint(1, 6), 'seller account')} identified"
                )
                lead = (
                    f"{listings}; test purchase made by {code} on {day:%d %b}."
                    if ending != "no case"
                    else f"{listings}; test purchases found no infringing goods."
                )
            else:
                lead = (
                    f"Subject consignee traced to a shell company registered in "
                    f"{district}; {rng.randint(2, 11)} earlier shipments under the "
                    "same contact number reviewed."
                )
                if sector in {"shipping_line", "cargo_terminal"}:
                    lead = f"Boxes carried on {rng.choice(VESSELS)}. {lead}"
            if ending == "seizure":
                case, arrested, officer, outcome = self.seizure(code, day.year, significance)
                if ip:
                    seized = (
                        f"Raid on {rng.randint(1, 4)} premises in {district}; "
                        f"{rng.randint(40, 5000)} items of {goods} seized."
                    )
                else:
                    count = rng.randint(fewest, most)
                    seized = f"{counted(count, package)} of {goods} later seized at {place}."
                details = f"{case} {source} {lead} {seized} {arrested} {officer}"
            elif ending == "open case":
                case, cases = self.case(code, day.year)
                outcome = {**outcome, "cases": str(cases)}
                details = f"{case} {source} {lead} Enquiries continue; no goods intercepted so far."
            else:
                details = (
                    f"{source} {lead} Assessed by {unit}: no case opened; the information "
                    "is kept for risk profiling."
                )
            details += " Source to be kept confidential."
        elif event_type == "detection_assistance":
            # Brand experts examine goods already seized; logistics partners help find them,
            # and now and then the boxes turn out clean.
            found = ip or significance != "routine" or rng.random() < 0.75
            if ip:
                case, arrested, officer, outcome = self.seizure(code, day.year, significance)
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
                examined = rng.randint(20, 3000)
                details = (
                    f"{case} {examined} items examined by the brand's authentication team; "
                    f"{rng.randint(examined // 2, examined)} confirmed counterfeit and seized. "
                    "Expert statement signed; the examiner may be called as a witness. "
                    f"{arrested} {officer}"
                )
            else:
                count = counted(rng.randint(fewest, most), package)
                origin, declared = rng.choice(ORIGINS), rng.choice(DECLARED_AS)
                summaries = [
                    "Made handling equipment and staff available for a Customs examination.",
                    f"Provided {package} movement records and helped Customs keep track of "
                    f"the {package}s of interest.",
                ]
                if found:
                    case, arrested, officer, outcome = self.seizure(code, day.year, significance)
                    title = rng.choice(
                        [
                            f"On-site assistance in examination of {goods} at {place}",
                            f"{package.capitalize()} tracking and evidence collection ({goods})",
                            f"Assistance with the detection of {goods}",
                        ]
                    )
                    summaries.append(
                        f"Staff assisted Customs on site with {package} handling and "
                        "evidence collection."
                    )
                    details = (
                        f"{case} {count} of {goods} declared as {declared}, origin {origin}; "
                        "goods seized. Partner supplied CCTV footage and handling logs; "
                        f"exhibits sealed by the case officer. {arrested} {officer}"
                    )
                else:
                    title = rng.choice(
                        [
                            f"On-site assistance in an examination at {place}",
                            f"{package.capitalize()} tracking for a Customs examination",
                        ]
                    )
                    details = (
                        f"Examination requested by {unit} at {place}. {count} declared as "
                        f"{declared}, origin {origin}, examined with the partner's equipment "
                        "and staff; no dutiable or prohibited goods found, no case opened."
                    )
                summary = rng.choice(summaries)
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
                f"Requested by {unit} through the liaison officer. Arranged within "
                f"{rng.choice(['2 hours', 'the same day', 'one working day', '36 hours'])}. "
                "Contact at partner: duty manager on shift. Cost borne by the partner."
            )
        elif event_type == "data_sharing":
            system = rng.choice(SYSTEMS_BY_SECTOR[sector])
            title = rng.choice(
                [
                    f"Real-time data from the {system}",
                    f"Shipment data shared from the {system} ({day:%B})",
                    f"Data feed on high-risk shipments via the {system}",
                ]
            )
            summary = rng.choice(
                [
                    "Shared real-time shipment information from the enterprise's monitoring "
                    "systems.",
                    "Provided data that Customs cross-referenced with manifests and trade "
                    "patterns.",
                    "Gave Customs timely information on shipments of interest.",
                ]
            )
            items = "orders" if sector == "online_marketplace" else "shipments"
            details = (
                f"Feed used by {unit}. {rng.randint(3, 60)} {items} flagged in the period; "
                f"{rng.randint(0, 4)} referred for examination, results recorded with the "
                "examinations. Data retained under the data-sharing memorandum; not for "
                "onward disclosure."
            )
        elif event_type == "security_practice":
            measure = rng.choice(SECURITY_MEASURES)
            title = f"Security practice: {measure}"
            summary = f"Improved cargo security: {measure}."
            checked = day + timedelta(days=rng.randint(3, 20))
            command = UNITS[COMMAND_BY_SECTOR[sector]]
            details = (
                f"Verified on site by {command} on {checked:%d %b %Y}. Residual findings: "
                f"{rng.choice(['none', 'two minor', 'one minor', 'three minor'])}. "
                "Audit report kept on file."
            )
        else:  # training
            topic = rng.choice(IP_TRAINING_TOPICS if ip else TRAINING_TOPICS)
            trainers = UNITS["CDIB"] if "drugs" in topic else unit
            staff = rng.randint(8, 120)
            title = f"Training: {topic}"
            summary = f"{staff} staff took part in a Customs training programme: {topic}."
            details = (
                f"Delivered by {trainers} trainers. Attendance sheet on file. "
                f"Follow-up quiz pass rate {rng.randint(72, 100)}%."
            )
        return {
            "title": title,
            "partner_summary": summary,
            "restricted_details": details,
            **outcome,
        }


def check(row: dict[str, str]) -> None:
    """Refuse a row that contradicts itself or shows the partner a case detail."""
    summary, details = row["partner_summary"], row["restricted_details"]
    value, cases, arrests = row["seizure_value_hkd"], row["cases"], row["arrests"]
    problems = []
    leaks = sorted({m.group() for m in SUMMARY_LEAK.finditer(summary)})
    leaks += CASE_REF.findall(summary)
    if leaks:
        problems.append(f"the partner summary shows case details: {', '.join(leaks)}")
    if ("arrest" in details.lower()) != bool(arrests):
        problems.append("arrests must be set exactly when the details mention arrests")
    counted_arrests = re.search(r"\b(\d+) arrested\b", details)
    if counted_arrests and counted_arrests.group(1) != arrests:
        problems.append(f"the details name {counted_arrests.group(1)} arrested, not {arrests}")
    if "No arrest yet" in details and arrests != "0":
        problems.append("no arrest yet, but arrests is not 0")
    if ("seiz" in details.lower()) != bool(value):
        problems.append("the seizure value must be set exactly when the details name a seizure")
    if details.startswith("Case ref") != bool(cases):
        problems.append("cases must be set exactly when the event opened a case (Case ref.)")
    if cases and len(set(CASE_REF.findall(details))) != int(cases):
        problems.append(f"cases is {cases}, the details name another number of cases")
    if value and row["event_type"] not in SEIZURE_TYPES:
        problems.append(f"a {row['event_type']} event has no seizure value")
    if value and not cases:
        problems.append("a seizure opens a case")
    if row["event_type"] == "controlled_delivery" and not (value and int(arrests or 0)):
        problems.append("a controlled delivery ends in a seizure and arrests")
    if problems:
        raise AssertionError(
            f"{row['br_number']} {row['occurred_on']} {row['title']!r}: " + "; ".join(problems)
        )


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
    base = {
        "br_number": TERMINAL,
        "seizure_value_hkd": "",
        "cases": "",
        "arrests": "",
        "status": "verified",
    }
    return [
        {
            **base,
            "event_type": "data_sharing",
            "occurred_on": "2024-03-11",
            "significance": "notable",
            "title": "Critical data on containers from an ocean-going vessel, at Customs' request",
            "partner_summary": "At Customs' request, swiftly furnished data on containers of "
            "interest and helped Customs keep track of their movement in the terminal.",
            "restricted_details": f"For case {STORY_CASE} ({UNITS['SCIB']}). Vessel MV "
            "Eastern Resolve; 15 x 40 ft containers manifested as wood pulp in bales. Terminal "
            "supplied bay plans, gate-in times and yard positions within 40 minutes; boxes "
            "held in a segregated stack. Do not disclose vessel or consignee to third parties.",
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
            "restricted_details": f"Case ref. {STORY_CASE} ({UNITS['SCIB']}). HK$1.5 billion "
            "of smuggled goods seized from 15 containers declared as wood pulp: electronic "
            "goods, high-value food ingredients (dried abalone, bird's nest), table wines, "
            "music records and endangered species (pangolin scales, agarwood). Terminal "
            "provided cranes, drivers and CCTV footage; exhibit chain signed by the case "
            "officer, Senior Inspector Lau Mei-ling. 5 arrested (the master and 4 crew); "
            "consignee syndicate under investigation.",
            "seizure_value_hkd": "1500000000.00",
            "cases": "1",
            "arrests": "5",
        },
        {
            **base,
            "event_type": "facilitation",
            "occurred_on": "2024-03-15",
            "significance": "notable",
            "title": "Facilitation: secure examination area for 15 containers over three days",
            "partner_summary": "Set aside a secure examination area and round-the-clock "
            "handling staff for a large-scale Customs examination.",
            "restricted_details": f"For case {STORY_CASE} ({UNITS['SCIB']}). Area B7 closed "
            "to other operations 15-17 Mar; access list restricted to 12 named terminal "
            "staff; overtime borne by the terminal.",
        },
    ]


def generate() -> list[dict[str, str]]:
    """Every demo event, checked, in file order."""
    rng = random.Random(SEED)  # which events: how many, type, date, significance, status
    writer = Writer(random.Random(TEXT_SEED))  # what they say and how they ended
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
            text = writer.describe(br, event_type, enterprise["sector"], day, significance)
            key = (br, day.isoformat(), event_type, text["title"])
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
                    **text,
                    "status": status,
                }
            )

    for row in rows:
        check(row)
    rows.sort(key=lambda r: (r["occurred_on"], r["br_number"], r["event_type"], r["title"]))
    return rows


def status_for_2025(rng: random.Random, day: date) -> str:
    """As `status_for`, a year on: the last weeks before the demo's present still have work in
    the pipeline."""
    if day >= date(2025, 7, 1):
        weights = {"verified": 40, "submitted": 26, "draft": 20, "returned": 10, "withdrawn": 4}
    elif day >= date(2025, 6, 1):
        weights = {"verified": 72, "submitted": 12, "draft": 6, "returned": 6, "withdrawn": 4}
    else:
        weights = {"verified": 90, "withdrawn": 6, "returned": 4}
    return pick(rng, weights)


def generate_2025(keys: set) -> list[dict[str, str]]:
    """The events of 2025 up to LAST_DAY_2025, checked, in file order. `keys` are those of the
    earlier rows, which no new row may repeat. Suspended enterprises no longer cooperate."""
    rng = random.Random(SEED_2025)
    writer = Writer(random.Random(TEXT_SEED_2025))
    with (SEEDS / "enterprises.csv").open(encoding="utf-8") as f:
        enterprises = [e for e in csv.DictReader(f) if e["status"] == "active"]

    first = date(2025, 1, 1)
    days = (LAST_DAY_2025 - first).days + 1
    rows = []
    for enterprise in enterprises:
        br = enterprise["br_number"]
        if br in STRONG:
            count = rng.randint(5, 8)
        elif br in MEDIUM:
            count = rng.randint(3, 4)
        elif rng.random() < 0.5:
            count = rng.randint(1, 4)
        else:
            count = rng.randint(0, 1)
        made = 0
        while made < count:
            event_type = pick(rng, TYPES_BY_SECTOR[enterprise["sector"]])
            day = first + timedelta(days=rng.randrange(days))
            significance = pick(rng, SIGNIFICANCE_WEIGHTS[event_type])
            text = writer.describe(br, event_type, enterprise["sector"], day, significance)
            key = (br, day.isoformat(), event_type, text["title"])
            if key in keys:
                continue
            keys.add(key)
            made += 1
            rows.append(
                {
                    "br_number": br,
                    "event_type": event_type,
                    "occurred_on": day.isoformat(),
                    "significance": significance,
                    **text,
                    "status": status_for_2025(rng, day),
                }
            )

    for row in rows:
        check(row)
    rows.sort(key=lambda r: (r["occurred_on"], r["br_number"], r["event_type"], r["title"]))
    return rows


def main() -> None:
    rows = generate()
    rows += generate_2025(
        {(r["br_number"], r["occurred_on"], r["event_type"], r["title"]) for r in rows}
    )
    with (SEEDS / "events.csv").open("w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        out.writeheader()
        out.writerows(rows)
    print(f"Wrote {len(rows)} events to {SEEDS / 'events.csv'}")


if __name__ == "__main__":
    main()
