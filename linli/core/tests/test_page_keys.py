"""Page keys (cursors) out of range or malformed never break a list page."""

import pytest

URLS = ["/cases/mine/?after=99999999999999999999999", "/cases/messages/?before=99999999999999999999999",
        "/places/tree/?after=99999999999999999999999", "/people/?after=99999999999999999999999",
        "/cases/inbox/?after=99999999999999999999999", "/cases/board/?after=99999999999999999999999",
        "/cases/public/?after=99999999999999999999999", "/volunteering/activities/?after=99999999999999999999999",
        "/points/rewards/?after=5.99999999999999999999999", "/api/cases?cursor=OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ"]


@pytest.mark.parametrize("url", URLS)
def test_huge_page_keys_do_not_break_pages(client, tree, make_user, url):
    client.force_login(make_user("c", "community_staff", tree.comm_a1))
    assert client.get(url).status_code < 500
