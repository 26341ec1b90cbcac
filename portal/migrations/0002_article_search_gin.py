"""GIN index on the articles' full-text vector, on PostgreSQL only (SQLite, the demo, searches with
icontains), as the archive does (housing/archive/migrations/0002)."""

from django.db import migrations

INDEX_NAME = "portal_article_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON portal_article USING gin (search_vector)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
