"""文号 as a comparison key. Old sites write the same 文号 many ways (龙民发[2016]12号, 龙民发〔2016〕
第12号, full-width digits, spaces); the item keeps the 文号 exactly as written and stores this key
beside it, so that an import recognises an item it brought in before (docs/import.md) and staff can
find a 文号 however it was typed. The folding is the search normalization's (docs/design.md 全文检索),
minus the spaces it keeps."""

from __future__ import annotations


def document_number_key(document_number: str) -> str:
    # Imported lazily: the search package imports the models, which call this on save.
    from .search.tokens import normalize

    return normalize(document_number or "").replace(" ", "").replace("\n", "")[:100]
