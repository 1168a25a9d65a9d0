"""Issue 17 without a browser: pages are never stored stale, and what a finished site serves."""

import pytest

from tests.factories import MotionFactory


@pytest.mark.django_db
def test_pages_that_change_are_not_stored_but_static_files_are(client):
    motion = MotionFactory()
    for url in ["/", motion.get_absolute_url()]:
        assert "no-store" in client.get(url)["Cache-Control"]
    assert "no-store" not in client.get("/static/css/crux.css").get("Cache-Control", "")
