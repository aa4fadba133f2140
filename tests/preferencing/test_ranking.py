from hypothesis import given
from hypothesis import strategies as st

from heft.preferencing.ranking import apply_move

ALLOWED = {"A", "B", "C", "D"}


def test_move_up_and_down():
    assert apply_move(["A", "B", "C"], "up:C", allowed=ALLOWED).codes == ["A", "C", "B"]
    assert apply_move(["A", "B", "C"], "down:A", allowed=ALLOWED).codes == ["B", "A", "C"]


def test_moves_at_the_ends_change_nothing():
    move = apply_move(["A", "B"], "up:A", allowed=ALLOWED)
    assert move.codes == ["A", "B"]
    assert move.message == "A stays at number 1."


def test_set_rank_add_and_remove():
    assert apply_move(["A", "B", "C"], "rank:C", allowed=ALLOWED, position="1").codes == ["C", "A", "B"]
    assert apply_move(["A"], "add:D", allowed=ALLOWED).codes == ["A", "D"]
    assert apply_move(["A", "B"], "remove:A", allowed=ALLOWED).codes == ["B"]


def test_bad_positions_and_codes_are_explained():
    assert (
        apply_move(["A", "B"], "rank:B", allowed=ALLOWED, position="9").message
        == "Choose a number from 1 to 2."
    )
    assert apply_move(["A"], "up:Z", allowed=ALLOWED).message == "That rotation cannot be ranked."


@given(
    st.lists(st.sampled_from(sorted(ALLOWED)), unique=True),
    st.sampled_from(["up", "down", "remove", "add", "rank"]),
    st.sampled_from(sorted(ALLOWED)),
    st.text(max_size=3),
)
def test_a_move_never_duplicates_or_invents(codes, verb, code, position):
    result = apply_move(codes, f"{verb}:{code}", allowed=ALLOWED, position=position).codes
    assert len(result) == len(set(result))
    assert set(result) <= ALLOWED
    assert set(result) - {code} == set(codes) - {code}
