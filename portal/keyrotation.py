"""Moving every encrypted value to the newest key (`manage.py rotate_encryption_keys`).

A row is rewritten when one of its encrypted values is not under the newest key and the configured
algorithm; its blind indexes are recomputed in the same write. Batches commit one by one under a
row lock, so the run can be interrupted and started again: rows already rewritten are not read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from . import crypto
from .fields import blind_index_fields, encrypted_fields

RAW = "_stored_{}"  # annotation holding a column's stored text (Cast bypasses the field's decryption)


def encrypted_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if encrypted_fields(model) and not model._meta.proxy and model._meta.managed
    ]


def _stored(model) -> models.QuerySet:
    return model._base_manager.annotate(
        **{RAW.format(f.name): Cast(f.name, output_field=models.TextField()) for f in encrypted_fields(model)}
    )


def _stale(model, header: str) -> models.QuerySet:
    stale = models.Q()
    for f in encrypted_fields(model):
        raw = RAW.format(f.name)
        stale |= (
            models.Q(**{f"{raw}__isnull": False}) & ~models.Q(**{raw: ""}) & ~models.Q(**{f"{raw}__startswith": header})
        )
    return _stored(model).filter(stale)


def rotate(model, *, batch_size: int = 500, progress: Callable[[int], object] | None = None) -> int:
    """Re-encrypt the rows of `model` not under the newest key; returns how many were rewritten."""
    ring = crypto.keyring()
    fields = encrypted_fields(model)
    indexes = blind_index_fields(model)
    loaded = {f.name for f in fields} | {i.source for i in indexes}
    stale = _stale(model, ring.current_header)
    bar = progress(stale.count()) if progress else None
    done, last_pk = 0, None
    while True:
        with transaction.atomic():
            batch = stale.order_by("pk").only(*loaded)
            if last_pk is not None:
                batch = batch.filter(pk__gt=last_pk)
            rows = list(batch.select_for_update()[:batch_size])
            if not rows:
                break
            for row in rows:
                for index in indexes:
                    setattr(row, index.attname, index.compute(row))
            model._base_manager.bulk_update(rows, [f.name for f in fields] + [i.name for i in indexes])
        last_pk = rows[-1].pk
        done += len(rows)
        if bar is not None:
            bar.update(len(rows))
    if bar is not None:
        bar.close()
    return done


def census(model) -> dict[str, Counter]:
    """Per encrypted field: how many values are under each key id (and 'plaintext' / 'unknown key')."""
    ring = crypto.keyring()
    counts = {f.name: Counter() for f in encrypted_fields(model)}
    names = [RAW.format(name) for name in counts]
    for values in _stored(model).values_list(*names).iterator(chunk_size=2000):
        for name, raw in zip(counts, values, strict=True):
            if raw in (None, ""):
                continue
            if not crypto.is_token(raw):
                counts[name]["未加密"] += 1
                continue
            try:
                kid, code = crypto.token_header(raw)
            except crypto.DecryptionError:
                counts[name]["格式损坏"] += 1
                continue
            known = any(k.kid == kid for k in ring.keys)
            counts[name][f"{kid}/{code}" + ("" if known else "（密钥不在列表中）")] += 1
    return counts
