from __future__ import annotations

from housing.accounts.system import system_actor


def test_system_actor_is_one_user_that_cannot_log_in(db):
    first, second = system_actor(), system_actor()
    assert first.pk == second.pk
    assert not first.has_usable_password()
    assert not first.check_password("")
    assert not first.check_password("system")


def test_system_actor_may_take_any_step(db):
    assert system_actor().has_perm("admission.review_city")
