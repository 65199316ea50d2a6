"""Seed the two-level category catalogue (see ``linli.cases.catalogue``)."""

from django.db import migrations

from linli.cases.catalogue import CATALOGUE, seed_categories


def seed(apps, schema_editor):
    seed_categories(apps.get_model("cases", "Category"))


def unseed(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    codes = [c for _code, _n, _k, children in CATALOGUE for c, *_ in children]
    Category.objects.filter(code__in=codes, cases__isnull=True).delete()
    Category.objects.filter(code__in=[c for c, *_ in CATALOGUE], children__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
