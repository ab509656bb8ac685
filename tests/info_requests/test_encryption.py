"""Applicants' personal data encrypted at rest (个人信息保护法第五十一条; README “个人信息加密存储”).

The database holds no plaintext identity or contact details — read with SQL (the same tests run on
SQLite and on PostgreSQL), in `dumpdata` and in a dump of the whole demo database — while the form,
tracking, the per-applicant limit, the admin search, rotation and the migration of old rows work."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.urls import reverse

from info_requests import throttle
from info_requests.models import Application, ThrottleHit
from portal import crypto
from portal.keyrotation import rotate
from tests.info_requests.helpers import VALID_CREDIT_CODE, VALID_ID, application, form_data, grant_request_permissions

PERSONAL = ["id_number", "legal_representative", "phone", "email", "address", "work_unit", "contact_person"]
TEST1 = "test1:dGVzdC1rZXktb25lLS0tLS0tLS0tLS0tLS0tLS0tLS0="
TEST2 = "test2:dGVzdC1rZXktdHdvLS0tLS0tLS0tLS0tLS0tLS0tLS0="
CHANGELIST = "/admin/info_requests/application/"


def stored(pk: int) -> dict:
    """The row as the database holds it (plain SQL, no field conversion)."""
    columns = PERSONAL + ["identity_key", "phone_key", "applicant_name"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM info_requests_application WHERE id = %s", [pk])
        return dict(zip(columns, cursor.fetchone(), strict=True))


@pytest.fixture
def staff(build):
    grant_request_permissions(build.editor)
    return build.editor


def test_the_public_form_stores_no_plaintext(client, build):
    org = {"organization": str(build.org.pk)}
    person = form_data(work_unit="龙陵县第一中学", address="龙陵县龙山镇龙新路88号", **org)
    company = form_data(
        kind="legal",
        org_subtype="business",
        applicant_name="龙陵县某建材有限公司",
        id_number=VALID_CREDIT_CODE,
        legal_representative="李某某",
        contact_person="赵某",
        phone="0875-6121234",
        email="office@jiancai.example.com",
        **org,
    )
    for data in (person, company):
        assert client.post("/apply/", data).status_code == 302
        app = Application.objects.latest("pk")
        raw = stored(app.pk)
        for field in PERSONAL:
            value = data.get(field, "")
            if value:
                assert raw[field].startswith("enc1:test2:aes256gcm:"), field
                assert value not in raw[field] and value not in "".join(map(str, raw.values())), field
                assert getattr(app, field) == value
            else:
                assert raw[field] == ""
        assert raw["identity_key"] == crypto.blind_index(data["id_number"], "identity")
        assert raw["phone_key"] == crypto.blind_index(data["phone"], "phone")
        assert raw["applicant_name"] == data["applicant_name"], "the name stays readable (list and search)"


def test_staff_edits_are_stored_encrypted_with_fresh_indexes(client, build, staff):
    app = application(build)
    client.force_login(staff)
    page = client.get(reverse("admin:info_requests_application_change", args=[app.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {"phone": "13800001111", "address": "龙陵县勐糯镇2号", "handler": staff.pk, "_save": "1"},
        **{
            f"{prefix}-{n}": v
            for prefix in ("events", "attachments")
            for n, v in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))
        },
    )
    response = client.post(reverse("admin:info_requests_application_change", args=[app.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    raw = stored(app.pk)
    assert "13800001111" not in raw["phone"] and "勐糯" not in raw["address"]
    assert raw["phone_key"] == crypto.blind_index("13800001111", "phone")
    assert Application.objects.get(pk=app.pk).address == "龙陵县勐糯镇2号"


def test_dumpdata_holds_ciphertext_and_loads_back(build):
    app = application(build, address="龙陵县龙山镇龙新路1号")
    secrets = [app.id_number, app.phone, app.email, app.address]
    out = io.StringIO()
    call_command("dumpdata", "info_requests", stdout=out)
    dump = out.getvalue()
    assert "enc1:test2:" in dump
    for value in secrets:
        assert value not in dump
    path = settings.MEDIA_ROOT / "dump.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    call_command("dumpdata", "info_requests.application", output=str(path))
    Application.objects.filter(pk=app.pk).delete()
    call_command("loaddata", str(path), stdout=io.StringIO())
    restored = Application.objects.get(pk=app.pk)
    assert [restored.id_number, restored.phone, restored.email, restored.address] == secrets


def _whole_database_dump() -> str:
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        command = ["pg_dump", "--data-only", "-h", db["HOST"] or "127.0.0.1", "-U", db["USER"], db["NAME"]]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return "\n".join(connection.connection.iterdump())


@pytest.mark.django_db(transaction=True)  # committed, so pg_dump (another connection) sees the rows
def test_a_dump_of_the_demo_database_shows_no_applicant_identity():
    call_command("demo", stdout=io.StringIO())
    applicants = list(Application.objects.all())
    assert len(applicants) > 20
    secrets = {v for a in applicants for v in (a.id_number, a.phone, a.email, a.address) if v}
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    for dump in (_whole_database_dump(), out.getvalue()):
        assert "enc1:" in dump
        leaked = sorted(v for v in secrets if v in dump)
        assert leaked == []
    # The demo's tracked application still opens with the phone's last four digits.
    from django.test import Client

    html = Client().post("/apply/track/", {"code": "DEMO-2026-TRAK", "phone_last4": "0001"}).content.decode()
    assert "已答复" in html


def test_tracking_reads_the_phone_of_the_one_row_found(client, build):
    app = application(build, phone="13908759876")
    assert "13908759876" not in stored(app.pk)["phone"]
    html = client.post("/apply/track/", {"code": app.tracking_code, "phone_last4": "9876"}).content.decode()
    assert "办理中" in html and app.phone not in html


def test_the_per_applicant_limit_counts_by_the_blind_index(client, build):
    org = {"organization": str(build.org.pk)}
    for _ in range(throttle.APPLY_PER_IDENTITY.max_hits):
        assert client.post("/apply/", form_data(**org)).status_code == 302
    blocked = client.post("/apply/", form_data(id_number=VALID_ID.lower(), **org))
    assert "同一申请人今天提交的申请已达上限" in blocked.content.decode()
    keys = set(ThrottleHit.objects.filter(scope="apply-id").values_list("key", flat=True))
    assert (
        keys
        == {crypto.blind_index(VALID_ID, "identity")}
        == set(Application.objects.values_list("identity_key", flat=True))
    )


def test_admin_finds_an_application_by_exact_identity_or_phone_only(client, build, staff):
    mine = application(build, phone="13908751234")
    other = application(build, phone="13800000000")
    client.force_login(staff)

    def found(term):
        html = client.get(CHANGELIST, {"q": term}).content.decode()
        return {a.tracking_code for a in (mine, other) if a.tracking_code in html}

    for term in (mine.id_number, mine.id_number.lower(), "139 0875 1234", "+86 13908751234", mine.tracking_code):
        assert found(term) == {mine.tracking_code}, term
    for partial in (mine.id_number[:6], "0875", "1390875123"):
        assert found(partial) == set(), partial
    # A site administrator outside the organization sees the details masked, so cannot search them.
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456"))
    assert found(mine.id_number) == set() and found(mine.tracking_code) == {mine.tracking_code}


@pytest.mark.parametrize(
    "query",
    [
        "id_number__startswith=5305",
        "phone__contains=1390",
        "email__contains=example",
        "id_number=11010519491231002X",
        "address__icontains=龙陵",
        "identity_key=0",
        "phone_key__startswith=a",
    ],
)
def test_admin_refuses_url_lookups_on_personal_fields(client, build, staff, query):
    app = application(build)
    client.force_login(staff)
    response = client.get(f"{CHANGELIST}?{query}")
    assert response.status_code == 400
    assert app.tracking_code not in response.content.decode() and "条" not in response.content.decode()


def test_queries_on_encrypted_fields_raise_instead_of_finding_nothing(build):
    app = application(build, phone="13908751234")
    for lookup in ("phone", "phone__contains", "id_number__startswith", "email__iexact"):
        with pytest.raises(FieldError, match="加密字段"):
            list(Application.objects.filter(**{lookup: "1"}))
    assert Application.objects.filter(phone__isnull=False).count() == 1
    assert list(Application.objects.filter(phone_key__match="139-0875-1234")) == [app]
    assert list(Application.objects.filter(identity_key__match=app.id_number.lower())) == [app]
    assert not Application.objects.filter(phone_key__match="").exists()


def test_a_missing_or_wrong_key_is_a_clear_error_when_reading(build):
    app = application(build)
    with override_settings(FIELD_ENCRYPTION_KEYS=TEST1):
        with pytest.raises(crypto.DecryptionError, match="info_requests.Application.id_number：.*“test2”.*不在"):
            Application.objects.get(pk=app.pk)
    wrong = "test2:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY="
    with override_settings(FIELD_ENCRYPTION_KEYS=wrong):
        with pytest.raises(crypto.DecryptionError, match="不正确，或数据已被篡改"):
            Application.objects.get(pk=app.pk)


class Interrupted(Exception):
    pass


class StopAfterFirstBatch:
    def __init__(self, total):
        self.total = total

    def update(self, n):
        raise Interrupted

    def close(self):
        pass


def test_rotation_moves_every_value_to_the_newest_key_and_resumes_after_an_interruption(build):
    with override_settings(FIELD_ENCRYPTION_KEYS=TEST1):
        apps = [application(build, phone=f"1390875000{n}") for n in range(3)]
    assert all(stored(a.pk)["phone"].startswith("enc1:test1:") for a in apps)
    # Lookups find rows not yet rotated (their index is under the older key).
    assert list(Application.objects.filter(phone_key__match="13908750001")) == [apps[1]]

    with pytest.raises(Interrupted):
        rotate(Application, batch_size=1, progress=StopAfterFirstBatch)
    assert [stored(a.pk)["phone"].split(":")[1] for a in apps] == ["test2", "test1", "test1"]

    out = io.StringIO()
    call_command("rotate_encryption_keys", "--batch-size", "1", stdout=out, stderr=io.StringIO())
    assert "重新加密 2 条" in out.getvalue()
    for a in apps:
        raw = stored(a.pk)
        assert all(raw[f].startswith("enc1:test2:aes256gcm:") for f in ("id_number", "phone", "email"))
        assert raw["identity_key"] == crypto.blind_index(a.id_number, "identity")
        assert raw["phone_key"] == crypto.blind_index(a.phone, "phone")
    with override_settings(FIELD_ENCRYPTION_KEYS=TEST2):  # the old key can go now
        assert [Application.objects.get(pk=a.pk).phone for a in apps] == [a.phone for a in apps]
        assert list(Application.objects.filter(phone_key__match="13908750001")) == [apps[1]]

    again = io.StringIO()
    call_command("rotate_encryption_keys", stdout=again, stderr=io.StringIO())
    assert "重新加密 0 条" in again.getvalue()
    census = io.StringIO()
    call_command("rotate_encryption_keys", "--dry-run", stdout=census)
    assert "info_requests.Application）.phone：test2/aes256gcm 3" in census.getvalue()


@override_settings(FIELD_ENCRYPTION_ALGORITHM="sm4-gcm")
def test_an_sm4_site_stores_sm4_and_rotation_moves_aes_values_to_sm4(build, client):
    with override_settings(FIELD_ENCRYPTION_ALGORITHM="aes-256-gcm"):
        old = application(build, phone="13908751111")
    new = application(build, phone="13908752222")
    assert stored(old.pk)["phone"].startswith("enc1:test2:aes256gcm:")
    assert stored(new.pk)["phone"].startswith("enc1:test2:sm4gcm:")
    call_command("rotate_encryption_keys", stdout=io.StringIO(), stderr=io.StringIO())
    raw = stored(old.pk)
    assert all(raw[f].startswith("enc1:test2:sm4gcm:") for f in ("id_number", "phone", "email"))
    assert Application.objects.get(pk=old.pk).phone == "13908751111"
    assert list(Application.objects.filter(phone_key__match="13908751111")) == [old]
    html = client.post("/apply/track/", {"code": new.tracking_code, "phone_last4": "2222"}).content.decode()
    assert "办理中" in html


# ---- the migration of existing rows -------------------------------------------------------------

BEFORE = [("info_requests", "0005_throttle_keys")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_rows_in_place_and_back():
    try:
        old = _migrate(BEFORE)
        org = old.get_model("portal", "Organization").objects.create(
            name="旧库县民政局", short_name="民政局", slug="old", code="01526257-2"
        )
        OldApplication = old.get_model("info_requests", "Application")
        plain = {
            "id_number": VALID_ID,
            "phone": "13908751234",
            "email": "wang@example.com",
            "address": "龙陵县龙山镇1号",
            "contact_person": "",
            "work_unit": "龙陵县第一中学",
            "legal_representative": "",
        }
        former_key = throttle.digest("id:" + VALID_ID)
        for n in range(3):
            OldApplication.objects.create(
                organization=org,
                tracking_code=f"AAAA-BBBB-CCC{n}",
                applicant_type="natural",
                applicant_name="张三",
                info_title="低保名单",
                identity_key=former_key,
                **plain,
            )
        pks = list(OldApplication.objects.values_list("pk", flat=True))

        with override_settings(FIELD_ENCRYPTION_KEYS=""):  # rows to encrypt, no key: a clear stop
            with pytest.raises(ImproperlyConfigured, match="未设置个人信息加密密钥"):
                _migrate(_leaves())

        _migrate(_leaves())
        for pk in pks:
            raw = stored(pk)
            for field, value in plain.items():
                assert (
                    (raw[field] == "")
                    if not value
                    else (raw[field].startswith("enc1:test2:") and value not in raw[field])
                )
            assert raw["identity_key"] == crypto.blind_index(VALID_ID, "identity") != former_key
            app = Application.objects.get(pk=pk)
            assert {f: getattr(app, f) for f in plain} == plain
        assert Application.objects.filter(phone_key__match="13908751234").count() == 3

        _migrate(BEFORE)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id_number, phone, email, address, work_unit, identity_key FROM info_requests_application"
            )
            rows = cursor.fetchall()
        assert (
            rows == [(VALID_ID, "13908751234", "wang@example.com", "龙陵县龙山镇1号", "龙陵县第一中学", former_key)] * 3
        )
    finally:
        _migrate(_leaves())
