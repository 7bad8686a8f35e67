"""CPython's side of `RATIO gc_vs_cpython`: full gc.collect() over the same
object graphs bench/gc_bench.cpp builds (same shapes, same pseudo-random
sequence), all alive and held by one root.

Prints one line per graph: `<shape> <nodes> <tracked objects> <ns per tracked
object>`, the mean of several collections, in CPU time (process time): on
a shared machine wall time mostly measures the neighbours.
"""
import gc
import sys
import time

MASK = (1 << 64) - 1


class Node:
    __slots__ = ("a", "b", "c")

    def __init__(self):
        self.a = self.b = self.c = None


def lcg(state):
    # The same generator as gc_bench.cpp's NextRandom.
    return (state * 6364136223846793005 + 1442695040888963407) & MASK


def build(shape, n):
    nodes = [Node() for _ in range(n)]
    if shape == "ring":
        for i in range(n):
            nodes[i].a = nodes[(i + 1) % n]
    elif shape == "tree":  # a binary tree whose nodes hold their parent
        for i in range(n):
            if 2 * i + 1 < n:
                nodes[i].a = nodes[2 * i + 1]
            if 2 * i + 2 < n:
                nodes[i].b = nodes[2 * i + 2]
            nodes[i].c = nodes[(i - 1) // 2] if i else None
    elif shape == "random":  # a chain plus two random edges per node
        state = 42
        for i in range(n):
            nodes[i].a = nodes[i + 1] if i + 1 < n else None
            state = lcg(state)
            nodes[i].b = nodes[(state >> 33) % n]
            state = lcg(state)
            nodes[i].c = nodes[(state >> 33) % n]
    else:
        raise SystemExit(f"gc_shapes.py: unknown shape {shape!r}")
    return nodes[0]


def main():
    repeats = 5
    for shape in ("ring", "tree", "random"):
        for n in (100_000, 1_000_000):
            root = build(shape, n)
            gc.collect()
            tracked = len(gc.get_objects())
            total = 0
            for _ in range(repeats):
                start = time.process_time_ns()
                gc.collect()
                total += time.process_time_ns() - start
            print(f"{shape} {n} {tracked} {total / repeats / tracked:.3f}")
            sys.stdout.flush()
            del root


if __name__ == "__main__":
    gc.disable()
    main()
