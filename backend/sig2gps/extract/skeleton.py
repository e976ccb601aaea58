"""The drawn path as a one-pixel skeleton: thinning, its topology, and its order from start to end."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage, sparse
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

_NB = [(-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1)]  # P2..P9 clockwise from north


def thin(mask: np.ndarray, max_iter: int = 100) -> np.ndarray:
    """Zhang-Suen thinning (1984) of a boolean mask to an 8-connected, one-pixel-wide skeleton."""
    img = np.pad(np.asarray(mask, bool), 1).astype(np.uint8)
    for _ in range(max_iter):
        changed = False
        for step in (0, 1):
            p = [np.roll(np.roll(img, -dy, 0), -dx, 1) for dy, dx in _NB]
            b = sum(p)
            a = sum(((p[i] == 0) & (p[(i + 1) % 8] == 1)).astype(np.uint8) for i in range(8))
            if step == 0:
                c1, c2 = p[0] * p[2] * p[4], p[2] * p[4] * p[6]
            else:
                c1, c2 = p[0] * p[2] * p[6], p[0] * p[4] * p[6]
            kill = (img == 1) & (b >= 2) & (b <= 6) & (a == 1) & (c1 == 0) & (c2 == 0)
            if kill.any():
                img[kill] = 0
                changed = True
        if not changed:
            break
    return img[1:-1, 1:-1].astype(bool)


def remove_redundant(skel: np.ndarray) -> np.ndarray:
    """Zhang-Suen leaves 2x2 blocks and staircase corners (pixels with 3+ neighbours that are
    joined to each other anyway); they fake junctions and hide end points. Remove, one at a time,
    every pixel with at least two neighbours that are all one 8-connected group without it."""
    skel = skel.copy()
    h, w = skel.shape
    cand = np.argwhere(neighbour_count(skel) >= 2)
    ring = [(-1, -1), (-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1)]
    for y, x in cand:
        nb = [(y + dy, x + dx) for dy, dx in ring if 0 <= y + dy < h and 0 <= x + dx < w and skel[y + dy, x + dx]]
        if len(nb) < 2:
            continue
        seen, todo = {nb[0]}, [nb[0]]
        while todo:
            cy, cx = todo.pop()
            for q in nb:
                if q not in seen and abs(q[0] - cy) <= 1 and abs(q[1] - cx) <= 1:
                    seen.add(q)
                    todo.append(q)
        if len(seen) == len(nb):
            skel[y, x] = False
    return skel


def fill_small_holes(mask: np.ndarray, max_area: int = 6) -> np.ndarray:
    """Close pin-holes (where two overlay colours blend to an unreadable hue, e.g. a dot's rim over
    the path); thinning would turn each into a ring with no end points."""
    holes, n = ndimage.label(~mask)  # 4-connected background
    if n == 0:
        return mask
    area = np.bincount(holes.ravel())
    small = area <= max_area
    small[0] = False
    border = np.unique(np.r_[holes[0], holes[-1], holes[:, 0], holes[:, -1]])
    small[border] = False
    return mask | small[holes]


def skeletonize(mask: np.ndarray, spur_px: int = 4, hole_px: int = 6) -> np.ndarray:
    """Fill holes up to hole_px pixels, thin, drop redundant pixels, prune spurs up to spur_px: the
    stroke's one-pixel centre line."""
    skel = prune_spurs(remove_redundant(thin(fill_small_holes(np.asarray(mask, bool), hole_px))), spur_px)
    return remove_redundant(skel)  # pruning can leave a 3-pixel triangle where a spur met the line


def drop_specks(skel: np.ndarray, min_px: int) -> np.ndarray:
    """Remove skeleton parts of fewer than min_px pixels (a stray coloured pixel or two)."""
    if min_px <= 1 or not skel.any():
        return skel
    lab, _ = ndimage.label(skel, structure=np.ones((3, 3)))
    sizes = np.bincount(lab.ravel())
    return skel & (sizes[lab] >= min_px)


def neighbour_count(skel: np.ndarray) -> np.ndarray:
    k = np.ones((3, 3), int)
    k[1, 1] = 0
    return ndimage.convolve(skel.astype(int), k, mode="constant") * skel


def prune_spurs(skel: np.ndarray, max_len: int = 4) -> np.ndarray:
    """Remove side branches of at most `max_len` pixels (thinning leaves them at blobs and corners)
    by walking in from each end point until a junction; a whole short component is kept."""
    skel = skel.copy()
    nc = neighbour_count(skel)
    ends = np.argwhere(nc == 1)
    h, w = skel.shape
    for y, x in ends:
        branch, cy, cx, prev = [(y, x)], y, x, None
        hit_junction = False
        for _ in range(max_len + 1):
            nbrs = [(cy + dy, cx + dx) for dy, dx in _NB
                    if 0 <= cy + dy < h and 0 <= cx + dx < w and skel[cy + dy, cx + dx] and (cy + dy, cx + dx) != prev
                    and (cy + dy, cx + dx) not in branch]
            if len(nbrs) != 1:
                hit_junction = len(nbrs) > 1
                break
            ny, nx = nbrs[0]
            if neighbour_count_at(skel, ny, nx) > 2:
                hit_junction = True
                break
            prev, (cy, cx) = (cy, cx), (ny, nx)
            branch.append((cy, cx))
        if hit_junction and len(branch) <= max_len:
            for by, bx in branch:
                skel[by, bx] = False
    return skel


def neighbour_count_at(skel: np.ndarray, y: int, x: int) -> int:
    h, w = skel.shape
    return sum(1 for dy, dx in _NB if 0 <= y + dy < h and 0 <= x + dx < w and skel[y + dy, x + dx])


@dataclass(frozen=True)
class Topology:
    components: int  # 8-connected parts of the skeleton
    end_points: int  # skeleton pixels with exactly one 8-neighbour


def topology(skel: np.ndarray) -> Topology:
    _, n = ndimage.label(skel, structure=np.ones((3, 3)))
    return Topology(int(n), int((neighbour_count(skel) == 1).sum()))


def order_path(skel: np.ndarray, start: tuple[float, float], end: tuple[float, float],
               max_gap_px: float = 12.0, gap_penalty: float = 3.0) -> tuple[np.ndarray, int]:
    """Skeleton pixels on the cheapest route from the pixel nearest `start` to the one nearest `end`
    (x, y), as (n, 2) float [x, y]; and how many gaps had to be bridged.

    Edges: 8-neighbours (length 1 or sqrt 2), plus jumps of up to max_gap_px between different
    skeleton components (cost gap_penalty x length) so a broken stroke is still read whole.
    Returns an empty array when there is no skeleton."""
    yx = np.argwhere(skel)
    if len(yx) == 0:
        return np.zeros((0, 2)), 0
    n = len(yx)
    lab, _ = ndimage.label(skel, structure=np.ones((3, 3)))
    comp = lab[yx[:, 0], yx[:, 1]]
    tree = cKDTree(yx)
    pairs = tree.query_pairs(1.5, output_type="ndarray").reshape(-1, 2)
    # Gap jumps start at a part's end points (or lone pixels) and land anywhere on another part.
    tips = np.flatnonzero(neighbour_count(skel)[yx[:, 0], yx[:, 1]] <= 1)
    if len(tips) and comp.max() > 1:
        near = tree.query_ball_point(yx[tips], max_gap_px)
        jumps = np.array([(i, j) for i, js in zip(tips, near) for j in js if comp[j] != comp[i]], int).reshape(-1, 2)
        pairs = np.vstack([pairs, jumps])
    d = np.hypot(*(yx[pairs[:, 0]] - yx[pairs[:, 1]]).T)
    same = comp[pairs[:, 0]] == comp[pairs[:, 1]]
    w = np.where(same, d, gap_penalty * d)
    g = sparse.coo_matrix((w, (pairs[:, 0], pairs[:, 1])), shape=(n, n)).tocsr()
    si = int(tree.query([start[1], start[0]])[1])
    ei = int(tree.query([end[1], end[0]])[1])
    _, pred = dijkstra(g, directed=False, indices=si, return_predecessors=True)
    if ei != si and pred[ei] < 0:  # unreachable even with gap jumps: take the start's own part
        return yx[[si]][:, ::-1].astype(float), 0
    chain = [ei]
    while chain[-1] != si:
        chain.append(int(pred[chain[-1]]))
    chain = chain[::-1]
    gaps = int(sum(comp[a] != comp[b] for a, b in zip(chain, chain[1:])))
    return yx[chain][:, ::-1].astype(float), gaps
