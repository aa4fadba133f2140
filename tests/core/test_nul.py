"""A NUL character in a page's address or query is a clear 400, never a server error (PostgreSQL cannot
compare text holding one)."""

import pytest


@pytest.mark.parametrize("url", ["/practices/?q=a%00b", "/programmes/rotations/?a%00=1", "/practices/a%00b/"])
def test_a_nul_in_the_address_is_refused(world, client_for, url):
    response = client_for("regional_lead").get(url)
    assert response.status_code == 400
    assert "Sorry, there is a problem with the request" in response.content.decode()


def test_an_ordinary_search_still_works(world, client_for):
    assert client_for("regional_lead").get("/practices/?q=deep").status_code == 200
