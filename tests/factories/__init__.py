"""factory_boy factories, one per model, with a Trait per state."""
from .incentives import ClauseFactory, DepartmentFactory, IncentiveFactory, PolicyDocumentFactory  # noqa: F401
from .applications import EnterpriseFactory, InvitationFactory, MembershipFactory, UserFactory  # noqa: F401,E402
