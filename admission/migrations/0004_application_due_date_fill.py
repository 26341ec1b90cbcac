"""Fill ``Application.due_date`` from each open case's open workflow node (the queue now sorts by it)."""

from django.db import migrations


def fill_due_dates(apps, schema_editor):
    Application = apps.get_model("admission", "Application")
    NodeInstance = apps.get_model("workflow", "NodeInstance")
    open_nodes = NodeInstance.objects.filter(
        process__process_code="admission_review", process__state="running", state="open"
    ).values_list("process__object_id", "due_date")
    for object_id, due in open_nodes.iterator(chunk_size=2000):
        if due is not None and object_id.isdigit():
            Application.objects.filter(pk=int(object_id)).update(due_date=due)


class Migration(migrations.Migration):
    dependencies = [
        ("admission", "0003_publicity_checks_registry_casework_support"),
        ("workflow", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill_due_dates, migrations.RunPython.noop)]
