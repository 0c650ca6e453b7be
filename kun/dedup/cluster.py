"""Union-find over duplicate edges, and the rule that picks each cluster's survivor.

Rule: the survivor of a cluster is its member with the smallest input position (the first
occurrence in input order); every other member is removed. Union by smaller index keeps that
member as the root, so the result is the same whatever order edges arrive in.
"""

from __future__ import annotations

import numpy as np


class UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = np.arange(size, dtype=np.int64)

    def find(self, item: int) -> int:
        parent = self.parent
        root = item
        while parent[root] != root:
            root = parent[root]
        while parent[item] != root:  # path compression
            parent[item], item = root, parent[item]
        return int(root)

    def union(self, left: int, right: int) -> None:
        left_root, right_root = self.find(left), self.find(right)
        if left_root != right_root:
            low, high = sorted((left_root, right_root))
            self.parent[high] = low

    def roots(self) -> np.ndarray:
        return np.array([self.find(item) for item in range(len(self.parent))], dtype=np.int64)
