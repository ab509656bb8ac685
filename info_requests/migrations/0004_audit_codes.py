"""Audit codes of requests and appeals follow the `<area>.<step>` style of the other apps
(request_submit → request.submit, appeal_create → appeal.create). Rows are renamed in place."""

from django.db import migrations

PREFIXES = ("request", "appeal")


def rename(apps, schema_editor, old_sep="_", new_sep="."):
    AuditEntry = apps.get_model("portal", "AuditEntry")
    for prefix in PREFIXES:
        old_start = prefix + old_sep
        codes = AuditEntry.objects.filter(action__startswith=old_start).values_list("action", flat=True).distinct()
        for code in list(codes):
            AuditEntry.objects.filter(action=code).update(action=prefix + new_sep + code[len(old_start) :])


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old_sep=".", new_sep="_")


class Migration(migrations.Migration):
    dependencies = [
        ("info_requests", "0003_organization_in_portal"),
        ("portal", "0003_organization_membership"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
