"""The database going away: a helpful 503, and the exercise continues once it is back."""

from __future__ import annotations

import pytest

from .conftest import jump, start
from .helpers import first_item, good_reply


@pytest.fixture
def pg_only(database_url, request):
    if not database_url.startswith("postgresql"):
        pytest.skip("stopping the server is tested on PostgreSQL")
    return request.getfixturevalue("postgres")


def test_a_database_outage_gives_a_helpful_503_and_nothing_is_lost(app, alice, world, pg_only):
    eid = start(alice, world["assignment"])
    jump(app, eid, 5)
    item = first_item(alice, eid)
    assert (
        alice.post_json(
            f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": good_reply(item)}
        ).status_code
        == 200
    )
    pg_only.stop()
    try:
        r = alice.get(f"/exercises/{eid}/state.json")
        assert r.status_code == 503
        assert "Nothing you submitted is lost" in r.get_json()["message"]
        assert r.headers["Retry-After"]
        page = alice.get("/exercises/")
        assert page.status_code == 503 and b"database" in page.data
    finally:
        pg_only.start()
    r = alice.get(f"/exercises/{eid}/state.json")
    assert r.status_code == 200
    assert r.get_json()["you"]["replies"] == 1
