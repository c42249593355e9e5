"""The manager's diary settings: booking rules, hours, rooms, artists' time, appointment types.

Appointments are shown read-only: they are only ever written through
scheduling.booking, so the rules (hours, notice, no double booking) hold for
every booking whoever makes it.
"""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role
from smpclinic import formats
from smpclinic.admin import SingleRowAdmin

from .availability import FIRST_DAY, LAST_DAY, OUTSIDE_DIARY
from .availability_cache import free_times_changed
from .models import (
    Appointment,
    AppointmentEvent,
    AppointmentType,
    AppointmentTypeTranslation,
    ArtistHours,
    BookingPolicy,
    CalendarFeed,
    ClosedDay,
    OpeningHours,
    Room,
    TimeOff,
    new_feed_token,
)
from .setup_forms import (
    AppointmentTypeForm,
    AppointmentTypeTranslationForm,
    ArtistHoursForm,
    BookingPolicyForm,
    OpeningHoursForm,
    TimeOffForm,
)
from .staff_hours import opening_spans, spans_in_words, within_opening

# --- Hours that say more than the clinic's ---------------------------------------------


def warn_hours_outside_opening(request, rows: list[ArtistHours]) -> None:
    """Saved, but say so: nobody can be booked outside the clinic's opening hours.

    A warning rather than an error, because the clinic's hours change too and
    the artist's rows should not have to be edited first.
    """
    if not rows:
        return
    spans = opening_spans()
    for row in rows:
        if within_opening(row.weekday, row.starts, row.ends, spans):
            continue
        opening = spans_in_words(spans.get(row.weekday, []))
        messages.warning(
            request,
            f"{row.artist} works {row.get_weekday_display()} "
            f"{formats.clock_span(row.starts, row.ends)}, "
            f"but the clinic is open {opening or 'not at all'} that day. Clients can only be "
            "booked when the clinic is open.",
        )


class ChangesFreeTimes:
    """An admin whose saves and deletions change what the diary offers: the cached free
    times all get a new generation (scheduling.availability_cache)."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        free_times_changed(everything=True)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        free_times_changed(everything=True)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        free_times_changed(everything=True)


class ArtistListFilter(admin.RelatedFieldListFilter):
    """Only artists in the filter, not every person who can sign in."""

    def field_choices(self, field, request, model_admin):
        return field.get_choices(
            include_blank=False,
            limit_choices_to={"role": Role.ARTIST},
            ordering=("first_name", "last_name"),
        )


# --- Settings ----------------------------------------------------------------------------


@admin.register(BookingPolicy)
class BookingPolicyAdmin(ChangesFreeTimes, SingleRowAdmin):
    """One row of rules: the list goes straight to it, and it cannot be added or deleted."""

    form = BookingPolicyForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        ("Offering times", {"fields": ("slot_minutes", "staff_notice_minutes")}),
        ("Online booking", {"fields": ("online_notice_hours", "online_horizon_days")}),
        ("Clients' own changes", {"fields": ("change_notice_hours",)}),
        ("Video consultations", {"fields": ("video_meeting_url",)}),
    )


@admin.register(OpeningHours)
class OpeningHoursAdmin(ChangesFreeTimes, admin.ModelAdmin):
    form = OpeningHoursForm
    list_display = ("weekday", "opens", "closes")
    list_display_links = ("weekday", "opens")
    list_filter = ("weekday",)
    ordering = ("weekday", "opens")
    list_per_page = 100


class DiaryDatesChangeList(ChangeList):
    """The date drill-down (date_hierarchy) only within the diary's years.

    Django turns ?starts_at__year=9999 into "until year 10000" and fails with a
    server error; a year the diary does not have is refused with a message instead.
    """

    def get_filters(self, request):
        if self.date_hierarchy:
            years = self.filter_params.get(f"{self.date_hierarchy}__year") or []
            for year in years:
                if year.strip().isdigit() and not FIRST_DAY.year <= int(year) <= LAST_DAY.year:
                    messages.error(
                        request, f"The diary has no year {year.strip()}. {OUTSIDE_DIARY}"
                    )
                    raise IncorrectLookupParameters(year)
        return super().get_filters(request)


class DiaryDatesAdmin(admin.ModelAdmin):
    def get_changelist(self, request, **kwargs):
        return DiaryDatesChangeList


@admin.register(ClosedDay)
class ClosedDayAdmin(ChangesFreeTimes, DiaryDatesAdmin):
    list_display = ("date", "weekday", "reason")
    search_fields = ("reason",)
    date_hierarchy = "date"
    ordering = ("-date",)

    @admin.display(description="day")
    def weekday(self, obj):
        return formats.show(obj.date, "WEEKDAY_FORMAT")


@admin.register(Room)
class RoomAdmin(ChangesFreeTimes, admin.ModelAdmin):
    list_display = ("name", "is_active", "notes")
    list_filter = ("is_active",)
    search_fields = ("name",)
    ordering = ("name",)


@admin.register(ArtistHours)
class ArtistHoursAdmin(ChangesFreeTimes, admin.ModelAdmin):
    form = ArtistHoursForm
    list_display = ("artist", "weekday", "starts", "ends")
    list_filter = (("artist", ArtistListFilter), "weekday")
    list_select_related = ("artist",)
    ordering = ("artist__first_name", "artist__last_name", "weekday", "starts")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        warn_hours_outside_opening(request, [obj])


@admin.register(TimeOff)
class TimeOffAdmin(ChangesFreeTimes, DiaryDatesAdmin):
    form = TimeOffForm
    list_display = ("artist", "kind", "status", "starts_at", "ends_at", "note")
    list_filter = (("artist", ArtistListFilter), "kind", "status")
    list_select_related = ("artist",)
    search_fields = ("note", "artist__first_name", "artist__last_name")
    date_hierarchy = "starts_at"
    ordering = ("-starts_at",)


class AppointmentTypeTranslationInline(admin.StackedInline):
    """The service's name and description as clients in another language read them."""

    model = AppointmentTypeTranslation
    form = AppointmentTypeTranslationForm
    extra = 0
    verbose_name = "name and description in another language"
    verbose_name_plural = "names and descriptions in other languages"


@admin.register(AppointmentType)
class AppointmentTypeAdmin(ChangesFreeTimes, admin.ModelAdmin):
    form = AppointmentTypeForm
    inlines = [AppointmentTypeTranslationInline]
    list_display = (
        "name",
        "kind",
        "default_length",
        "shortest",
        "longest",
        "clean_up",
        "room",
        "video",
        "online",
        "price",
        "is_active",
    )
    list_filter = ("kind", "is_active", "online_bookable")
    search_fields = ("name", "slug")
    ordering = ("position", "name")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "description", "price")}),
        (
            "Length (minutes)",
            {"fields": ("default_minutes", "min_minutes", "max_minutes", "buffer_after_minutes")},
        ),
        ("Where and how", {"fields": ("needs_room", "is_video", "online_bookable")}),
        ("Listing", {"fields": ("is_active", "position")}),
    )

    # Short column titles keep the eleven columns on one screen.
    @admin.display(description="default min", ordering="default_minutes")
    def default_length(self, obj):
        return obj.default_minutes

    @admin.display(description="shortest", ordering="min_minutes")
    def shortest(self, obj):
        return obj.min_minutes

    @admin.display(description="longest", ordering="max_minutes")
    def longest(self, obj):
        return obj.max_minutes

    @admin.display(description="clean-up", ordering="buffer_after_minutes")
    def clean_up(self, obj):
        return obj.buffer_after_minutes

    @admin.display(description="room", boolean=True, ordering="needs_room")
    def room(self, obj):
        return obj.needs_room

    @admin.display(description="video", boolean=True, ordering="is_video")
    def video(self, obj):
        return obj.is_video

    @admin.display(description="online", boolean=True, ordering="online_bookable")
    def online(self, obj):
        return obj.online_bookable


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("artist", "created_at")
    list_select_related = ("artist",)
    readonly_fields = ("token", "created_at")
    ordering = ("artist__first_name", "artist__last_name")
    actions = ("issue_new_token",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "artist":
            kwargs["queryset"] = db_field.related_model.objects.filter(role=Role.ARTIST)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # The artist of an existing feed stays: a new feed is a new row.
        return (*self.readonly_fields, "artist") if obj else self.readonly_fields

    @admin.action(description="Issue a new link (the old one stops working)")
    def issue_new_token(self, request, queryset):
        for feed in queryset:
            feed.token = new_feed_token()
            feed.save(update_fields=["token"])
        self.message_user(request, f"{len(queryset)} calendar link(s) replaced.")


# --- The diary, read-only --------------------------------------------------------------


class AppointmentEventInline(admin.TabularInline):
    model = AppointmentEvent
    fields = (
        "at",
        "kind",
        "by",
        "detail",
        "from_starts_at",
        "to_starts_at",
        "from_status",
        "to_status",
    )
    readonly_fields = fields
    ordering = ("at", "id")
    extra = 0
    verbose_name_plural = "history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Appointment)
class AppointmentAdmin(DiaryDatesAdmin):
    """What was booked, for looking up and reporting; changes go through the diary pages."""

    list_display = ("starts_at", "minutes", "client", "type", "artist", "room", "status", "source")
    list_filter = ("status", "type", ("artist", ArtistListFilter), "source")
    list_select_related = ("client", "type", "artist", "room")
    search_fields = ("client__search_text",)
    search_help_text = "Client name, email or phone."
    date_hierarchy = "starts_at"
    ordering = ("-starts_at",)
    inlines = (AppointmentEventInline,)
    list_per_page = 100
    # Counting every appointment again on each filtered page costs a query on a
    # large diary; the filtered count is enough.
    show_full_result_count = False
    fields = (
        "client",
        "type",
        "artist",
        "room",
        "starts_at",
        "ends_at",
        "blocked_until",
        "status",
        "source",
        "booked_by",
        "meeting_link",
        "cancellation_reason",
        "outside_hours_note",
        "notes",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    @admin.display(description="minutes")
    def minutes(self, obj):
        return obj.minutes

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- On the user page of an artist (accounts.admin) ------------------------------------


class ArtistHoursInline(admin.TabularInline):
    model = ArtistHours
    form = ArtistHoursForm
    fields = ("weekday", "starts", "ends")
    ordering = ("weekday", "starts")
    extra = 0


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    form = TimeOffForm
    fields = ("kind", "starts_at", "ends_at", "note")
    ordering = ("starts_at",)
    extra = 0
    verbose_name_plural = "time off (current and upcoming; older under Time off)"

    def get_queryset(self, request):
        # Years of past holidays would bury the ones being planned.
        return super().get_queryset(request).filter(Q(ends_at__gte=timezone.now()))


ARTIST_INLINES = (ArtistHoursInline, TimeOffInline)
