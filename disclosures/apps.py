from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "disclosures"
    verbose_name = "主动公开"

    def ready(self):
        # Search index (issue 4): follows every change of an item's public version.
        from . import search
        from .signals import public_version_changed

        public_version_changed.connect(search.on_public_version_changed, dispatch_uid="search-index")
