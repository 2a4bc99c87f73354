"""A finalised cycle with six awardees in four sectors, for the ceremony list tests."""

import datetime
from decimal import Decimal

from awards.models import Cycle, NominationResult
from tests.awards.certificate_data import awarded_result
from tests.awards.factories import CycleFactory, NominationFactory
from tests.factories import EnterpriseFactory

# (English name, Chinese name, sector, streak), in the order of creation: not the default order.
AWARDEES = [
    ("Lion Rock Express Limited", "獅子山速遞有限公司", "express_courier", 1),
    ("Kwai Chung Container Terminals Limited", "葵涌貨櫃碼頭有限公司", "cargo_terminal", 1),
    ("Brand Guardians Association", "品牌守護協會", "rights_owner", 5),
    ("Stonecutters Gateway Terminals Limited", "昂船洲門戶碼頭有限公司", "cargo_terminal", 3),
    ("Harbour Melody Shipping Limited", "海韻航運有限公司", "shipping_line", 2),
    ("Apex Cargo Terminals Limited", "頂峰貨運碼頭有限公司", "cargo_terminal", 1),
]
# By sector (the Sector choices' order), then longest streak, then English name.
DEFAULT_ORDER = [
    "Stonecutters Gateway Terminals Limited",
    "Apex Cargo Terminals Limited",
    "Kwai Chung Container Terminals Limited",
    "Harbour Melody Shipping Limited",
    "Lion Rock Express Limited",
    "Brand Guardians Association",
]


def finalised_cycle(year=2024, status=Cycle.Status.FINALISED) -> Cycle:
    return CycleFactory(year=year, status=status, ceremony_date=datetime.date(year, 10, 24))


def add_awardee(cycle, nominated_by, name_en, name_zh, sector, streak, rank=1):
    enterprise = EnterpriseFactory(name_en=name_en, name_zh=name_zh, sector=sector)
    return awarded_result(cycle, enterprise, nominated_by=nominated_by, rank=rank, streak=streak)


def awardees(cycle, nominated_by, count=6) -> dict[str, NominationResult]:
    """The first `count` AWARDEES awarded in `cycle`, and one nominee not awarded."""
    results = {
        spec[0]: add_awardee(cycle, nominated_by, *spec, rank=rank)
        for rank, spec in enumerate(AWARDEES[:count], start=1)
    }
    NominationResult.objects.create(
        nomination=NominationFactory(
            cycle=cycle,
            nominated_by=nominated_by,
            enterprise=EnterpriseFactory(name_en="Also Ran Forwarding Limited"),
        ),
        rank=count + 1,
        verified_events=1,
        cooperation_score=Decimal("20.00"),
        panel_score=Decimal("40.00"),
        reviews=3,
        final_score=Decimal("28.00"),
        awarded=False,
    )
    return results
