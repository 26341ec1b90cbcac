"""Models of this part of admission. Imported at the end of ``admission/models.py`` so Django registers them
under the ``admission`` app label."""

from __future__ import annotations
