"""Template context shared by every page."""

from accounts.models import Role


def roles(request) -> dict[str, type[Role]]:
    """The one list of roles, so templates compare `user.role == Role.SERVICE_MANAGER`, never a typed string."""
    return {"Role": Role}
