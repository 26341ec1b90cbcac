"""Chinese formats with ISO dates first for input.

A form renders a date or datetime value with the first *_INPUT_FORMATS entry. Django's zh_Hans list
starts with ``2026/09/05``, which the browser's ``<input type="date">`` and ``datetime-local`` refuse and
show as empty, so a date the user entered vanished when the form came back with an error. ISO first
keeps it; every other format is still accepted when typed. Display formats are Django's own.
"""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403
from django.conf.locale.zh_Hans.formats import DATE_INPUT_FORMATS as _DATE
from django.conf.locale.zh_Hans.formats import DATETIME_INPUT_FORMATS as _DATETIME

DATE_INPUT_FORMATS = ["%Y-%m-%d", *[f for f in _DATE if f != "%Y-%m-%d"]]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    *[f for f in _DATETIME if f != "%Y-%m-%d %H:%M"],
]
