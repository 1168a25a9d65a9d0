"""A motion slugged "new" or "import" (before those were reserved) could never be opened: its
address is a page's. Each moves to the first free "<slug>-<n>"."""

from django.db import migrations

# As Motion.RESERVED_SLUGS when this was written (a migration keeps its own copy).
RESERVED = ("new", "import")


def move_off_reserved(apps, schema_editor):
    Motion = apps.get_model("debates", "Motion")
    for motion in Motion.objects.filter(slug__in=RESERVED):
        n = 2
        while Motion.objects.filter(slug=f"{motion.slug}-{n}").exists():
            n += 1
        Motion.objects.filter(pk=motion.pk).update(slug=f"{motion.slug}-{n}")


class Migration(migrations.Migration):
    dependencies = [("debates", "0017_flags_on_sources")]

    operations = [migrations.RunPython(move_off_reserved, migrations.RunPython.noop)]
