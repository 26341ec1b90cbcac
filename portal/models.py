"""Models of the portal, one package per topic (imported here to register them)."""

from .apply.models import *  # noqa: F403
from .content.models import *  # noqa: F403
