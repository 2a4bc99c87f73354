import pytest

from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def colleague(enterprise):
    """A second partner user of partner_user's enterprise."""
    return MembershipFactory(
        user=UserFactory(username="partner1b", roles=["Partner"]), enterprise=enterprise
    ).user
