from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from . import views

admin.site.site_header = "政务公开管理后台"
admin.site.site_title = "政务公开管理后台"
admin.site.index_title = "工作台"

urlpatterns = [
    # Organizations and roles moved into the core app; old admin bookmarks still arrive.
    re_path(
        r"^admin/disclosures/(?P<model>organization|membership)/(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/portal/%(model)s/%(rest)s", query_string=True),
    ),
    path("admin/", admin.site.urls),
    path("ckeditor5/", include("django_ckeditor_5.urls")),
    path("media/editor/<path:path>", views.editor_image, name="editor_image"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("favicon.ico", views.favicon),
    path("", include("disclosures.urls")),
    path("", include("info_requests.urls")),
    path("", include("reports.urls")),
    path("", include("interaction.urls")),
]

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
