"""Optimal allocations as flows: trainee -> ranked rotation (1 unit) -> sink (its spare places)."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from heft.engines.allocation.problem import Problem


@dataclass(frozen=True)
class FlowGraph:
    """The min-total-rank flow graph as OR-Tools arc arrays.

    Nodes: trainees 0..n-1 (one unit of supply each), rotations n..n+R-1, sink n+R. The first len(edges)
    arcs run trainee -> rotation at a cost of the choice number; edges names the preference entry of each.
    """

    tails: np.ndarray
    heads: np.ndarray
    capacities: np.ndarray
    costs: np.ndarray
    supplies: np.ndarray
    edges: np.ndarray


def flow_graph(problem: Problem) -> FlowGraph:
    n, n_rotations, spare = problem.n_trainees, problem.n_rotations, problem.spare_capacity
    edges = np.flatnonzero((problem.fixed[problem.edge_trainee] < 0) & (spare[problem.pref_rotation] > 0))
    n_arcs = len(edges) + n_rotations
    tails, heads = np.empty(n_arcs, dtype=np.int32), np.empty(n_arcs, dtype=np.int32)
    capacities, costs = np.ones(n_arcs, dtype=np.int64), np.zeros(n_arcs, dtype=np.int64)
    tails[: len(edges)] = problem.edge_trainee[edges]
    heads[: len(edges)] = problem.pref_rotation[edges]
    heads[: len(edges)] += n
    costs[: len(edges)] = problem.edge_choice[edges]
    costs[: len(edges)] += 1
    tails[len(edges) :] = np.arange(n, n + n_rotations, dtype=np.int32)
    heads[len(edges) :] = n + n_rotations
    capacities[len(edges) :] = spare
    supplies = np.zeros(n + n_rotations + 1, dtype=np.int64)
    supplies[:n] = 1
    supplies[-1] = -n
    return FlowGraph(tails, heads, capacities, costs, supplies, edges)


def solve_min_cost_flow(graph: FlowGraph) -> np.ndarray:
    """OR-Tools' maximum flow of least cost (supplies need not be met in full); the flow on each
    trainee -> rotation arc."""
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(graph.tails, graph.heads, graph.capacities, graph.costs)
    flow.set_nodes_supplies(np.arange(len(graph.supplies), dtype=np.int32), graph.supplies)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"OR-Tools min-cost flow did not finish: status {status}")
    return flow.flows(np.arange(len(graph.edges), dtype=np.int32))


def min_total_rank(problem: Problem) -> np.ndarray:
    """As many trainees placed as possible, then the smallest total of choice numbers (OR-Tools)."""
    graph = flow_graph(problem)
    assigned = np.full(problem.n_trainees, -1, dtype=np.int32)
    if len(graph.edges) == 0:
        return assigned
    used = graph.edges[solve_min_cost_flow(graph) > 0]
    assigned[problem.edge_trainee[used]] = problem.pref_rotation[used]
    return assigned


def least_disruptive(problem: Problem) -> np.ndarray:
    """Most trainees placed, then most kept in their current rotation, then the best rank profile.

    The three aims are folded into one exact cost per preference entry with Python integers
    (B = trainees + 1, K = longest list): keeping a trainee where they are is worth B**K and a choice c
    (0-based) is worth B**(K-1-c), so no amount of a lesser aim outweighs one unit of a greater. A
    successive-shortest-path min-cost flow then gives the least costly of the maximum flows. It runs in
    pure Python, once per connected part of the preference graph, so suits a scheme or a region.
    """
    assigned = np.full(problem.n_trainees, -1, dtype=np.int32)
    spare = problem.spare_capacity
    usable = np.flatnonzero((problem.fixed[problem.edge_trainee] < 0) & (spare[problem.pref_rotation] > 0))
    if len(usable) == 0:
        return assigned
    trainees, rotations = problem.edge_trainee[usable], problem.pref_rotation[usable]
    costs = _lexicographic_costs(problem, usable)
    part = _connected_part(problem, trainees, rotations)
    by_part = np.argsort(part, kind="stable")
    _, starts = np.unique(part[by_part], return_index=True)
    for in_part in np.split(by_part, starts[1:]):
        for t, r in _successive_shortest_paths(trainees[in_part], rotations[in_part], costs, in_part, spare):
            assigned[t] = r
    return assigned


def _lexicographic_costs(problem: Problem, usable: np.ndarray) -> list[int]:
    base = problem.n_trainees + 1
    levels = int(np.diff(problem.pref_indptr).max())
    current = problem.current if problem.current is not None else np.full(problem.n_trainees, -1)
    kept = (current[problem.edge_trainee[usable]] == problem.pref_rotation[usable]).tolist()
    choices = problem.edge_choice[usable].tolist()
    top = base ** (levels + 1)
    return [
        top - (base**levels if keep else 0) - base ** (levels - 1 - c)
        for keep, c in zip(kept, choices, strict=True)
    ]


def _connected_part(problem: Problem, trainees: np.ndarray, rotations: np.ndarray) -> np.ndarray:
    """The connected part of the trainee-rotation graph each usable preference entry lies in."""
    n = problem.n_trainees
    size = n + problem.n_rotations
    graph = coo_matrix(
        (np.ones(len(trainees)), (trainees, n + rotations.astype(np.int64))), shape=(size, size)
    )
    _, part = connected_components(graph, directed=False)
    return part[trainees]


def _successive_shortest_paths(
    trainees: np.ndarray, rotations: np.ndarray, costs: list[int], cost_index: np.ndarray, spare: np.ndarray
) -> list[tuple[int, int]]:
    """Min-cost maximum flow by Dijkstra with potentials; exact for any Python-integer costs."""
    local_t = {t: i for i, t in enumerate(dict.fromkeys(trainees.tolist()))}
    local_r = {r: i for i, r in enumerate(dict.fromkeys(rotations.tolist()))}
    n_t, n_r = len(local_t), len(local_r)
    source, sink = n_t + n_r, n_t + n_r + 1
    graph = _ResidualGraph(sink + 1)
    for i in local_t.values():
        graph.add(source, i, 1, 0)
    trainee_arcs = [
        graph.add(local_t[t], n_t + local_r[r], 1, costs[k])
        for t, r, k in zip(trainees.tolist(), rotations.tolist(), cost_index.tolist(), strict=True)
    ]
    for r, j in local_r.items():
        graph.add(n_t + j, sink, int(spare[r]), 0)
    while graph.augment_shortest_path(source, sink):
        pass
    by_local_r = {j: r for r, j in local_r.items()}
    return [
        (t, by_local_r[graph.head[arc] - n_t])
        for t, arc in zip(trainees.tolist(), trainee_arcs, strict=True)
        if graph.capacity[arc] == 0
    ]


class _ResidualGraph:
    """Arcs stored in pairs (arc ^ 1 is the reverse), with node potentials for Dijkstra."""

    def __init__(self, n_nodes: int):
        self.out: list[list[int]] = [[] for _ in range(n_nodes)]
        self.head: list[int] = []
        self.capacity: list[int] = []
        self.cost: list[int] = []
        self.potential = [0] * n_nodes

    def add(self, tail: int, head: int, capacity: int, cost: int) -> int:
        for a, b, cap, c in ((tail, head, capacity, cost), (head, tail, 0, -cost)):
            self.out[a].append(len(self.head))
            self.head.append(b)
            self.capacity.append(cap)
            self.cost.append(c)
        return len(self.head) - 2

    def augment_shortest_path(self, source: int, sink: int) -> bool:
        """Send one unit along a cheapest residual path; False when the sink cannot be reached."""
        distance: dict[int, int] = {source: 0}
        via: dict[int, int] = {}
        done: set[int] = set()
        heap = [(0, source)]
        while heap:
            d, node = heapq.heappop(heap)
            if node in done:
                continue
            done.add(node)
            for arc in self.out[node]:
                if self.capacity[arc] == 0:
                    continue
                head = self.head[arc]
                candidate = d + self.cost[arc] + self.potential[node] - self.potential[head]
                if head not in done and candidate < distance.get(head, candidate + 1):
                    distance[head] = candidate
                    via[head] = arc
                    heapq.heappush(heap, (candidate, head))
        if sink not in done:
            return False
        for node in done:
            self.potential[node] += distance[node]
        node = sink
        while node != source:
            arc = via[node]
            self.capacity[arc] -= 1
            self.capacity[arc ^ 1] += 1
            node = self.head[arc ^ 1]
        return True
