"""Every domain's models, imported once so the metadata is complete (for Alembic and tests)."""

from __future__ import annotations

from zorgtafel.auth.models import Organisation, Role, User, UserSession
from zorgtafel.convenant.models import ConvenantVersion
from zorgtafel.core.db import Base

metadata = Base.metadata

__all__ = ["ConvenantVersion", "Organisation", "Role", "User", "UserSession", "metadata"]
