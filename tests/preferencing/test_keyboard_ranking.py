"""The ranking form by keyboard, as the server renders it (with or without JavaScript): where focus goes
after Add and after submitting, and what Enter in a number box does."""

import re

from django.urls import reverse

from heft.preferencing.ranking import add_before, typed_position_action
from tests.pages import page_text


def rank_url(allocation) -> str:
    return reverse("preferencing:rank", args=[allocation.window.pk])


def add_order(page: str) -> list[str]:
    """The codes of the Add buttons, in page order."""
    return re.findall(r'value="add:([^"]+)"', page)


def autofocused(page: str) -> list[str]:
    """The opening tags of the elements with autofocus."""
    return re.findall(r"<[^>]*\bautofocus\b[^>]*>", page)


def test_after_add_focus_goes_just_before_the_next_add(allocation, client):
    client.force_login(allocation.trainees[0].user)
    first, second, third = add_order(page_text(client.get(rank_url(allocation))))

    page = page_text(client.post(rank_url(allocation), {"version": 0, "action": f"add:{second}"}))

    # On the Add before it: one Tab on is the Add that followed the one pressed.
    [focused] = autofocused(page)
    assert f'value="add:{first}"' in focused
    assert add_order(page) == [first, third]
    assert f"{second} added at number 1." in page

    page = page_text(
        client.post(rank_url(allocation), {"version": 1, "ranked": [second], "action": f"add:{first}"})
    )
    # It was the first Add: focus goes to the heading just before the Add buttons.
    [focused] = autofocused(page)
    assert 'id="add-a-rotation"' in focused
    assert 'tabindex="-1"' in focused


def test_after_submitting_focus_moves_to_the_confirmation(allocation, client):
    client.force_login(allocation.trainees[0].user)
    page = page_text(client.post(rank_url(allocation), {"version": 0, "ranked": ["R2"], "action": "submit"}))
    [focused] = autofocused(page)
    assert 'id="ranking-confirmation"' in focused
    confirmation = page.split('id="ranking-confirmation"', 1)[1].split("</div>", 1)[0]
    assert "Your list of 1 rotations was submitted." in confirmation


def test_enter_in_a_number_box_sets_that_number(allocation, client):
    client.force_login(allocation.trainees[0].user)
    url = rank_url(allocation)
    client.post(url, {"version": 0, "ranked": ["ROT-A", "R2", "R3"], "action": "save"})
    page = page_text(client.get(url))
    form = page.split('<div id="ranking">', 1)[1]
    # The first submit button, which Enter presses, is the one that reads the numbers typed.
    first_button = re.search(r"<button[^>]*>", form).group(0)
    assert 'value="enter"' in first_button
    assert "disabled" not in first_button

    # Enter pressed in R3's box after typing 1 there (the browser sends the form's default button).
    posted = {"version": 1, "ranked": ["ROT-A", "R2", "R3"], "action": "enter"}
    positions = {"position-ROT-A": "1", "position-R2": "2", "position-R3": "1"}
    page = page_text(client.post(url, posted | positions))

    assert "R3 moved to number 1." in page
    assert re.findall(r'name="ranked" value="([^"]+)"', page) == ["R3", "ROT-A", "R2"]


def test_what_enter_means_and_where_focus_goes_after_an_add():
    assert typed_position_action(["A", "B", "C"], {"A": "1", "B": " 3 ", "C": "3"}) == "rank:B"
    assert typed_position_action(["A", "B"], {"A": "1", "B": "2"}) == "save"
    assert typed_position_action(["A", "B"], {"A": "", "B": "2"}) == "save"
    shown = ["A", "B", "C", "D"]
    assert add_before(shown, {"A", "C", "D"}, "C") == "A"  # B is in the list already: its Add is gone
    assert add_before(shown, {"B", "C"}, "A") == ""
    assert add_before(shown, {"A"}, "Z") == ""
