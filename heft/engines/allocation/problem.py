"""The allocation problem: parsing, validation and the array form the mechanisms work on.

Trainees are indexed in recruitment-rank order (index 0 holds rank 1) and rotations in id order, so the
same problem given in any order becomes the same arrays and so the same result.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import operator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np
import orjson

from heft.engines.allocation import _kernels

SUPPORTED_VERSION = 1
UNASSIGNED = -1

_TOP_LEVEL_KEYS = {"version", "rotations", "trainees", "rotation_priorities", "fixed", "current"}
_ROTATION_KEYS = {"id", "capacity"}
_TRAINEE_KEYS = {"id", "rank", "preferences"}


class ProblemError(ValueError):
    """Bad input. The message names every offending trainee or rotation, one problem a line."""

    def __init__(self, errors: list[str] | str):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True, eq=False)
class Problem:
    """A validated problem. Indices: trainees in rank order, rotations in id order; -1 means none."""

    trainee_ids: tuple[str, ...]
    ranks: np.ndarray  # int64, ascending
    rotation_ids: tuple[str, ...]
    capacity: np.ndarray  # int64
    pref_indptr: np.ndarray  # int64, trainee t ranked pref_rotation[pref_indptr[t]:pref_indptr[t + 1]]
    pref_rotation: np.ndarray  # int32, best first
    fixed: np.ndarray  # int32 rotation per trainee, or -1
    current: np.ndarray | None  # int32 rotation per trainee, or -1; None when no allocation is in force
    rotation_priorities: dict[int, np.ndarray] = field(default_factory=dict)  # rotation -> trainees
    # Worked out while parsing, when it costs least: the trainees' id order, and the "trainees" list of
    # the canonical JSON (see input_digest). Without them they are worked out from the arrays.
    given_id_order: np.ndarray | None = field(default=None, repr=False)
    canonical_trainees: bytes | None = field(default=None, repr=False)

    @property
    def n_trainees(self) -> int:
        return len(self.trainee_ids)

    @property
    def n_rotations(self) -> int:
        return len(self.rotation_ids)

    @cached_property
    def edge_trainee(self) -> np.ndarray:
        """The trainee of each preference entry."""
        return np.repeat(np.arange(self.n_trainees, dtype=np.int32), np.diff(self.pref_indptr))

    @cached_property
    def edge_choice(self) -> np.ndarray:
        """The 0-based choice number of each preference entry (0 is a first choice)."""
        return (np.arange(len(self.pref_rotation)) - self.pref_indptr[self.edge_trainee]).astype(np.int32)

    @cached_property
    def spare_capacity(self) -> np.ndarray:
        """Places left for the mechanism once fixed places are taken."""
        fixed = self.fixed[self.fixed >= 0]
        return self.capacity - np.bincount(fixed, minlength=self.n_rotations)

    @cached_property
    def rotation_indptr(self) -> np.ndarray:
        """Where each rotation's entries start in rotation_edges (r's run to rotation_indptr[r + 1])."""
        indptr = np.zeros(self.n_rotations + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.pref_rotation, minlength=self.n_rotations), out=indptr[1:])
        return indptr

    @cached_property
    def rotation_edges(self) -> np.ndarray:
        """Preference entry ids sorted by rotation, then by trainee."""
        return np.argsort(self.pref_rotation, kind="stable")

    @cached_property
    def edge_priority(self) -> np.ndarray:
        """How each rotation ranks the trainee of each preference entry (lower is better).

        A rotation with a priority list ranks the listed trainees first, in list order, then everyone else
        by recruitment rank; a rotation without one ranks everyone by recruitment rank.
        """
        listed_count = np.zeros(self.n_rotations, dtype=np.int64)
        for rotation, trainees in self.rotation_priorities.items():
            listed_count[rotation] = len(trainees)
        priority = listed_count[self.pref_rotation] + self.edge_trainee
        for rotation, listed in self.rotation_priorities.items():
            edges = self.rotation_edges[self.rotation_indptr[rotation] : self.rotation_indptr[rotation + 1]]
            rankers = self.edge_trainee[edges]  # ascending, as edges are in trainee order
            found = np.minimum(np.searchsorted(rankers, listed), max(len(rankers) - 1, 0))
            ranked = rankers[found] == listed if len(rankers) else np.zeros(len(listed), dtype=bool)
            priority[edges[found[ranked]]] = np.flatnonzero(ranked)
        return priority

    @cached_property
    def input_digest(self) -> str:
        """sha256 of `json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"),
        ensure_ascii=False)` in UTF-8 (orjson writes the same text, sorting keys by code point)."""
        digest = hashlib.sha256()
        for part in self._canonical_parts():
            digest.update(part)
        return digest.hexdigest()

    @cached_property
    def id_order(self) -> np.ndarray:
        """Trainee indices in trainee id order (the order of the per-trainee parts of a result)."""
        if self.given_id_order is not None:
            return self.given_id_order
        return np.array(sorted(range(self.n_trainees), key=self.trainee_ids.__getitem__), dtype=np.int64)

    def _canonical_parts(self) -> list[bytes]:
        if self.canonical_trainees is None:
            return [_canonical_json(self.canonical())]
        canonical = self.canonical(with_trainees=False)
        head = _canonical_json({key: value for key, value in canonical.items() if key < "trainees"})
        tail = _canonical_json({key: value for key, value in canonical.items() if key > "trainees"})
        return [head[:-1], b',"trainees":', self.canonical_trainees, b",", tail[1:]]

    def canonical(self, *, with_trainees: bool = True) -> dict[str, Any]:
        """The problem as plain JSON data in a canonical order (the digest is taken of this)."""
        rotations, trainees = self.rotation_ids, self.trainee_ids

        def placements(per_trainee: np.ndarray) -> dict[str, str]:
            order = self.id_order[per_trainee[self.id_order] >= 0].tolist()
            return {
                trainees[t]: rotations[r] for t, r in zip(order, per_trainee[order].tolist(), strict=True)
            }

        canonical = {
            "version": SUPPORTED_VERSION,
            "rotations": [
                {"id": r, "capacity": int(c)} for r, c in zip(rotations, self.capacity.tolist(), strict=True)
            ],
            "trainees": [
                {"id": trainees[t], "rank": int(self.ranks[t]), "preferences": self.preferences_of(t)}
                for t in (self.id_order.tolist() if with_trainees else ())
            ],
            "rotation_priorities": {
                rotations[r]: [trainees[t] for t in listed.tolist()]
                for r, listed in sorted(self.rotation_priorities.items())
            },
            "fixed": placements(self.fixed),
            "current": None if self.current is None else placements(self.current),
        }
        if not with_trainees:
            del canonical["trainees"]
        return canonical

    def preferences_of(self, trainee: int) -> list[str]:
        start, end = self.pref_indptr[trainee], self.pref_indptr[trainee + 1]
        return [self.rotation_ids[r] for r in self.pref_rotation[start:end].tolist()]


def parse_problem(data: Any) -> Problem:
    """Validate a version-1 problem (already decoded from JSON) and build its array form.

    Raises ProblemError listing every problem found, each naming the trainee or rotation at fault.
    """
    if isinstance(data, Problem):
        return data
    if not isinstance(data, dict):
        raise ProblemError(f"The problem must be a JSON object, not {_json_type(data)}.")
    _check_shape(data)
    rotation_ids, capacity = _parse_rotations(data["rotations"])
    rotation_index = {rotation: i for i, rotation in enumerate(rotation_ids)}
    trainees = _parse_trainees(data["trainees"], rotation_index)
    trainee_ids, pref_indptr, pref_rotation = trainees.ids, trainees.pref_indptr, trainees.pref_rotation
    named = (data.get(key) for key in ("fixed", "current", "rotation_priorities"))
    trainee_index = dict(zip(trainee_ids, range(len(trainee_ids)), strict=True)) if any(named) else {}

    errors: list[str] = []
    fixed, current = (
        _parse_placements(data.get(key), key, len(trainee_ids), trainee_index, rotation_index, errors)
        for key in ("fixed", "current")
    )
    priorities = _parse_priorities(data.get("rotation_priorities"), trainee_index, rotation_index, errors)
    if errors:
        raise ProblemError(errors)
    _check_fixed_fits(fixed, capacity, rotation_ids, errors)
    _check_current(fixed, current, pref_indptr, pref_rotation, trainee_ids, rotation_ids, errors)
    if errors:
        raise ProblemError(errors)
    return Problem(
        trainee_ids=trainee_ids,
        ranks=trainees.ranks,
        rotation_ids=rotation_ids,
        capacity=capacity,
        pref_indptr=pref_indptr,
        pref_rotation=pref_rotation,
        fixed=fixed,
        current=None if data.get("current") is None else current,
        rotation_priorities=priorities,
        given_id_order=trainees.id_order,
        canonical_trainees=trainees.canonical,
    )


def _check_shape(data: dict) -> None:
    errors = [
        f"Unknown field {key!r} in the problem." for key in sorted(set(data) - _TOP_LEVEL_KEYS, key=str)
    ]
    version = data.get("version", SUPPORTED_VERSION)
    if version != SUPPORTED_VERSION or isinstance(version, bool):
        errors.append(
            f"Unsupported problem version {version!r}: this engine reads version {SUPPORTED_VERSION}."
        )
    for key in ("rotations", "trainees"):
        if key not in data:
            errors.append(f"The problem has no {key!r} list.")
        elif not isinstance(data[key], list):
            errors.append(f"{key!r} must be a list, not {_json_type(data[key])}.")
    for key in ("rotation_priorities", "fixed", "current"):
        if data.get(key) is not None and not isinstance(data[key], dict):
            errors.append(f"{key!r} must be an object, not {_json_type(data[key])}.")
    if errors:
        raise ProblemError(errors)


def _parse_rotations(items: list) -> tuple[tuple[str, ...], np.ndarray]:
    errors: list[str] = []
    capacities: dict[str, int] = {}
    for position, item in enumerate(items, start=1):
        label = f"Rotation {position}"
        if not _is_record(item, _ROTATION_KEYS, label, errors):
            continue
        rotation = item["id"]
        label = f"Rotation {rotation}"
        capacity = item["capacity"]
        if rotation in capacities:
            errors.append(f"Rotation id {rotation} is used more than once.")
        elif not _is_whole_number(capacity) or capacity < 0:
            errors.append(f"{label}: capacity must be a whole number of places, 0 or more; got {capacity!r}.")
        else:
            capacities[rotation] = capacity
    if errors:
        raise ProblemError(errors)
    rotation_ids = tuple(sorted(capacities))
    return rotation_ids, np.array([capacities[r] for r in rotation_ids], dtype=np.int64)


class _Trainees(NamedTuple):
    ids: tuple[str, ...]  # in rank order
    ranks: np.ndarray
    pref_indptr: np.ndarray
    pref_rotation: np.ndarray
    id_order: np.ndarray | None = None
    canonical: bytes | None = None


def _parse_trainees(items: list, rotation_index: dict[str, int]) -> _Trainees:
    """Trainee ids and ranks in rank order, and their preference lists in CSR form (see Problem)."""
    parsed = _parse_valid_trainees(items, rotation_index)
    if parsed is None:
        parsed = _parse_trainees_one_by_one(items, rotation_index)
    return parsed


def _parse_valid_trainees(items: list, rotation_index: dict[str, int]) -> _Trainees | None:
    """The trainees parsed with whole-list operations, or None if any of them might be at fault (then
    _parse_trainees_one_by_one finds and names every fault)."""
    count = len(items)
    try:
        if not all(map(operator.eq, map(dict.keys, items), itertools.repeat(_TRAINEE_KEYS))):
            return None
        ids = list(map(operator.itemgetter("id"), items))
        ranks = list(map(operator.itemgetter("rank"), items))
        preferences = list(map(operator.itemgetter("preferences"), items))
        if count and (set(map(type, ids)) != {str} or set(map(type, ranks)) != {int}):
            return None
        if count and set(map(type, preferences)) != {list}:
            return None
        if not all(ids) or len(set(ids)) != count:
            return None
        rank = np.array(ranks, dtype=np.int64).reshape(count)
        lengths = np.fromiter(map(len, preferences), dtype=np.int64, count=count)
        entries = int(lengths.sum())
        rotations = itertools.chain.from_iterable(preferences)
        rotation = np.fromiter(map(rotation_index.__getitem__, rotations), dtype=np.int32, count=entries)
    except (TypeError, KeyError, OverflowError):
        return None
    order = np.argsort(rank, kind="stable")
    rank = rank[order]
    if count and (rank[0] < 1 or np.any(rank[1:] == rank[:-1])):
        return None
    given_indptr = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(lengths, out=given_indptr[1:])
    if _kernels.first_repeat(given_indptr, rotation, max(len(rotation_index), 1)) >= 0:
        return None
    lengths = lengths[order]
    indptr = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    source = np.repeat(given_indptr[:-1][order] - indptr[:-1], lengths) + np.arange(entries)
    trainee_ids = tuple(map(ids.__getitem__, order.tolist()))
    by_id = sorted(range(count), key=ids.__getitem__)
    rank_position = np.empty(count, dtype=np.int64)
    rank_position[order] = np.arange(count)
    try:  # each item is exactly {"id", "rank", "preferences"}, as the canonical form has it
        canonical = orjson.dumps(list(map(items.__getitem__, by_id)), option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        canonical = None
    return _Trainees(trainee_ids, rank, indptr, rotation[source], rank_position[by_id], canonical)


def _parse_trainees_one_by_one(items: list, rotation_index: dict[str, int]) -> _Trainees:
    errors: list[str] = []
    seen_ids: set[str] = set()
    holder_of_rank: dict[int, str] = {}
    parsed: list[tuple[int, str, list[int]]] = []
    for position, item in enumerate(items, start=1):
        if not _is_record(item, _TRAINEE_KEYS, f"Trainee {position}", errors):
            continue
        trainee, rank, preferences = item["id"], item["rank"], item["preferences"]
        if trainee in seen_ids:
            errors.append(f"Trainee id {trainee} is used more than once.")
            continue
        seen_ids.add(trainee)
        if not _is_whole_number(rank) or rank < 1:
            errors.append(f"Trainee {trainee}: rank must be a whole number, 1 or more; got {rank!r}.")
        elif rank in holder_of_rank:
            errors.append(
                f"Trainees {holder_of_rank[rank]} and {trainee} both have rank {rank}; ranks must be unique."
            )
        else:
            holder_of_rank[rank] = trainee
        indices = _parse_preferences(trainee, preferences, rotation_index, errors)
        parsed.append((rank, trainee, indices))
    if errors:
        raise ProblemError(errors)
    parsed.sort()
    trainee_ids = tuple(trainee for _, trainee, _ in parsed)
    ranks = np.array([rank for rank, _, _ in parsed], dtype=np.int64)
    preferences = [indices for _, _, indices in parsed]
    pref_indptr = np.zeros(len(trainee_ids) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in preferences], out=pref_indptr[1:])
    pref_rotation = np.fromiter((r for p in preferences for r in p), dtype=np.int32, count=pref_indptr[-1])
    return _Trainees(trainee_ids, ranks, pref_indptr, pref_rotation)


def _parse_preferences(
    trainee: str, preferences: Any, rotation_index: dict[str, int], errors: list[str]
) -> list[int]:
    if not isinstance(preferences, list):
        errors.append(
            f"Trainee {trainee}: preferences must be a list of rotation ids, not {_json_type(preferences)}."
        )
        return []
    indices = []
    seen: set[str] = set()
    for rotation in preferences:
        if not isinstance(rotation, str):
            errors.append(f"Trainee {trainee}: preference {rotation!r} is not a rotation id (a string).")
        elif rotation not in rotation_index:
            errors.append(f"Trainee {trainee} ranks unknown rotation {rotation}.")
        elif rotation in seen:
            errors.append(f"Trainee {trainee} ranks rotation {rotation} more than once.")
        else:
            seen.add(rotation)
            indices.append(rotation_index[rotation])
    return indices


def _parse_placements(
    placements: dict | None,
    name: str,
    n_trainees: int,
    trainee_index: dict[str, int],
    rotation_index: dict[str, int],
    errors: list[str],
) -> np.ndarray:
    per_trainee = np.full(n_trainees, UNASSIGNED, dtype=np.int32)
    if placements:
        try:  # all at once when every entry is sound; else one by one, to name each fault
            trainees = np.fromiter(map(trainee_index.__getitem__, placements), dtype=np.int64)
            if set(map(type, placements.values())) != {str}:
                raise TypeError
            rotations = np.fromiter(map(rotation_index.__getitem__, placements.values()), dtype=np.int32)
        except (KeyError, TypeError):
            pass
        else:
            per_trainee[trainees] = rotations
            return per_trainee
    for trainee, rotation in (placements or {}).items():
        if trainee not in trainee_index:
            errors.append(f"{name!r} names unknown trainee {trainee}.")
        elif not isinstance(rotation, str):
            errors.append(
                f"{name!r}: trainee {trainee} must map to a rotation id, not {_json_type(rotation)}."
            )
        elif rotation not in rotation_index:
            errors.append(f"{name!r} places trainee {trainee} in unknown rotation {rotation}.")
        else:
            per_trainee[trainee_index[trainee]] = rotation_index[rotation]
    return per_trainee


def _parse_priorities(
    priorities: dict | None, trainee_index: dict[str, int], rotation_index: dict[str, int], errors: list[str]
) -> dict[int, np.ndarray]:
    parsed: dict[int, np.ndarray] = {}
    for rotation, trainees in (priorities or {}).items():
        if rotation not in rotation_index:
            errors.append(f"'rotation_priorities' names unknown rotation {rotation}.")
            continue
        if not isinstance(trainees, list):
            errors.append(f"'rotation_priorities' for rotation {rotation} must be a list of trainee ids.")
            continue
        listed: list[int] = []
        for trainee in trainees:
            if not isinstance(trainee, str) or trainee not in trainee_index:
                errors.append(
                    f"'rotation_priorities' for rotation {rotation} names unknown trainee {trainee}."
                )
            elif trainee_index[trainee] in listed:
                errors.append(f"'rotation_priorities' for rotation {rotation} lists trainee {trainee} twice.")
            else:
                listed.append(trainee_index[trainee])
        parsed[rotation_index[rotation]] = np.array(listed, dtype=np.int32)
    return parsed


def _check_fixed_fits(
    fixed: np.ndarray, capacity: np.ndarray, rotation_ids: tuple[str, ...], errors: list[str]
) -> None:
    fixed_count = np.bincount(fixed[fixed >= 0], minlength=len(capacity))
    for r in np.flatnonzero(fixed_count > capacity).tolist():
        errors.append(
            f"Rotation {rotation_ids[r]} has {fixed_count[r]} fixed places "
            f"but a capacity of only {capacity[r]}."
        )


def _check_current(
    fixed: np.ndarray,
    current: np.ndarray,
    pref_indptr: np.ndarray,
    pref_rotation: np.ndarray,
    trainee_ids: tuple[str, ...],
    rotation_ids: tuple[str, ...],
    errors: list[str],
) -> None:
    """A current place must be one the trainee ranked (so keeping it never breaks that rule)."""
    placed = current >= 0
    if not placed.any():
        return
    edge_trainee = np.repeat(np.arange(len(current)), np.diff(pref_indptr))
    ranked = np.zeros(len(current), dtype=bool)
    ranked[edge_trainee[pref_rotation == current[edge_trainee]]] = True
    moved_fixed = placed & (fixed >= 0) & (fixed != current)
    unranked = placed & (fixed < 0) & ~ranked
    for t in np.flatnonzero(moved_fixed | unranked).tolist():
        trainee, rotation = trainee_ids[t], rotation_ids[current[t]]
        if moved_fixed[t]:
            errors.append(
                f"Trainee {trainee} is fixed to rotation {rotation_ids[fixed[t]]} "
                f"but 'current' places them in {rotation}."
            )
        else:
            errors.append(
                f"'current' places trainee {trainee} in rotation {rotation}, which they did not rank: "
                f"add it to their preferences or list the place under 'fixed'."
            )


def _is_record(item: Any, keys: set[str], label: str, errors: list[str]) -> bool:
    if not isinstance(item, dict):
        errors.append(f"{label} must be an object, not {_json_type(item)}.")
        return False
    identifier = item.get("id")
    if not isinstance(identifier, str) or not identifier:
        errors.append(f"{label} needs an 'id' that is a non-empty string; got {identifier!r}.")
        return False
    label = f"{label.split()[0]} {identifier}"
    missing = sorted(keys - set(item))
    unknown = sorted(set(item) - keys, key=str)
    if missing:
        errors.append(f"{label} is missing {', '.join(repr(key) for key in missing)}.")
    if unknown:
        errors.append(f"{label} has unknown field(s) {', '.join(repr(key) for key in unknown)}.")
    return not missing and not unknown


def _is_whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number")


def _canonical_json(data: Any) -> bytes:
    """`json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` in UTF-8."""
    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:  # lone surrogates, integers beyond 64 bits
        text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return text.encode("utf-8")
