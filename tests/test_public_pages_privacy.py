"""No page reachable without login shows an applicant's full name, ID number or phone (issue 6).

The whole demo city is seeded (families at every stage, publicity, lottery, selection, contracts, listings,
articles), then every page reachable by links from the portal's entry points is fetched anonymously,
as a visitor would, and its text is searched for every family's and member's full name, ID number and
phone, and every applicant account's.
"""

from __future__ import annotations

import io
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

ENTRY_POINTS = ("/", "/news/", "/selfcheck/", "/publicity/", "/lottery/", "/listings/")
# Not public pages: the back office, Django admin, staff login, files and the logout action.
SKIPPED = ("/office/", "/admin/", "/accounts/", "/static/", "/media/", "/portal/logout/")
PAGE_LIMIT = 800
HREF = re.compile(r"""href=["']([^"'#]+)""")


def _personal_data() -> set[str]:
    from admission.models import Family, FamilyMember
    from housing.accounts.models import User

    found: set[str] = set()
    for family in Family.objects.all():
        found |= {
            family.applicant_name,
            family.id_number,
            family.phone,
            family.agent_name,
            family.agent_phone,
        }
    for member in FamilyMember.objects.all():
        found |= {member.name, member.id_number, member.phone}
    for user in User.objects.filter(kind="applicant"):
        found |= {user.real_name, user.phone}
    # A one-character name would match ordinary words; every demo name has at least two.
    return {value for value in found if value and len(value) >= 2}


def _links(url: str, html: str) -> list[str]:
    links = []
    for href in HREF.findall(html):
        target = urlsplit(urljoin(url, href.replace("&amp;", "&")))
        if target.netloc not in ("", "testserver"):
            continue
        path = target.path + (f"?{target.query}" if target.query else "")
        if not path.startswith(SKIPPED):
            links.append(path)
    return links


def test_no_public_page_of_the_demo_shows_a_full_name_id_number_or_phone(client):
    call_command("seed_demo", stdout=io.StringIO())
    personal = _personal_data()
    assert len(personal) > 500  # the demo's families, members and applicant accounts

    seen: set[str] = set(ENTRY_POINTS)
    queue = deque(ENTRY_POINTS)
    scanned = 0
    while queue and scanned < PAGE_LIMIT:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or response.get("Content-Type", "").split(";")[0] not in (
            "text/html",
            "text/plain",
        ):
            continue
        text = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
        scanned += 1
        leaked = sorted(value for value in personal if value in text)
        assert not leaked, f"{url} shows {leaked[:5]}"
        for link in _links(url, text):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    # The crawl really went through the portal: publicity, lottery results and listings included.
    assert scanned > 40
    assert any(u.startswith("/publicity/") and len(u) > len("/publicity/") for u in seen)
    assert any(u.startswith("/lottery/YH-") for u in seen)
    assert any(u.startswith("/listings/projects/") for u in seen)
