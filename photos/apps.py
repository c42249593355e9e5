from django.apps import AppConfig


class PhotosConfig(AppConfig):
    """The one photo pipeline: checked, cleaned, resized, and served only to who may see it."""

    name = "photos"

    def ready(self):
        # The latest photos on the client record (clients.record).
        from clients.record import register_record_part

        from .selectors import client_record_photos

        register_record_part(client_record_photos)
