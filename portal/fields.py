"""Model fields for personal data encrypted at rest (portal/crypto.py; README “个人信息加密存储”).

Everything a model that stores a citizen's identity or contact details needs:

    from portal.fields import BlindIndexField, EncryptedCharField, EncryptedEmailField, EncryptedTextField

    phone = EncryptedCharField("联系电话", max_length=30, blank=True)   # max_length limits the plaintext
    email = EncryptedEmailField("电子邮箱", blank=True)
    note = EncryptedTextField("说明", blank=True)
    phone_key = BlindIndexField("电话索引", source="phone", normalizer="phone")

    Model.objects.filter(phone_key__match="139 0875 1234")   # exact match by the blind index
    protected_lookup(Model, "phone__contains")                  # True: refuse it (ModelAdmin.lookup_allowed)

- On the model the attribute holds the plaintext; the column holds `enc1:<kid>:<alg>:…` (a text
  column whatever max_length says). '' and None are stored as they are.
- The only query on an encrypted field is `isnull`; anything else (exact, contains, …) raises
  FieldError, because comparing ciphertexts would silently find nothing. Exact matches go through a
  BlindIndexField (normalizers: "identity", "phone", "email", "text"; portal/crypto.py), which is
  filled from its source on every save. A save with `update_fields` must list the index beside
  its source.
- Serializers (dumpdata) write the ciphertext; loaddata reads it back with the key ring.
- Encrypted fields cannot be unique, indexed or a primary key (system check portal.E101).
- `manage.py rotate_encryption_keys` finds every model that has these fields by itself.
"""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import FieldDoesNotExist, FieldError, ValidationError
from django.db import models
from django.db.models.lookups import In

from . import crypto

ALLOWED_ON_ENCRYPTED = {"isnull"}
ALLOWED_ON_INDEX = {"exact", "in", "isnull", "match"}


class EncryptedMixin:
    """Encrypts on the way to the database, decrypts on the way back."""

    def get_internal_type(self):
        return "TextField"  # the ciphertext is longer than the plaintext; max_length checks the plaintext

    def _where(self) -> str:
        model = getattr(self, "model", None)
        return f"{model._meta.label}.{self.name}" if model is not None else self.name

    def _decrypt(self, value: str) -> str:
        try:
            return crypto.decrypt(value)
        except crypto.DecryptionError as error:
            raise crypto.DecryptionError(f"{self._where()}：{error}") from None

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return self._decrypt(value)

    def to_python(self, value):
        if crypto.is_token(value):  # loaddata of a dump, which holds ciphertext
            try:
                return self._decrypt(value)
            except crypto.DecryptionError as error:
                raise ValidationError(str(error), code="undecryptable") from None
        return super().to_python(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return value if value in (None, "") else crypto.encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name in ALLOWED_ON_ENCRYPTED:
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"{self._where()} 是加密字段，不能按“{lookup_name}”查询；精确查找请用它的盲索引字段"
            f"（encrypted field: no '{lookup_name}' lookup; use its BlindIndexField）。"
        )

    def get_transform(self, lookup_name):
        return None

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        for attribute in ("unique", "db_index", "primary_key"):
            if getattr(self, attribute, False):
                errors.append(
                    checks.Error(
                        f"加密字段不能设置 {attribute}（encrypted fields cannot be {attribute}）。",
                        hint="需要精确查找时，另加一个 BlindIndexField。",
                        obj=self,
                        id="portal.E101",
                    )
                )
        return errors


class EncryptedCharField(EncryptedMixin, models.CharField):
    pass


class EncryptedEmailField(EncryptedMixin, models.EmailField):
    pass


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


class BlindIndexField(models.CharField):
    """Keyed HMAC of the normalized value of `source` (portal.crypto.blind_index), kept in step on save."""

    def __init__(self, *args, source: str, normalizer: str = "text", **kwargs):
        if normalizer not in crypto.NORMALIZERS:
            raise ValueError(f"unknown normalizer {normalizer!r}; one of {sorted(crypto.NORMALIZERS)}")
        self.source = source
        self.normalizer = normalizer
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, normalizer=self.normalizer)
        return name, path, args, kwargs

    def compute(self, instance) -> str:
        return crypto.blind_index(getattr(instance, self.source), self.normalizer)

    def pre_save(self, model_instance, add):
        value = self.compute(model_instance)
        setattr(model_instance, self.attname, value)
        return value

    def candidates(self, value: str) -> list[str]:
        return crypto.blind_index_candidates(value, self.normalizer)

    def get_lookup(self, lookup_name):
        if lookup_name in ALLOWED_ON_INDEX:
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"盲索引字段 {self.model._meta.label}.{self.name} 只能精确查找（blind index: exact matches only）。"
        )

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        try:
            source = self.model._meta.get_field(self.source)
        except FieldDoesNotExist:
            source = None
        if source is None:
            errors.append(
                checks.Error(f"BlindIndexField 的来源字段“{self.source}”不存在。", obj=self, id="portal.E102")
            )
        return errors


@BlindIndexField.register_lookup
class BlindMatch(In):
    """`index__match=value`: the value's blind index under any key of the ring (exact match)."""

    lookup_name = "match"

    def get_prep_lookup(self):
        self.rhs = self.lhs.output_field.candidates(self.rhs)
        return super().get_prep_lookup()


def protected_lookup(model, lookup: str) -> bool:
    """The lookup path reaches an encrypted field or a blind index (of `model` or across relations)."""
    for part in lookup.split(models.constants.LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if isinstance(field, EncryptedMixin | BlindIndexField):
            return True
        if not (field.is_relation and field.related_model):
            return False
        model = field.related_model
    return False


def encrypted_fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]


def blind_index_fields(model) -> list[BlindIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]


def staff_reference(verbose_name: str, **options) -> models.ForeignKey:
    """A staff member who did something to a record (created, reviewed, approved, handled it):
    kept when the account is deleted (the name stays in the audit log), no reverse accessor, not
    edited in forms — set by the domain functions only."""
    from django.conf import settings

    defaults = {"null": True, "blank": True, "on_delete": models.SET_NULL, "related_name": "+", "editable": False}
    return models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=verbose_name, **(defaults | options))
