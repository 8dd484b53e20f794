"""Walking expressions: children, every part, size, topological order. Each walk visits a shared subexpression
once. (Rebuilding and substitution, which build nodes, are in symdiff.core.build.)"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .expr import Add, Derivative, Expr, Func, Mul, Pow


def children(node: Expr) -> tuple[Expr, ...]:
    """The subexpressions of a node (not its name or orders)."""
    kind = type(node)
    if kind in (Add, Mul, Pow):
        return node.args
    if kind is Func:
        return node.args[1:]
    if kind is Derivative:
        return node.args[2:]
    return ()


def tree_size(node: Expr) -> int:
    """Number of nodes counted as a tree (a shared part counts each time it occurs)."""
    sizes: dict[Expr, int] = {}
    for part in reversed(parents_first([node])):  # children first, without recursion
        sizes[part] = 1 + sum(sizes[k] for k in children(part))
    return sizes[node]


def subexpressions(node: Expr) -> set[Expr]:
    """Every distinct subexpression of `node`, itself included (iteratively: no recursion limit)."""
    seen: set[Expr] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if n not in seen:
            seen.add(n)
            stack.extend(children(n))
    return seen


def dag_size(node: Expr) -> int:
    """Number of distinct nodes (the memory an interned expression takes)."""
    return len(subexpressions(node))


def parents_first(roots: Iterable[Expr],
                  children_of: Callable[[Expr], Iterable[Expr]] = children) -> list[Expr]:
    """Every distinct node under `roots`, each after all the nodes that contain it (a topological order, by an
    iterative depth-first search); `children_of` may prune the walk."""
    order: list[Expr] = []
    seen: set[Expr] = set()
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(children_of(root)))]
        while stack:
            node, pending = stack[-1]
            child = next(pending, None)
            if child is None:
                stack.pop()
                order.append(node)  # after its children
            elif child not in seen:
                seen.add(child)
                stack.append((child, iter(children_of(child))))
    order.reverse()
    return order
