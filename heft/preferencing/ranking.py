"""The ranking form's moves, without drag-and-drop: each button changes the order by one step."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Move:
    codes: list[str]
    message: str  # read out by screen readers after the change
    focus: str = ""  # the rotation whose controls should keep the focus


def apply_move(codes: list[str], action: str, *, allowed: set[str], position: str = "") -> Move:
    """Apply `action` ("up:CODE", "down:CODE", "remove:CODE", "add:CODE" or "rank:CODE" with `position`)."""
    verb, _, code = action.partition(":")
    codes = [c for c in codes if c in allowed]
    if code not in allowed:
        return Move(codes, "That rotation cannot be ranked.")
    if verb == "add" and code not in codes:
        return Move([*codes, code], f"{code} added at number {len(codes) + 1}.", code)
    if code not in codes:
        return Move(codes, f"{code} is not in your list.")
    index = codes.index(code)
    if verb == "remove":
        return Move([c for c in codes if c != code], f"{code} removed from your list.")
    target = {"up": index - 1, "down": index + 1}.get(verb)
    if verb == "rank":
        target = _position(position, len(codes))
        if target is None:
            return Move(codes, f"Choose a number from 1 to {len(codes)}.", code)
    if target is None or not 0 <= target < len(codes):
        return Move(codes, f"{code} stays at number {index + 1}.", code)
    codes.insert(target, codes.pop(index))
    return Move(codes, f"{code} moved to number {target + 1}.", code)


def _position(value: str, length: int) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number - 1 if 1 <= number <= length else None


def typed_position_action(codes: list[str], positions: dict[str, str]) -> str:
    """What Enter in a number box means: "rank:CODE" for the first rotation whose typed number is not where
    it stands (the box Enter was pressed in), or "save" when no number was changed."""
    for index, code in enumerate(codes, start=1):
        typed = positions.get(code, "").strip()
        if typed and typed != str(index):
            return f"rank:{code}"
    return "save"


def add_before(shown: list[str], addable: set[str], added: str) -> str:
    """After `added` is added, the rotation whose Add button comes just before where its button was, so
    that the next Add is one Tab away; "" when it was the first (focus then goes to the list's heading)."""
    if added not in shown:
        return ""
    before = [code for code in shown[: shown.index(added)] if code in addable]
    return before[-1] if before else ""
