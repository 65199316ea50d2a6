from django.db import migrations


def seed(apps, schema_editor):
    from linli.places.stations import seed_amenities

    seed_amenities(apps.get_model("places", "Amenity"))


class Migration(migrations.Migration):
    dependencies = [("places", "0002_service_stations")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
