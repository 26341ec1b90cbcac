"""The 楼盘表 grid, rendered in Python: 400 cells through the template engine cost ~100 ms, this ~5 ms."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from projects.models import UnitState

register = template.Library()

_STATE_LABELS = dict(UnitState.choices)


@register.simple_tag
def building_grid_rows(table, *, public: bool, unit_url_prefix: str = "") -> SafeString:
    """``<tr>`` rows of the grid: top floor first, each unit a coloured cell (a link in the back office).

    Every text taken from the database is escaped; the public variant never shows the occupant.
    """
    selected = table.selected_state
    labels = {state: escape(str(label)) for state, label in _STATE_LABELS.items()}
    parts: list[str] = []
    for row in table.rows:
        parts.append(f'<tr><th scope="row">{row.floor}</th>')
        for unit in row.units:
            state = escape(unit.state)
            css = f"bt-cell bt-{state}" + (" bt-dim" if selected and unit.state != selected else "")
            area = f"{unit.floor_area}㎡ " if unit.floor_area is not None else ""
            title = f"{labels.get(unit.state, state)} {area}{escape(unit.layout)}"
            name = (f"{escape(unit.unit_label)}-" if unit.unit_label else "") + escape(unit.room_number)
            if public:
                parts.append(
                    f'<td><span class="{css}" data-state="{state}" title="{title}">{name}</span></td>'
                )
            else:
                occupant = f"<small>{escape(unit.occupant_name)}</small>" if unit.occupant_name else ""
                parts.append(
                    f'<td><a class="{css}" data-state="{state}" href="{escape(unit_url_prefix)}{unit.pk}/" '
                    f'title="{title}">{name}{occupant}</a></td>'
                )
        parts.append("</tr>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated database value is escaped above
