"""图形化流程监控 (§16.1.4-2): lay out a case's template as boxes and arrows for an inline SVG.

Rendered on the server (no JavaScript, prints, works on the intranet): boxes in template order,
snaking left-to-right then right-to-left in rows, so consecutive nodes are always neighbours;
links that skip or go back (退回) are drawn as dashed curves. Each box shows what happened there
in this case — finished with handler and time, the current node highlighted, overdue in red.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import NodeInstance, NodeState, ProcessInstance

PER_ROW = 4
BOX_W, BOX_H = 168, 86
GAP_X, GAP_Y = 56, 64
PAD = 24


@dataclass
class Box:
    code: str
    x: int
    y: int
    name: str
    status: str  # done / current / overdue / cancelled / pending
    lines: list[str] = field(default_factory=list)
    w: int = BOX_W
    h: int = BOX_H

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def text_x(self) -> float:
        return self.cx

    @property
    def name_y(self) -> int:
        return self.y + 24

    @property
    def text_lines(self) -> list[tuple[int, str]]:
        """(baseline y, text) of the lines under the node name."""
        return [(self.y + 44 + 16 * i, line) for i, line in enumerate(self.lines)]


@dataclass
class Arrow:
    d: str
    is_main: bool
    label: str = ""
    label_x: float = 0
    label_y: float = 0


@dataclass
class FlowChart:
    width: int
    height: int
    boxes: list[Box]
    arrows: list[Arrow]


def _edge_point(box: Box, toward_x: float, toward_y: float) -> tuple[float, float]:
    """Where the line from the box centre toward a point leaves the box."""
    dx, dy = toward_x - box.cx, toward_y - box.cy
    if dx == 0 and dy == 0:
        return box.cx, box.cy
    scale = min(
        (box.w / 2) / abs(dx) if dx else math.inf,
        (box.h / 2) / abs(dy) if dy else math.inf,
    )
    return box.cx + dx * scale, box.cy + dy * scale


def _status_and_lines(visits: list[NodeInstance]) -> tuple[str, list[str]]:
    if not visits:
        return "pending", []
    last = visits[-1]
    lines: list[str] = []
    if last.state == NodeState.OPEN:
        status = "overdue" if last.overdue else "current"
        lines.append(_("办理中"))
        if last.due_date:
            lines.append(_("期限 %(d)s") % {"d": f"{last.due_date:%Y-%m-%d}"})
    elif last.state == NodeState.CANCELLED:
        status = "cancelled"
        lines.append(_("已撤销"))
    else:
        status = "overdue_done" if last.overdue else "done"
        who = last.actor.display_name if last.actor else _("系统")
        lines.append(who)
        if last.finished_at:
            lines.append(f"{timezone.localtime(last.finished_at):%Y-%m-%d %H:%M}")
    if len(visits) > 1:
        lines.append(_("第 %(n)s 次办理") % {"n": len(visits)})
    return status, lines[:3]


def build_flowchart(*, instance: ProcessInstance, history: list[NodeInstance]) -> FlowChart:
    """Boxes and arrows of ``instance``'s template version with this case's history on them."""
    template_nodes = list(instance.template.nodes.order_by("order", "pk"))
    links = list(instance.template.links.order_by("-priority", "pk"))
    visits: dict[int, list[NodeInstance]] = {}
    for node in history:
        visits.setdefault(node.node_template_id, []).append(node)

    boxes: dict[int, Box] = {}
    for index, node in enumerate(template_nodes):
        row, col = divmod(index, PER_ROW)
        if row % 2:
            col = PER_ROW - 1 - col
        status, lines = _status_and_lines(visits.get(node.pk, []))
        boxes[node.pk] = Box(
            code=node.code,
            x=PAD + col * (BOX_W + GAP_X),
            y=PAD + row * (BOX_H + GAP_Y),
            name=node.name,
            status=status,
            lines=lines,
        )
    positions = {node.pk: index for index, node in enumerate(template_nodes)}

    arrows: list[Arrow] = []
    for link in links:
        start, end = boxes.get(link.from_node_id), boxes.get(link.to_node_id)
        if start is None or end is None:
            continue
        if positions[link.to_node_id] == positions[link.from_node_id] + 1:
            x1, y1 = _edge_point(start, end.cx, end.cy)
            x2, y2 = _edge_point(end, start.cx, start.cy)
            arrows.append(Arrow(d=f"M{x1:.1f},{y1:.1f} L{x2:.1f},{y2:.1f}", is_main=True, label=link.name))
            continue
        # A skip or a return: bend the curve away from the straight line so it does not hide boxes.
        mx, my = (start.cx + end.cx) / 2, (start.cy + end.cy) / 2
        dx, dy = end.cx - start.cx, end.cy - start.cy
        length = math.hypot(dx, dy) or 1
        bend = 46 if positions[link.to_node_id] < positions[link.from_node_id] else -46
        cx, cy = mx - dy / length * bend, my + dx / length * bend
        if dy == 0:
            cy = start.y + start.h + GAP_Y * 0.45 if bend > 0 else start.y - GAP_Y * 0.45
            cx = mx
        x1, y1 = _edge_point(start, cx, cy)
        x2, y2 = _edge_point(end, cx, cy)
        arrows.append(
            Arrow(
                d=f"M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}",
                is_main=False,
                label=link.name,
                # The curve's midpoint (quadratic Bézier at t=½), where the label is least in the way.
                label_x=round((x1 + 2 * cx + x2) / 4, 1),
                label_y=round((y1 + 2 * cy + y2) / 4 + 4, 1),
            )
        )

    rows = max(1, math.ceil(len(template_nodes) / PER_ROW))
    columns = min(PER_ROW, max(1, len(template_nodes)))
    width = PAD * 2 + columns * BOX_W + (columns - 1) * GAP_X
    height = PAD * 2 + rows * BOX_H + (rows - 1) * GAP_Y + GAP_Y // 2
    return FlowChart(width=width, height=height, boxes=list(boxes.values()), arrows=arrows)
