"""Give the points models tables of their own name (``points_*``) and move their content types, so that
permissions held by users and groups and admin log entries follow the models.  Rows are renamed with
their table, never copied."""

from django.db import migrations

MODELS = ("scheme", "account", "transfer", "reward", "redemption")


def relabel(apps, schema_editor, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not content_type.objects.filter(app_label=new, model=model).exists():
            content_type.objects.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    relabel(apps, schema_editor, "volunteering", "points")


def backwards(apps, schema_editor):
    relabel(apps, schema_editor, "points", "volunteering")


class Migration(migrations.Migration):

    dependencies = [
        ("points", "0001_initial"),
        ("volunteering", "0004_points_moved_out"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        *(migrations.AlterModelTable(name=model, table=None) for model in MODELS),
        migrations.RunPython(forwards, backwards),
    ]
