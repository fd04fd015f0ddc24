"""Geometry of the lab run page's own SVG charts (the tree and the confusion matrix); bars come from
camhs_pbr/lib/charts.py. Pure: the templates draw what these place."""

from dataclasses import dataclass
from typing import Any

from camhs_pbr.lib.charts import BarChart, bar_chart

NODE_WIDTH, NODE_HEIGHT, COLUMN, ROW, MARGIN = 150, 38, 165, 84, 8


@dataclass(frozen=True)
class TreeNode:
    x: float  # left edge
    y: float  # top edge
    title: str  # first line: the item split on, or the leaf
    detail: str  # second line: episodes and mean appointments
    leaf: bool

    @property
    def centre(self) -> float:
        return self.x + NODE_WIDTH / 2


@dataclass(frozen=True)
class TreeEdge:
    x1: float
    y1: float
    x2: float
    y2: float
    words: str  # the condition of the branch, without the item's name

    @property
    def label_x(self) -> float:
        return (self.x1 + self.x2) / 2

    @property
    def label_y(self) -> float:
        return (self.y1 + self.y2) / 2


@dataclass(frozen=True)
class TreeChart:
    width: int
    height: int
    nodes: tuple[TreeNode, ...]
    edges: tuple[TreeEdge, ...]


def tree_chart(nodes: list[dict[str, Any]]) -> TreeChart | None:
    """Place the nodes of FitResult's tree (pre-order, each with depth, and left/right for a split): leaves
    side by side in order, each split centred over its children."""
    if not nodes:
        return None
    by_id = {node["id"]: node for node in nodes}
    x: dict[int, float] = {}
    next_leaf = 0

    def place(node_id: int) -> float:
        nonlocal next_leaf
        node = by_id[node_id]
        if "leaf" in node:
            x[node_id] = MARGIN + next_leaf * COLUMN
            next_leaf += 1
        else:
            x[node_id] = (place(node["left"]) + place(node["right"])) / 2
        return x[node_id]

    place(nodes[0]["id"])
    placed, edges = [], []
    for node in nodes:
        top = MARGIN + node["depth"] * ROW
        detail = f"{node['size']} episodes, mean {node['mean_appointments']:.1f} appointments"
        if "leaf" in node:
            placed.append(TreeNode(x[node["id"]], top, f"Leaf {node['leaf']}", detail, True))
            continue
        placed.append(TreeNode(x[node["id"]], top, node["name"], detail, False))
        for side in ("left", "right"):
            child = by_id[node[side]]
            words = node[f"{side}_words"]
            edges.append(
                TreeEdge(
                    x[node["id"]] + NODE_WIDTH / 2,
                    top + NODE_HEIGHT,
                    x[child["id"]] + NODE_WIDTH / 2,
                    MARGIN + child["depth"] * ROW,
                    words[len(node["name"]) :].strip(),
                )
            )
    depth = max(node["depth"] for node in nodes)
    return TreeChart(
        width=int(2 * MARGIN + (next_leaf - 1) * COLUMN + NODE_WIDTH),
        height=int(2 * MARGIN + depth * ROW + NODE_HEIGHT),
        nodes=tuple(placed),
        edges=tuple(edges),
    )


CELL, LABEL = 40, 110


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    count: int
    shade: float  # 0..1: the share of its row (the allocated grouping) it holds
    allocated: str
    predicted: str


@dataclass(frozen=True)
class ConfusionChart:
    width: int
    height: int
    label_width: int
    cells: tuple[Cell, ...]
    column_labels: tuple[tuple[str, int], ...]  # (label, x of its centre)
    row_labels: tuple[tuple[str, int], ...]  # (label, y of its baseline)


def confusion_chart(confusion: dict[str, Any] | None) -> ConfusionChart | None:
    """A grid: rows the clinicians' allocations, columns the held-out predictions, each cell shaded by its
    share of the row."""
    if not confusion or not confusion.get("labels"):
        return None
    labels, matrix = confusion["labels"], confusion["matrix"]
    cells = []
    for r, (allocated, row) in enumerate(zip(labels, matrix, strict=True)):
        total = sum(row) or 1
        for c, (predicted, count) in enumerate(zip(labels, row, strict=True)):
            cells.append(
                Cell(LABEL + c * CELL, LABEL // 4 + r * CELL, count, count / total, allocated, predicted)
            )
    return ConfusionChart(
        width=LABEL + len(labels) * CELL + MARGIN,
        height=LABEL // 4 + len(labels) * CELL + MARGIN,
        label_width=LABEL,
        cells=tuple(cells),
        column_labels=tuple((label, LABEL + c * CELL + CELL // 2) for c, label in enumerate(labels)),
        row_labels=tuple((label, LABEL // 4 + r * CELL + CELL // 2 + 4) for r, label in enumerate(labels)),
    )


def explained_bars(rows: list[dict[str, Any]], key: str) -> BarChart:
    """Bars of held-out explained variance by grouping; a share below 0 (worse than the mean) is drawn as
    no bar, its figure is in the table."""
    return bar_chart(
        [(row["grouping_by"], None if row[key] is None else max(row[key], 0.0)) for row in rows], width=420
    )


def silhouette_bars(silhouettes: list[dict[str, Any]]) -> BarChart:
    return bar_chart([(f"k = {s['k']}", max(s["silhouette"], 0.0)) for s in silhouettes], width=420)
