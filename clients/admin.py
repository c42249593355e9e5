from django.contrib import admin

from .models import Client


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "email", "phone", "preferred_channel", "created_at")
    list_filter = ("preferred_channel", "contact_consent", "referral_source")
    search_fields = ("search_text",)
    readonly_fields = ("created_by", "created_at", "updated_at")
    raw_id_fields = ("user",)
    list_per_page = 50
    show_full_result_count = False
