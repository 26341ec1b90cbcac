#!/usr/bin/env bash
# The demo: SQLite under var/, a seeded demo city, the server on http://127.0.0.1:8000.
# Run again: reuses the virtualenv and the database; seeds nothing twice.
source "$(dirname "$0")/_env.sh"
unset DATABASE_URL REDIS_URL
export DJANGO_SETTINGS_MODULE=housing.settings.local
python manage.py migrate --noinput -v0
python manage.py seed_demo
echo "==> 启动服务：http://127.0.0.1:8000/office/ （后台）  http://127.0.0.1:8000/ （门户）"
exec python manage.py runserver 127.0.0.1:8000
