# One image for web (gunicorn), worker and beat (Celery): the same code and libraries everywhere.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=housing.settings.production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/var/lib/housing/media

# WeasyPrint renders PDFs through Pango; without fonts-noto-cjk every Chinese glyph of a notice or
# contract silently becomes a blank box. fc-cache makes the fonts visible to fontconfig at once.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-noto-cjk \
        fontconfig \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
    && fc-cache -f \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so a code change does not reinstall them (pyproject lists no packages:
# installing the project installs exactly its pinned dependencies).
COPY pyproject.toml ./
RUN pip install . && rm -rf build *.egg-info

COPY . .

# collectstatic reads production settings; the key and hosts below exist only for this build step.
RUN SECRET_KEY=collectstatic-only-not-a-secret ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

# Run as an unprivileged user; media and beat state live on volumes that this user owns.
RUN useradd --system --uid 1000 --home-dir /app housing \
    && mkdir -p /var/lib/housing/media /var/lib/housing/beat \
    && chown -R housing:housing /var/lib/housing
USER housing

EXPOSE 8000
CMD ["gunicorn", "housing.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
