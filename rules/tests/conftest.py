"""Fixtures of the rules tests: the default rule sets on the demo region tree."""

from __future__ import annotations

import pytest

from rules.defaults import rules_seed_defaults
from rules.engine import rules_cache_clear


@pytest.fixture(autouse=True)
def _fresh_rules_cache():
    # Each test has its own database state; a compiled version from another test must not leak in.
    rules_cache_clear()
    yield
    rules_cache_clear()


@pytest.fixture
def default_rules(regions):
    """The four default rule sets, active from 2024-01-01 for the demo city."""
    return rules_seed_defaults()


@pytest.fixture(scope="session")
def compiled_defaults(django_db_setup, django_db_blocker):
    """The default rule sets compiled once per session (then rolled back): evaluation needs no
    database, so the many boundary tests run in milliseconds."""
    from django.db import transaction

    from housing.regions.services import regions_load_demo
    from rules.engine import ruleset_compile

    with django_db_blocker.unblock(), transaction.atomic():
        regions_load_demo()
        compiled = {code: ruleset_compile(ruleset) for code, ruleset in rules_seed_defaults().items()}
        transaction.set_rollback(True)
    return compiled
