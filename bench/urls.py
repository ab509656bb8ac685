"""The portal's URLs plus a minimal view and a naive `icontains` search, for comparison only."""

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import include, path

from disclosures.models import DisclosureItem
from portal.paging import paginate


def minimal(request):
    return HttpResponse("ok")


def icontains(request):
    """What the placeholder search did: a substring scan of title, body and 文号."""
    q = (request.GET.get("q") or "").strip()[:100]
    results = (
        DisclosureItem.objects.published()
        .for_list()
        .filter(Q(title__icontains=q) | Q(body__icontains=q) | Q(document_number__icontains=q))
    )
    page, notes = paginate(request, results, settings.PAGE_SIZE)
    return render(request, "bench/icontains.html", {"page": page, "notes": notes, "q": q})


urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/icontains/", icontains),
    path("", include("portal.urls")),
]
