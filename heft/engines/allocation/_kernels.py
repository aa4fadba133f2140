"""Compiled inner loops (numba). Plain arrays in and out; trainee and rotation indices as in Problem.

Conventions: `indptr`/`rotation_of` are the trainees' preference lists in CSR form (best first), `spare` the
places each rotation has for the mechanism, and an assignment array holds a rotation per trainee or -1.
"""

from collections import namedtuple

import numpy as np
from numba import njit

_UNSEEN, _EVEN, _ODD = 0, 1, 2  # Gallai-Edmonds labels; vertices left _UNSEEN are "unreachable"

# The preference graph, for rank_maximal: preference entry e joins trainee edge_trainee[e] and rotation
# rotation_of[e]. by_rotation lists the entries by rotation, then choice; rotation r's entries of choice
# below c are by_rotation[choice_start[r, 0]:choice_start[r, c]].
Graph = namedtuple("Graph", "active indptr rotation_of edge_trainee spare by_rotation choice_start")

# The reduced graph G'_i and the matching in it. Entry e is usable at level i while alive[e] and its
# choice number is at most i, last_level_t[its trainee] and last_level_r[its rotation]. matched[t] is the
# rotation holding trainee t (or -1); rotation r holds slot[slot_start[r]:slot_start[r] + load[r]], and
# slot_of[t] is t's position there.
Reduced = namedtuple("Reduced", "alive last_level_t last_level_r matched slot slot_start slot_of load")

# Scratch space for augmenting-path searches. Each search has its own stamp (a count kept in stamps[0]);
# seen[r] is the stamp of the last search to visit rotation r, and failed[stamp - phase_start] says that
# search found no path, which closes what it visited for the rest of the phase.
Search = namedtuple("Search", "seen failed stamps path_t path_r next_edge next_holder")


@njit(cache=True)
def serial_dictatorship(order, indptr, rotation_of, spare):
    """Each trainee in `order` takes their best rotation that still has a place."""
    left = spare.copy()
    assigned = np.full(len(indptr) - 1, -1, dtype=np.int32)
    for t in order:
        for e in range(indptr[t], indptr[t + 1]):
            r = rotation_of[e]
            if left[r] > 0:
                left[r] -= 1
                assigned[t] = r
                break
    return assigned


@njit(cache=True)
def deferred_acceptance(active, indptr, rotation_of, priority, spare):
    """Trainee-proposing deferred acceptance; priority[e] is how rotation_of[e] ranks e's trainee (low: good).

    Each rotation keeps the trainees it holds in a max-heap on priority, so the one to reject is at the top.
    """
    n = len(indptr) - 1
    heap_start = np.zeros(len(spare) + 1, dtype=np.int64)
    heap_start[1:] = np.cumsum(spare)
    heap_size = np.zeros(len(spare), dtype=np.int64)
    heap_key = np.empty(heap_start[-1], dtype=np.int64)
    heap_trainee = np.empty(heap_start[-1], dtype=np.int32)
    next_edge = indptr[:-1].copy()
    assigned = np.full(n, -1, dtype=np.int32)
    waiting = np.flatnonzero(active)[::-1].astype(np.int32)
    top = len(waiting)
    while top > 0:
        top -= 1
        t = waiting[top]
        while next_edge[t] < indptr[t + 1]:
            e = next_edge[t]
            next_edge[t] += 1
            r = rotation_of[e]
            base = heap_start[r]
            if heap_size[r] < spare[r]:
                _heap_push(heap_key, heap_trainee, base, heap_size[r], priority[e], t)
                heap_size[r] += 1
                assigned[t] = r
                break
            if spare[r] > 0 and priority[e] < heap_key[base]:
                rejected = heap_trainee[base]
                heap_key[base] = priority[e]
                heap_trainee[base] = t
                _heap_sift_down(heap_key, heap_trainee, base, heap_size[r])
                assigned[t] = r
                assigned[rejected] = -1
                waiting[top] = rejected
                top += 1
                break
    return assigned


@njit(cache=True)
def _heap_push(keys, items, base, size, key, item):
    i = size
    while i > 0:
        parent = (i - 1) // 2
        if keys[base + parent] >= key:
            break
        keys[base + i] = keys[base + parent]
        items[base + i] = items[base + parent]
        i = parent
    keys[base + i] = key
    items[base + i] = item


@njit(cache=True)
def _heap_sift_down(keys, items, base, size):
    i = 0
    key, item = keys[base], items[base]
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and keys[base + child + 1] > keys[base + child]:
            child += 1
        if keys[base + child] <= key:
            break
        keys[base + i] = keys[base + child]
        items[base + i] = items[base + child]
        i = child
    keys[base + i] = key
    items[base + i] = item


@njit(cache=True)
def preference_graph(active, indptr, rotation_of, spare):
    """The Graph for rank_maximal; entries are put in rotation-then-choice order by counting sort."""
    n, n_rot = len(indptr) - 1, len(spare)
    n_levels = np.max(np.diff(indptr)) if n > 0 else 0
    edge_trainee = np.empty(len(rotation_of), dtype=np.int32)
    counts = np.zeros(n_rot * n_levels + 1, dtype=np.int64)
    for t in range(n):
        for e in range(indptr[t], indptr[t + 1]):
            edge_trainee[e] = t
            counts[rotation_of[e] * n_levels + (e - indptr[t]) + 1] += 1
    starts = np.cumsum(counts)
    by_rotation = np.empty(len(rotation_of), dtype=np.int64)
    filled = starts[:-1].copy()
    for e in range(len(rotation_of)):
        bucket = rotation_of[e] * n_levels + (e - indptr[edge_trainee[e]])
        by_rotation[filled[bucket]] = e
        filled[bucket] += 1
    choice_start = np.empty((n_rot, n_levels + 1), dtype=np.int64)
    for r in range(n_rot):
        choice_start[r, :] = starts[r * n_levels : (r + 1) * n_levels + 1]
    return Graph(active, indptr, rotation_of, edge_trainee, spare, by_rotation, choice_start)


@njit(cache=True)
def rank_maximal(graph):
    """A rank-maximal matching (Irving, Kavitha, Mehlhorn, Michail and Paluch 2006) with rotation capacities.

    Phase i adds the i-th choices to a reduced graph G'_i and augments the matching to a maximum one in it.
    Its Gallai-Edmonds decomposition then says which vertices every rank-maximal matching must fill with a
    choice <= i: those (odd or unreachable) lose their later choices, and edges no maximum matching can use
    (odd-odd, odd-unreachable) are deleted. Copies of a rotation always share a label, so a rotation with
    capacity c is handled as one vertex holding up to c trainees.

    Ties between equally good matchings fall to search order: unmatched trainees are taken in
    recruitment-rank order, and a trainee once placed stays placed (augmenting paths only move people).
    """
    reduced = _empty_reduced(graph)
    search = _empty_search(graph)
    n_levels = np.max(np.diff(graph.indptr)) if len(graph.indptr) > 1 else 0
    for level in range(n_levels):
        _take_free_places(graph, reduced, level)
        _augment_to_maximum(graph, reduced, search, level)
        label_t, label_r = _gallai_edmonds_labels(graph, reduced, level)
        _prune(graph, reduced, level, label_t, label_r)
    return reduced.matched


@njit(cache=True)
def _empty_reduced(graph):
    n, n_rot = len(graph.indptr) - 1, len(graph.spare)
    never = np.iinfo(np.int32).max
    slot_start = np.zeros(n_rot + 1, dtype=np.int64)
    slot_start[1:] = np.cumsum(graph.spare)
    return Reduced(
        (graph.spare[graph.rotation_of] > 0) & graph.active[graph.edge_trainee],
        np.full(n, never, dtype=np.int32),
        np.full(n_rot, never, dtype=np.int32),
        np.full(n, -1, dtype=np.int32),
        np.empty(slot_start[-1], dtype=np.int32),
        slot_start,
        np.zeros(n, dtype=np.int64),
        np.zeros(n_rot, dtype=np.int64),
    )


@njit(cache=True)
def _empty_search(graph):
    n, n_rot = len(graph.indptr) - 1, len(graph.spare)
    return Search(
        np.zeros(n_rot, dtype=np.int64),
        np.zeros(n + 1, dtype=np.bool_),
        np.zeros(1, dtype=np.int64),
        np.empty(n + 1, dtype=np.int32),
        np.empty(n + 1, dtype=np.int32),
        np.empty(n + 1, dtype=np.int64),
        np.empty(n + 1, dtype=np.int64),
    )


@njit(cache=True, inline="always")
def _usable(graph, reduced, e, level, t):
    choice = e - graph.indptr[t]
    return (
        reduced.alive[e]
        and choice <= level
        and choice <= reduced.last_level_t[t]
        and choice <= reduced.last_level_r[graph.rotation_of[e]]
    )


@njit(cache=True)
def _take_free_places(graph, reduced, level):
    """Cheap start to the phase: unmatched trainees whose level-th choice still has room take it."""
    for t in range(len(reduced.matched)):
        e = graph.indptr[t] + level
        if not graph.active[t] or reduced.matched[t] >= 0 or e >= graph.indptr[t + 1]:
            continue
        r = graph.rotation_of[e]
        if reduced.load[r] < graph.spare[r] and _usable(graph, reduced, e, level, t):
            _place(reduced, t, r)


@njit(cache=True, inline="always")
def _place(reduced, t, r):
    reduced.slot[reduced.slot_start[r] + reduced.load[r]] = t
    reduced.slot_of[t] = reduced.load[r]
    reduced.load[r] += 1
    reduced.matched[t] = r


@njit(cache=True)
def _augment_to_maximum(graph, reduced, search, level):
    """One augmenting-path search from each unmatched trainee, in recruitment-rank order.

    A search that fails has visited a closed set of full rotations: whoever holds them can only move
    within it, so no later path of this phase can pass through it, and later searches skip it. That
    makes one search per trainee enough for a maximum matching.
    """
    phase_start = search.stamps[0]
    search.failed[:] = False
    for t in range(len(reduced.matched)):
        if graph.active[t] and reduced.matched[t] < 0:
            search.stamps[0] += 1
            if not _augment_from(graph, reduced, search, level, t, phase_start):
                search.failed[search.stamps[0] - phase_start] = True


@njit(cache=True, inline="always")
def _closed(search, r, phase_start):
    """Visited by this search, or by a failed search earlier in the phase."""
    stamp = search.seen[r]
    return stamp == search.stamps[0] or (stamp > phase_start and search.failed[stamp - phase_start])


@njit(cache=True)
def _augment_from(graph, reduced, search, level, t0, phase_start):
    """Depth-first search for an augmenting path from trainee t0 over rotations not yet closed;
    applies the path and returns True if it finds one.

    path_t[d] is the trainee at depth d; path_r[d] the full rotation it is trying to enter (-1 while it is
    still choosing), whose holder path_t[d + 1] is being asked to move elsewhere.
    """
    indptr, path_t, path_r = graph.indptr, search.path_t, search.path_r
    next_edge, next_holder = search.next_edge, search.next_holder
    depth = 0
    path_t[0] = t0
    path_r[0] = -1
    next_edge[0] = indptr[t0]
    while depth >= 0:
        t = path_t[depth]
        r = path_r[depth]
        if r >= 0 and next_holder[depth] < reduced.load[r]:
            holder = reduced.slot[reduced.slot_start[r] + next_holder[depth]]
            next_holder[depth] += 1
            depth += 1
            path_t[depth] = holder
            path_r[depth] = -1
            next_edge[depth] = indptr[holder]
            continue
        path_r[depth] = -1
        end = min(indptr[t + 1], indptr[t] + level + 1)
        entered = False
        while next_edge[depth] < end:
            e = next_edge[depth]
            next_edge[depth] += 1
            r = graph.rotation_of[e]
            if (
                r == reduced.matched[t]
                or _closed(search, r, phase_start)
                or not _usable(graph, reduced, e, level, t)
            ):
                continue
            search.seen[r] = search.stamps[0]
            if reduced.load[r] < graph.spare[r]:
                _shift_along_path(reduced, search, depth, r)
                return True
            path_r[depth] = r
            next_holder[depth] = 0
            entered = True
            break
        if not entered:
            depth -= 1
    return False


@njit(cache=True)
def _shift_along_path(reduced, search, depth, free_rotation):
    """The deepest trainee takes the free place; each trainee above takes the place its successor left."""
    deepest = search.path_t[depth]
    freed_slot = reduced.slot_of[deepest]
    _place(reduced, deepest, free_rotation)
    for d in range(depth - 1, -1, -1):
        t, r = search.path_t[d], search.path_r[d]
        previous_slot = reduced.slot_of[t]
        reduced.slot[reduced.slot_start[r] + freed_slot] = t
        reduced.slot_of[t] = freed_slot
        reduced.matched[t] = r
        freed_slot = previous_slot


@njit(cache=True)
def _gallai_edmonds_labels(graph, reduced, level):
    """Even/odd labels by alternating search from unmatched trainees and from rotations with room.

    An even rotation makes every trainee with a usable entry for it odd, its own holders included: in the
    copy picture a holder is joined to the rotation's other copies by edges outside the matching.
    """
    matched, load, slot, slot_start = reduced.matched, reduced.load, reduced.slot, reduced.slot_start
    n, n_rot = len(matched), len(graph.spare)
    label_t = np.zeros(n, dtype=np.int8)
    label_r = np.zeros(n_rot, dtype=np.int8)
    queue = np.empty(max(n, n_rot), dtype=np.int32)
    tail = 0
    for t in range(n):
        if graph.active[t] and matched[t] < 0:
            label_t[t] = _EVEN
            queue[tail] = t
            tail += 1
    head = 0
    while head < tail:
        t = queue[head]
        head += 1
        for e in range(graph.indptr[t], min(graph.indptr[t + 1], graph.indptr[t] + level + 1)):
            r = graph.rotation_of[e]
            if label_r[r] != _UNSEEN or r == matched[t] or not _usable(graph, reduced, e, level, t):
                continue
            label_r[r] = _ODD
            for s in range(slot_start[r], slot_start[r] + load[r]):
                if label_t[slot[s]] == _UNSEEN:
                    label_t[slot[s]] = _EVEN
                    queue[tail] = slot[s]
                    tail += 1
    tail = 0
    for r in range(n_rot):
        if load[r] < graph.spare[r]:
            label_r[r] = _EVEN
            queue[tail] = r
            tail += 1
    head = 0
    while head < tail:
        r = queue[head]
        head += 1
        for k in range(graph.choice_start[r, 0], graph.choice_start[r, level + 1]):
            e = graph.by_rotation[k]
            t = graph.edge_trainee[e]
            if label_t[t] != _UNSEEN or not graph.active[t] or not _usable(graph, reduced, e, level, t):
                continue
            label_t[t] = _ODD
            if label_r[matched[t]] == _UNSEEN:
                label_r[matched[t]] = _EVEN
                queue[tail] = matched[t]
                tail += 1
    return label_t, label_r


@njit(cache=True)
def _prune(graph, reduced, level, label_t, label_r):
    """Steps (b) and (c): odd and unreachable vertices keep no later choices; odd-odd/odd-unreachable go."""
    for t in range(len(graph.indptr) - 1):
        if not graph.active[t]:
            continue
        for e in range(graph.indptr[t], min(graph.indptr[t + 1], graph.indptr[t] + level + 1)):
            lt, lr = label_t[t], label_r[graph.rotation_of[e]]
            if (lt == _ODD and lr != _EVEN) or (lt == _UNSEEN and lr == _ODD):
                reduced.alive[e] = False
        if label_t[t] != _EVEN:
            reduced.last_level_t[t] = min(reduced.last_level_t[t], level)
    for r in range(len(label_r)):
        if label_r[r] != _EVEN:
            reduced.last_level_r[r] = min(reduced.last_level_r[r], level)


@njit(cache=True)
def first_repeat(indptr, values, n_values):
    """The first row (in row order) whose values[indptr[row]:indptr[row + 1]] holds a value twice, or -1."""
    last_row = np.full(n_values, -1, dtype=np.int64)
    for row in range(len(indptr) - 1):
        for e in range(indptr[row], indptr[row + 1]):
            value = values[e]
            if last_row[value] == row:
                return row
            last_row[value] = row
    return -1
