"""A date typed into a form that comes back with an error is still in the date box (the browser's date
input shows only ISO values)."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import translation


class _Form(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    name = forms.CharField()


def test_date_and_datetime_inputs_render_iso_values_in_chinese():
    with translation.override("zh-hans"):
        bound = _Form({"day": "2026-12-01", "at": "2026-12-01T09:30", "name": ""})
        assert not bound.is_valid()
        html = str(bound["day"]) + str(bound["at"])
        assert 'value="2026-12-01"' in html and 'value="2026-12-01T09:30"' in html
        initial = _Form(initial={"day": datetime.date(2026, 12, 1)})
        assert 'value="2026-12-01"' in str(initial["day"])
        assert bound.fields["day"].clean("2026/12/01") == datetime.date(2026, 12, 1)
