"""The limits of the online forms hold under concurrent requests, per client address."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections
from django.test import Client

from info_requests.models import Application
from info_requests.throttle import APPLY_PER_IP
from tests.info_requests.helpers import form_data, resident_id


@pytest.mark.django_db(transaction=True)
def test_no_more_applications_than_the_limit_under_concurrency(build, site_profile):
    attempts = APPLY_PER_IP.max_hits + 6
    barrier = threading.Barrier(8)
    statuses = []

    def submit(numbers):
        client = Client()
        barrier.wait()
        try:
            for n in numbers:
                data = form_data(organization=build.org.pk, id_number=resident_id(100 + n))
                statuses.append(client.post("/apply/", data).status_code)
        finally:
            close_old_connections()

    chunks = [list(range(i, attempts, 8)) for i in range(8)]
    threads = [threading.Thread(target=submit, args=(chunk,)) for chunk in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(statuses) == attempts
    assert Application.objects.count() == APPLY_PER_IP.max_hits


def test_each_client_address_has_its_own_limit(client, build, site_profile):
    for n in range(APPLY_PER_IP.max_hits):
        client.post(
            "/apply/", form_data(organization=build.org.pk, id_number=resident_id(200 + n)), REMOTE_ADDR="10.0.0.1"
        )
    refused = client.post(
        "/apply/", form_data(organization=build.org.pk, id_number=resident_id(300)), REMOTE_ADDR="10.0.0.1"
    )
    assert "提交过于频繁" in refused.content.decode()
    other = client.post(
        "/apply/", form_data(organization=build.org.pk, id_number=resident_id(301)), REMOTE_ADDR="10.0.0.2"
    )
    assert other.status_code == 302
    assert Application.objects.count() == APPLY_PER_IP.max_hits + 1
