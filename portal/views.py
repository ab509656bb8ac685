import mimetypes
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

from .uploads import image_is_public


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without context processors: the database may be what failed.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def csrf_failure(request, reason=""):
    """A forged or expired form: a Chinese page that says what to do (Django's default page
    speaks English and tells visitors to switch DEBUG on). Nothing was changed."""
    return render(request, "403_csrf.html", status=403)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@require_GET
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("disclosures:sitemap"))
    return HttpResponse(f"User-agent: *\nDisallow: /admin/\nSitemap: {sitemap}\n", content_type="text/plain")


@require_GET
def editor_image(request, path):
    """Images embedded by the editor (png/jpeg only, verified at upload). Staff see every image;
    the public sees one only once an item that shows it is public (`portal.uploads.image_is_public`),
    so an image placed in a draft leaks nothing before its item is approved."""
    root = (Path(settings.MEDIA_ROOT) / "editor").resolve()
    target = (root / path).resolve()
    if root not in target.parents or not target.is_file():
        raise Http404("图片不存在")
    content_type = mimetypes.guess_type(target.name)[0]
    if content_type not in ("image/png", "image/jpeg"):
        raise Http404("图片不存在")
    staff = request.user.is_authenticated and request.user.is_active and request.user.is_staff
    public = image_is_public(target.name)
    if not (public or staff):
        raise Http404("图片不存在")
    response = FileResponse(open(target, "rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response


@require_GET
def favicon(request):
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@require_GET
def accessibility(request):
    """无障碍说明: what the site does for readers with disabilities and older readers, and whom to call."""
    return render(request, "accessibility.html")
