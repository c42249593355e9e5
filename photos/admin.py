from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .models import Photo


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    """Read-only: photos are added through the photo pipeline, which cleans them."""

    list_display = ("client", "angle", "stage", "uploaded_at")
    list_filter = ("angle", "stage", "shared_with_client")
    list_select_related = ("client",)
    search_fields = ("client__search_text",)
    fields = (
        "client",
        "session",
        "angle",
        "stage",
        "preview",
        "width",
        "height",
        "note",
        "shared_with_client",
        "uploaded_by",
        "uploaded_at",
    )
    readonly_fields = fields
    list_per_page = 50
    show_full_result_count = False

    @admin.display(description="photo")
    def preview(self, photo):
        return format_html(
            '<a href="{}"><img src="{}" alt="" style="max-width: 320px"></a>',
            reverse("photos:image", args=[photo.pk, "web"]),
            reverse("photos:image", args=[photo.pk, "thumb"]),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
