"""Template helpers of the task tables: working days left before a due date."""

from __future__ import annotations

from django import template
from django.utils import timezone

from housing.workflow.calendar import WorkingCalendar

register = template.Library()


@register.simple_tag(takes_context=True)
def working_days_left(context, due_date):
    """Working days from today to ``due_date`` (0 on the due date, negative when overdue).

    One calendar per rendered table, so a page of tasks costs one calendar query per year.
    """
    if due_date is None:
        return None
    calendar = context.render_context.get("workflow_calendar")
    if calendar is None:
        calendar = context.render_context["workflow_calendar"] = WorkingCalendar()
    return calendar.working_days_between(timezone.localdate(), due_date)


@register.filter
def absolute(value):
    """|absolute: "超期 3 天" reads better than "-3"."""
    return abs(value) if value is not None else None
