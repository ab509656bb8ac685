"""Signals of the disclosure workflow.

`public_version_changed` is sent (after the transaction commits) whenever what the public sees of
an item changes: first publication, withdrawal, a change of 有效性, an approved revision. The
search index and caches listen to it; senders are the functions in disclosures/workflow.py only.
"""

from django.dispatch import Signal

public_version_changed = Signal()  # kwargs: item
# The same for many items at once (a site import publishes thousands): receivers do their work in
# bulk. kwargs: items — DisclosureItem instances with their attachments prefetched.
public_versions_changed = Signal()
