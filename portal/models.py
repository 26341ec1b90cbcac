"""Models of the portal, one package per topic (imported here to register them)."""

from .content.models import *  # noqa: F403
