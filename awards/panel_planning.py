"""Which panel member reviews which nominee: pure functions, no ORM.

The balanced assignment is a minimum-cost flow. Every nominee asks for as many new members as
it lacks for the quorum; a member may take a nominee they are neither assigned to nor in
conflict with, up to the maximum load; a member's k-th assignment costs their load so far, so
the cheapest flow spreads the work as evenly as the constraints allow (it minimises the sum of
the squared loads). Successive shortest paths find it exactly, so a quorum that any assignment
could reach is always reached, and ties are broken by the order of the ids: the same input
always gives the same plan.

Only assignments without a declared conflict count towards a nominee's quorum and a member's
load; existing assignments are never taken away (re-running after late declarations only adds).

Alternates (a cycle's members held in reserve) are not planned like the others: they are added
only to the nominees that the other members, all of them at any load, cannot bring to the
quorum because of declared conflicts (alternates_needed).
"""

import heapq
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar

N = TypeVar("N", bound=Hashable)  # a nominee's id
M = TypeVar("M", bound=Hashable)  # a member's id


@dataclass(frozen=True)
class Shortfall:
    nominee: Hashable
    reachable: int  # members who would count towards its quorum at best


class InfeasibleAssignment(Exception):
    """No assignment within the constraints gives every nominee the quorum.

    `impossible`: nominees that cannot reach it at any load (too few members without a
    conflict); `short`: nominees left below the quorum by the best assignment at this load;
    `load_needed`: the smallest maximum load that would be enough, None if none would."""

    def __init__(self, short: list[Shortfall], impossible: list[Shortfall], load_needed):
        self.short, self.impossible, self.load_needed = short, impossible, load_needed
        super().__init__(f"quorum out of reach for {[s.nominee for s in short]}")


@dataclass
class _Situation:
    nominees: list
    members: list
    taken: set  # (nominee, member) pairs that may not be added: assigned already or recused
    have: Counter  # nominee → members counting towards its quorum
    load: Counter  # member → nominees they review


def _situation(nominees, members, existing, recused) -> _Situation:
    nominees, members = sorted(set(nominees)), sorted(set(members))
    known_nominees, known_members = set(nominees), set(members)
    recused = set(recused)
    # Pairs of a member who has left the panel, or of a withdrawn nominee, do not count.
    existing = {(n, m) for n, m in existing if n in known_nominees and m in known_members}
    counting = existing - recused
    return _Situation(
        nominees=nominees,
        members=members,
        taken=existing | recused,
        have=Counter(n for n, _ in counting),
        load=Counter(m for _, m in counting),
    )


def _eligible(situation: _Situation, nominee) -> list:
    return [m for m in situation.members if (nominee, m) not in situation.taken]


def full_assignment(
    nominees: Iterable[N],
    members: Iterable[M],
    *,
    existing: Iterable[tuple[N, M]] = (),
    recused: Iterable[tuple[N, M]] = (),
) -> list[tuple[N, M]]:
    """Every member on every nominee: the pairs still missing, conflicts left out."""
    situation = _situation(nominees, members, existing, recused)
    return [(n, m) for n in situation.nominees for m in _eligible(situation, n)]


def alternates_needed(
    nominees: Iterable[N],
    members: Iterable[M],
    alternates: Iterable[M],
    *,
    quorum: int,
    existing: Iterable[tuple[N, M]] = (),
    recused: Iterable[tuple[N, M]] = (),
) -> list[tuple[N, M]]:
    """The (nominee, alternate) pairs to add so that each nominee that `members` cannot bring
    to the quorum, counting those already assigned and every member still free to be, reaches
    it with alternates, as far as they go. Nominees in id order; for each, the eligible
    alternates with the fewest counting assignments first, then by id."""
    alternates = sorted(set(alternates) - set(members))
    situation = _situation(nominees, [*members, *alternates], existing, recused)
    regular, reserve = set(members), set(alternates)
    load = Counter(situation.load)
    added = []
    for n in situation.nominees:
        eligible = _eligible(situation, n)
        need = quorum - situation.have[n] - sum(1 for m in eligible if m in regular)
        if need <= 0:
            continue
        for m in sorted((m for m in eligible if m in reserve), key=lambda m: (load[m], m))[:need]:
            added.append((n, m))
            load[m] += 1
    return added


def below_quorum(
    nominees: Iterable[N],
    members: Iterable[M],
    *,
    quorum: int,
    pairs: Iterable[tuple[N, M]],
    recused: Iterable[tuple[N, M]] = (),
) -> list[Shortfall]:
    """Nominees that `pairs` (all the assignments) leave with fewer counting members than the
    quorum, in id order."""
    situation = _situation(nominees, members, pairs, recused)
    return [
        Shortfall(n, situation.have[n]) for n in situation.nominees if situation.have[n] < quorum
    ]


def balanced_assignment(
    nominees: Iterable[N],
    members: Iterable[M],
    *,
    quorum: int,
    max_load: int,
    existing: Iterable[tuple[N, M]] = (),
    recused: Iterable[tuple[N, M]] = (),
) -> list[tuple[N, M]]:
    """The (nominee, member) pairs to add so that every nominee has `quorum` members who count
    towards it, no member goes over `max_load` with the additions, and no pair in `recused`
    (a declared conflict) is ever added or counted. Sorted; raises InfeasibleAssignment (and
    adds nothing) when the quorum is out of reach."""
    if quorum < 1 or max_load < 1:
        raise ValueError("quorum and max_load must be at least 1")
    situation = _situation(nominees, members, existing, recused)
    added, short = _cheapest_flow(situation, quorum, max_load)
    if short:
        impossible = [
            Shortfall(n, situation.have[n] + len(_eligible(situation, n)))
            for n in situation.nominees
            if situation.have[n] + len(_eligible(situation, n)) < quorum
        ]
        raise InfeasibleAssignment(short, impossible, _load_needed(situation, quorum, max_load))
    return sorted(added)


def _load_needed(situation: _Situation, quorum: int, max_load: int) -> int | None:
    """The smallest maximum load that would do (feasibility only grows with the load); at a
    load of one per nominee every member can take all their eligible nominees."""
    low, high = max_load + 1, max(len(situation.nominees), max_load + 1)
    if _cheapest_flow(situation, quorum, high)[1]:
        return None
    while low < high:
        middle = (low + high) // 2
        if _cheapest_flow(situation, quorum, middle)[1]:
            low = middle + 1
        else:
            high = middle
    return low


def _cheapest_flow(situation: _Situation, quorum: int, max_load: int):
    """(added pairs, shortfalls) of a minimum-cost maximum flow
    source → nominee (its need) → member (1 if eligible) → sink (1 per free place, costing the
    member's load at that place)."""
    nominees, members = situation.nominees, situation.members
    need = {n: max(0, quorum - situation.have[n]) for n in nominees}
    network = _Network(2 + len(nominees) + len(members))
    source, sink = 0, 1
    nominee_node = {n: 2 + i for i, n in enumerate(nominees)}
    member_node = {m: 2 + len(nominees) + i for i, m in enumerate(members)}
    pair_edges = {}
    wanted = Counter()
    for n in nominees:
        if not need[n]:
            continue
        network.add_edge(source, nominee_node[n], need[n], 0)
        for m in _eligible(situation, n):
            pair_edges[(n, m)] = network.add_edge(nominee_node[n], member_node[m], 1, 0)
            wanted[m] += 1
    for m in members:
        load = situation.load[m]
        # A member can take at most one place per nominee that wants them.
        for place in range(min(max(0, max_load - load), wanted[m])):
            network.add_edge(member_node[m], sink, 1, load + place)
    network.min_cost_flow(source, sink)
    added = [pair for pair, edge in pair_edges.items() if network.flow(edge)]
    got = Counter(n for n, _ in added)
    short = [
        Shortfall(n, situation.have[n] + got[n])
        for n in nominees
        if situation.have[n] + got[n] < quorum
    ]
    return added, short


class _Network:
    """A flow network for successive shortest paths (Dijkstra with potentials)."""

    def __init__(self, size: int):
        self.adjacent = [[] for _ in range(size)]
        self.head, self.capacity, self.cost = [], [], []

    def add_edge(self, tail: int, head: int, capacity: int, cost: int) -> int:
        edge = len(self.head)
        for node, to, cap, price in ((tail, head, capacity, cost), (head, tail, 0, -cost)):
            self.adjacent[node].append(len(self.head))
            self.head.append(to)
            self.capacity.append(cap)
            self.cost.append(price)
        return edge

    def flow(self, edge: int) -> int:
        return self.capacity[edge ^ 1]  # what went through is the reverse edge's capacity

    def min_cost_flow(self, source: int, sink: int) -> None:
        size = len(self.adjacent)
        potential = [0] * size  # every cost starts non-negative
        while True:
            distance = [None] * size
            via = [None] * size
            distance[source] = 0
            queue = [(0, source)]
            while queue:
                dist, node = heapq.heappop(queue)
                if dist > distance[node]:
                    continue
                for edge in self.adjacent[node]:
                    if not self.capacity[edge]:
                        continue
                    head = self.head[edge]
                    candidate = dist + self.cost[edge] + potential[node] - potential[head]
                    if distance[head] is None or candidate < distance[head]:
                        distance[head], via[head] = candidate, edge
                        heapq.heappush(queue, (candidate, head))
            if distance[sink] is None:
                return
            for node in range(size):
                if distance[node] is not None:
                    potential[node] += distance[node]
            # Every path carries one unit: the nominee → member edges hold one each.
            node = sink
            while node != source:
                edge = via[node]
                self.capacity[edge] -= 1
                self.capacity[edge ^ 1] += 1
                node = self.head[edge ^ 1]
