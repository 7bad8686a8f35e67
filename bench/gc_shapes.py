"""CPython's side of `RATIO gc_vs_cpython`: gc.collect() over the same
object graphs bench/gc_bench.cpp builds (same shapes, same pseudo-random
sequence), measured on request so the two sides take turns in one run.

Reads one request per line on stdin, `<mode> <shape> <nodes>`, and answers
each with one line, `<tracked objects> <ns per object>`, in CPU time
(process time: on a shared machine wall time mostly measures the
neighbours):
  live  the graph held by one root; the mean of full collections repeated
        for at least 50 ms (nothing is freed)
  free  the root dropped first, so the whole graph is cyclic garbage: one
        full collection, which finds it, clears it and deallocates it
Ends at end of input.
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


def measure(mode, shape, n):
    root = build(shape, n)
    gc.collect()
    tracked = len(gc.get_objects())
    if mode == "live":
        total = runs = 0
        while total < 50_000_000 or runs < 2:
            start = time.process_time_ns()
            gc.collect()
            total += time.process_time_ns() - start
            runs += 1
        return tracked, total / runs / tracked
    if mode != "free":
        raise SystemExit(f"gc_shapes.py: unknown mode {mode!r}")
    del root  # what refcounting alone frees goes now, outside the timing
    start = time.process_time_ns()
    gc.collect()
    return tracked, (time.process_time_ns() - start) / tracked


def main():
    for line in sys.stdin:
        mode, shape, n = line.split()
        tracked, ns = measure(mode, shape, int(n))
        print(f"{tracked} {ns:.3f}", flush=True)


if __name__ == "__main__":
    gc.disable()
    main()
