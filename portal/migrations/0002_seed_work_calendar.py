from django.db import migrations


def seed(apps, schema_editor):
    from portal.workcalendar import seed_from_chinesecalendar

    seed_from_chinesecalendar(apps.get_model("portal", "CalendarDay"), apps.get_model("portal", "CalendarYear"))


def unseed(apps, schema_editor):
    apps.get_model("portal", "CalendarDay").objects.filter(source="chinesecalendar").delete()
    apps.get_model("portal", "CalendarYear").objects.filter(source="chinesecalendar").delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
