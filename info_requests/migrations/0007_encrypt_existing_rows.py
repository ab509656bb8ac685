"""Encrypts the personal fields of the applications already stored, in place, and fills their blind
indexes (README “个人信息加密存储”). Needs FIELD_ENCRYPTION_KEYS as soon as there is a row to
encrypt, and stops with a clear error without it. Reversible while the keys are set: backwards
decrypts the values and restores the former identity digest (HMAC with SECRET_KEY).

Plain SQL on purpose: the values are read and written as stored, whatever the fields do today.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations

FIELDS = ["id_number", "legal_representative", "phone", "email", "address", "work_unit", "contact_person"]
BATCH = 500


def _batches(connection, table, columns):
    qn = connection.ops.quote_name
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {qn('id')}, {', '.join(qn(c) for c in columns)} FROM {qn(table)} "
                f"WHERE {qn('id')} > %s ORDER BY {qn('id')} LIMIT {BATCH}",
                [last],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _update(connection, table, pk, values: dict):
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(column)} = %s" for column in values)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {qn(table)} SET {assignments} WHERE {qn('id')} = %s", [*values.values(), pk])


def encrypt_rows(apps, schema_editor):
    from portal import crypto

    table = apps.get_model("info_requests", "Application")._meta.db_table
    connection = schema_editor.connection
    for rows in _batches(connection, table, FIELDS):
        for pk, *values in rows:
            plain = {f: (crypto.decrypt(v) if crypto.is_token(v) else v) for f, v in zip(FIELDS, values)}
            stored = {f: (v if not v or crypto.is_token(v) else crypto.encrypt(v)) for f, v in zip(FIELDS, values)}
            stored["identity_key"] = crypto.blind_index(plain["id_number"], "identity")
            stored["phone_key"] = crypto.blind_index(plain["phone"], "phone")
            _update(connection, table, pk, stored)


def decrypt_rows(apps, schema_editor):
    from portal import crypto

    table = apps.get_model("info_requests", "Application")._meta.db_table
    connection = schema_editor.connection
    for rows in _batches(connection, table, FIELDS):
        for pk, *values in rows:
            plain = {f: (crypto.decrypt(v) if crypto.is_token(v) else v) for f, v in zip(FIELDS, values)}
            number = (plain["id_number"] or "").strip().upper()
            old_digest = hmac.new(settings.SECRET_KEY.encode(), ("id:" + number).encode(), hashlib.sha256)
            plain["identity_key"] = old_digest.hexdigest() if number else ""
            _update(connection, table, pk, plain)


class Migration(migrations.Migration):

    dependencies = [
        ("info_requests", "0006_encrypted_personal_fields"),
    ]

    operations = [
        migrations.RunPython(encrypt_rows, decrypt_rows, elidable=False),
    ]
