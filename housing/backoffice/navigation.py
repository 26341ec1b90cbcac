"""The back-office menu: each subsystem registers its entries; a user sees only what they may open.

Apps register from ``AppConfig.ready()`` (DESIGN §4 rule 1: the higher app registers with the lower).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    title: str
    url_name: str
    permission: str | None = None  # "app_label.codename"; None: any staff user
    roles: tuple[str, ...] = ()  # any of these role codes also grants the entry

    def allowed(self, user) -> bool:
        if user.is_superuser:
            return True
        if self.roles and user.role_codes & set(self.roles):
            return True
        if self.permission:
            return user.has_perm(self.permission)
        return not self.roles


@dataclass
class NavSection:
    code: str
    title: str
    order: int
    items: list[NavItem] = field(default_factory=list)


_sections: dict[str, NavSection] = {}


def register(*, section: str, section_title: str, order: int, items: list[NavItem]) -> None:
    entry = _sections.setdefault(section, NavSection(code=section, title=section_title, order=order))
    for item in items:
        if item not in entry.items:
            entry.items.append(item)


def menu_for(user) -> list[dict]:
    """Sections with the entries this user may open; empty sections are left out."""
    menu = []
    for sec in sorted(_sections.values(), key=lambda s: s.order):
        entries = []
        for item in sec.items:
            if not item.allowed(user):
                continue
            try:
                entries.append(
                    {"title": item.title, "url": reverse(item.url_name), "url_name": item.url_name}
                )
            except NoReverseMatch:
                continue
        if entries:
            menu.append({"code": sec.code, "title": sec.title, "items": entries})
    return menu
