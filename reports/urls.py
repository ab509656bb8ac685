from django.urls import path, register_converter

from . import views


class OrgConverter:
    """An organization slug, or `all` for the county-wide aggregate."""

    regex = "[-a-zA-Z0-9_]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(OrgConverter, "org")

app_name = "reports"
urlpatterns = [
    path("reports/", views.report_list, name="list"),
    path("reports/<int:year>/<org:org>/", views.report_detail, name="detail"),
    path("reports/<int:year>/<org:org>.docx", views.report_docx, name="docx"),
    path("reports/<int:year>/<org:org>.xlsx", views.report_xlsx, name="xlsx"),
    path("reports/<int:year>/<org:org>/charts/<slug:name>.svg", views.report_chart, name="chart"),
]
