"""住房保障信息系统: the Django project and the shared platform (CJJ/T 196-2012 §3.1)."""

from .celery import app as celery_app

__all__ = ["celery_app"]
