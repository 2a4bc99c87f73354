"""Fixtures shared by the award tests. A module whose tests start from another cycle names
its own fixture for it (`ceremony_cycle`, `open_cycle`...): `cycle` is always this one."""

import pytest

from awards.models import Cycle
from tests.awards.factories import CycleFactory
from tests.awards.ranking_world import simple_cycle, worked_example


@pytest.fixture
def cycle(db):
    """The 2024 cycle of the worked example (tests/awards/ranking_world.py): in panel review,
    quorum 2, two awards planned, rules for two event types."""
    return simple_cycle()


@pytest.fixture
def nominees(cycle):
    """The worked example's four nominees in `cycle`, hand-computed (see worked_example)."""
    return worked_example(cycle)


@pytest.fixture
def certificate_cycle(db):
    """The 2024 cycle, finalised: its awards are decided and get their certificates."""
    return CycleFactory(year=2024, status=Cycle.Status.FINALISED)
