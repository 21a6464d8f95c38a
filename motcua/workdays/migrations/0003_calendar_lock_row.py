from django.db import migrations


def create_lock_row(apps, schema_editor):
    apps.get_model("workdays", "CalendarLock").objects.get_or_create(pk=1, defaults={"revision": 0})


def delete_lock_row(apps, schema_editor):
    apps.get_model("workdays", "CalendarLock").objects.filter(pk=1).delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0002_calendar_change")]

    operations = [migrations.RunPython(create_lock_row, delete_lock_row)]
