from django.apps import AppConfig


class PhotosConfig(AppConfig):
    """The one photo pipeline: checked, cleaned, resized, and served only to who may see it."""

    name = "photos"
