"""Message writers' and commenters' personal data is encrypted at rest, and not filterable by URL."""

from __future__ import annotations

from django.db import connection


def test_writer_name_phone_and_email_are_not_stored_in_the_clear(ia):
    message = ia.message(writer_name="王秘密", phone="13912345678", email="wang@example.com")
    with connection.cursor() as cursor:
        cursor.execute("SELECT writer_name, phone, email FROM interaction_message WHERE id = %s", [message.pk])
        row = cursor.fetchone()
    assert all(value.startswith("enc1:") for value in row)
    assert "13912345678" not in "".join(row) and "王秘密" not in "".join(row)
    message.refresh_from_db()
    assert message.phone == "13912345678" and message.phone_matches("5678")


def test_admin_refuses_url_lookups_on_personal_fields(client, ia, build):
    from tests.interaction.conftest import grant_interaction_permissions

    ia.message(phone="13912345678")
    grant_interaction_permissions(build.editor)
    client.force_login(build.editor)
    response = client.get("/admin/interaction/message/?phone__startswith=139")
    assert response.status_code == 400 or "139" not in response.content.decode().split("<table")[-1]
