"""GIN index on the full-text vector, on PostgreSQL only.

Not declared in Document.Meta.indexes: SQLite (the demo) has no GIN, and a Meta index would also be
recreated whenever SQLite rebuilds the table. The search falls back to icontains there.
"""

from django.db import migrations

INDEX_NAME = "archive_doc_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON archive_document USING gin (search_vector)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
