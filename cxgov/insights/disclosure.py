"""What may be shown of a survey's results: complementary cell suppression. Pure (no Django).

A reader can open any combination of the results filters (segment, service, channel, language,
and fiscal year or quarter) and every group a page breaks a view into. Hiding each small group
on its own is not enough: with a "Day team" of 11 and a "Night shift" of 1, the whole survey
minus the Day team is the night-shift employee. This module decides, once for every view a
reader can reach, whether its figures may be shown, so that

- every shown view has no respondents or at least `k`;
- no two shown views, one inside the other, differ by 1 to k-1 respondents (a view minus a
  view inside it never isolates a small group, whichever filters the two were reached by);
- for every shown view and every filter, the respondents in the groups it breaks into that are
  not shown number 0 or at least `k` (a year minus its three shown quarters, a total minus its
  shown segments, never gives a small group).

How: a view is one filter per dimension, each a value, a group of values (a fiscal year groups
its quarters) or `ANY`. Views with the same respondents are one view: they are shown or hidden
together. Views of 1 to k-1 respondents are hidden first; then, until nothing changes, a shown
view inside a shown view that differs from it by 1 to k-1 is hidden, and a view whose hidden
groups along one filter hold 1 to k-1 respondents has its smallest shown group hidden too.
Hiding only ever moves down to the narrower view, so a view with k or more respondents and no
filter (the survey's total) is always shown.

Not covered: sums and differences of three or more views across two filters at once (cells of
a two-way table recovered from both margins). Those give bounds on a hidden group, never its
answers outright, as long as each margin's hidden part is 0 or at least k, which holds here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import pairwise, product
from typing import Any


class _Any:
    """The filter that leaves a dimension open ("Any")."""

    _instance: _Any | None = None

    def __new__(cls) -> _Any:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ANY"

    def __reduce__(self) -> str:
        return "ANY"


ANY: Hashable = _Any()

View = tuple[Hashable, ...]


@dataclass(frozen=True)
class Dimension:
    """One filter: its name and, for values that group (quarters into fiscal years), each
    value's group. A group may have a group of its own; a value without one sits under ANY."""

    name: str
    groups: Mapping[Any, Any] = field(default_factory=dict)

    def chain(self, value: Hashable) -> tuple[Hashable, ...]:
        """The filters that let `value` through, narrowest first, ending with ANY."""
        found = [value]
        seen = {value}
        while found[-1] in self.groups:
            parent = self.groups[found[-1]]
            if parent in seen:
                raise ValueError(f"{self.name}: groups loop at {parent!r}")
            found.append(parent)
            seen.add(parent)
        return (*found, ANY)


@dataclass(frozen=True)
class Disclosure:
    """Every reachable view's respondents and whether it may be shown.

    A view nobody is in (not in `counts`) shows nothing, and hides nothing either.
    """

    k: int
    dimensions: tuple[Dimension, ...]
    counts: Mapping[View, int]
    hidden: frozenset[View]

    def n(self, view: View) -> int:
        return self.counts.get(tuple(view), 0)

    def shown(self, view: View) -> bool:
        return tuple(view) not in self.hidden

    def view(self, **filters: Hashable) -> View:
        """The view of these filters by dimension name; dimensions not named are ANY."""
        names = [d.name for d in self.dimensions]
        unknown = set(filters) - set(names)
        if unknown:
            raise ValueError(f"unknown dimensions: {', '.join(sorted(unknown))}")
        return tuple(filters.get(name, ANY) for name in names)

    def refine(self, view: View, name: str, value: Hashable) -> View:
        """`view` with dimension `name` set to `value`."""
        index = [d.name for d in self.dimensions].index(name)
        return (*view[:index], value, *view[index + 1 :])


def _children(dimension: Dimension, values: Iterable[Hashable]) -> dict[Hashable, set[Hashable]]:
    """Each filter's immediate narrower filters, over the values seen and their groups."""
    children: dict[Hashable, set[Hashable]] = defaultdict(set)
    for value in values:
        chain = dimension.chain(value)
        for narrow, wide in pairwise(chain):
            children[wide].add(narrow)
    return children


def _ancestors(view: View, chains: list[dict[Hashable, tuple[Hashable, ...]]]) -> Iterator[View]:
    """Every view wider than `view` (each filter kept or widened), `view` itself left out."""
    options = [chains[i][f] for i, f in enumerate(view)]
    for wider in product(*options):
        if wider != view:
            yield wider


def disclosure_control(
    table: Mapping[Any, int],
    dimensions: Iterable[Dimension],
    k: int,
    *,
    also_hidden: Iterable[View] = (),
) -> Disclosure:
    """Decide which views of `table` may be shown at threshold `k`.

    `table` maps one value per dimension (a cell: segment, service, ..., quarter) to its
    respondents. `also_hidden` are views to hide whatever their counts (those another decision
    hid, such as the respondents' views when the table counts one question's answers), so the
    rules above hold with them hidden too.
    """
    dims = tuple(dimensions)
    if k < 1:
        raise ValueError("k must be at least 1")
    cells = {tuple(cell): int(n) for cell, n in table.items() if n > 0}
    for cell in cells:
        if len(cell) != len(dims):
            raise ValueError(f"cell {cell!r} has {len(cell)} values for {len(dims)} dimensions")
    # Each filter value's chain of wider filters, per dimension (filters, not only values).
    chains: list[dict[Hashable, tuple[Hashable, ...]]] = []
    children: list[dict[Hashable, set[Hashable]]] = []
    for i, dim in enumerate(dims):
        values = {cell[i] for cell in cells}
        chain_of: dict[Hashable, tuple[Hashable, ...]] = {}
        for value in values:
            chain = dim.chain(value)
            for position, item in enumerate(chain):
                chain_of[item] = chain[position:]
        chains.append(chain_of)
        children.append(_children(dim, values))

    counts: dict[View, int] = defaultdict(int)
    members: dict[View, list[int]] = defaultdict(list)
    for index, (cell, n) in enumerate(cells.items()):
        for view in product(*(chains[i][value] for i, value in enumerate(cell))):
            counts[view] += n
            members[view].append(index)
    # Views with the same respondents are one view to the reader: one class number each.
    class_of_members: dict[frozenset[int], int] = {}
    cls: dict[View, int] = {}
    for view, found in members.items():
        cls[view] = class_of_members.setdefault(frozenset(found), len(class_of_members))
    del members, class_of_members
    hidden_classes: set[int] = set()

    def hide(view: View) -> bool:
        number = cls.get(view)
        if number is None or number in hidden_classes:
            return False
        hidden_classes.add(number)
        return True

    for view in also_hidden:
        hide(tuple(view))
    for view, n in counts.items():
        if n < k:
            hide(view)

    # Narrowest views first, so the passes settle in few rounds; ties in a fixed order.
    order = sorted(counts, key=lambda v: (counts[v], repr(v)))
    rank = {view: index for index, view in enumerate(order)}
    # What the rules look at never changes, only what is hidden: each view's wider views that
    # differ from it by 1 to k-1, and its groups along each dimension (smallest first).
    close = {
        view: [
            cls[wider] for wider in _ancestors(view, chains) if 0 < counts[wider] - counts[view] < k
        ]
        for view in order
    }
    groups: dict[View, list[tuple[int, list[View]]]] = {}
    for view in order:
        along: list[tuple[int, list[View]]] = []
        for i in range(len(dims)):
            narrower = [
                (*view[:i], child, *view[i + 1 :]) for child in children[i].get(view[i], ())
            ]
            narrower = sorted((v for v in narrower if v in counts), key=rank.__getitem__)
            if narrower:
                along.append((i, narrower))
        groups[view] = along

    changed = True
    while changed:
        changed = False
        for view in order:
            if cls[view] in hidden_classes:
                continue
            if any(number not in hidden_classes for number in close[view]):
                changed |= hide(view)
        for view in order:
            if cls[view] in hidden_classes:
                continue
            for _i, narrower in groups[view]:
                shown = [v for v in narrower if cls[v] not in hidden_classes]
                rest = counts[view] - sum(counts[v] for v in shown)
                # The smallest shown group hides until the rest is none or at least k.
                while shown and 0 < rest < k:
                    smallest = shown.pop(0)
                    changed |= hide(smallest)
                    shown = [v for v in shown if cls[v] not in hidden_classes]
                    rest = counts[view] - sum(counts[v] for v in shown)

    hidden = frozenset(view for view, number in cls.items() if number in hidden_classes)
    return Disclosure(k=k, dimensions=dims, counts=dict(counts), hidden=hidden)


def hidden_remainder(disclosure: Disclosure, view: View, name: str) -> int:
    """Respondents of `view` in groups along `name` that are not shown (0 or at least k when
    `view` is shown): what a total holds beyond the groups listed under it."""
    index = [d.name for d in disclosure.dimensions].index(name)
    dim = disclosure.dimensions[index]
    narrower = {
        v
        for v in disclosure.counts
        if v[:index] == view[:index]
        and v[index + 1 :] == view[index + 1 :]
        and v[index] is not ANY
        and dim.chain(v[index])[1] == view[index]
    }
    return disclosure.n(view) - sum(disclosure.n(v) for v in narrower if disclosure.shown(v))
