"""Reading the audit trail: views and changes of one client, or by one member of staff,
newest first, in pages of a fixed number of queries whatever the page holds."""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import CharField, F, QuerySet, Value
from django.utils.translation import gettext, pgettext_lazy

from accounts.models import STAFF_ROLES, User

from .models import ChangeEntry, RecordView
from .registry import FIELD_NAMES, HIDDEN_TEXT, RECORD_NAMES, VIEWED

PAGE_SIZE = 50
# Longer values (notes, answers) are cut in the trail; the full text is in the record.
VALUE_SHOWN = 300

# What happened to a record: (code for pages to tell them apart, words in the reader's
# language). Worded after the record: "consultation changed".
_ACTIONS = {
    ChangeEntry.Action.CREATE: ("created", pgettext_lazy("audit trail", "created")),
    ChangeEntry.Action.UPDATE: ("changed", pgettext_lazy("audit trail", "changed")),
    ChangeEntry.Action.DELETE: ("deleted", pgettext_lazy("audit trail", "deleted")),
    ChangeEntry.Action.ACCESS: ("opened", pgettext_lazy("audit trail", "opened")),
}
_VIEWED = ("viewed", pgettext_lazy("audit trail", "viewed"))


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class TrailRow:
    kind: str  # "view" or "change"
    at: datetime
    who: str
    who_role: str
    who_pk: int | None
    ip: str
    what: str
    action: str  # in the reader's language
    client_pk: int | None
    code: str = ""  # the action for pages to tell apart: created, changed, deleted, opened, viewed
    client_name: str = ""
    changes: list[FieldChange] = field(default_factory=list)


def _parts(views: QuerySet, changes: QuerySet, moment: str) -> QuerySet:
    """Both kinds of row as (kind, row id, time), one sorted list the database pages."""
    views = views.order_by().annotate(
        kind=Value("view", output_field=CharField()), row=F("pk"), moment=F("at")
    )
    changes = changes.order_by().annotate(
        kind=Value("change", output_field=CharField()), row=F("pk"), moment=F(moment)
    )
    return (
        views.values_list("kind", "row", "moment")
        .union(changes.values_list("kind", "row", "moment"), all=True)
        .order_by("-moment", "-row")
    )


def client_trail(client_pk: int, page_number) -> Page:
    combined = _parts(
        RecordView.objects.filter(client_id=client_pk),
        ChangeEntry.objects.filter(client_pk=client_pk),
        "timestamp",
    )
    return _page(combined, page_number, with_clients=False)


def staff_trail(user_pk: int, page_number) -> Page:
    combined = _parts(
        RecordView.objects.filter(user_id=user_pk),
        ChangeEntry.objects.filter(actor_id=user_pk),
        "timestamp",
    )
    return _page(combined, page_number, with_clients=True)


def client_has_trail(client_pk: int) -> bool:
    """For a client whose record is gone: is there anything left to show?"""
    return (
        RecordView.objects.filter(client_id=client_pk).exists()
        or ChangeEntry.objects.filter(client_pk=client_pk).exists()
    )


def staff_members() -> QuerySet:
    return User.objects.filter(role__in=STAFF_ROLES).order_by("first_name", "last_name", "pk")


def _page(combined: QuerySet, page_number, *, with_clients: bool) -> Page:
    page = Paginator(combined, PAGE_SIZE).get_page(page_number)
    keys = list(page.object_list)
    view_ids = [pk for kind, pk, _ in keys if kind == "view"]
    change_ids = [pk for kind, pk, _ in keys if kind == "change"]
    views = RecordView.objects.select_related("user").in_bulk(view_ids) if view_ids else {}
    changes = (
        ChangeEntry.objects.select_related("actor", "content_type").in_bulk(change_ids)
        if change_ids
        else {}
    )
    rows = [
        _view_row(views[pk]) if kind == "view" else _change_row(changes[pk])
        for kind, pk, _ in keys
        if pk in (views if kind == "view" else changes)
    ]
    if with_clients:
        names = client_names({row.client_pk for row in rows if row.client_pk})
        for row in rows:
            if row.client_pk:
                row.client_name = names.get(
                    row.client_pk,
                    gettext("Client #%(number)s (erased)") % {"number": row.client_pk},
                )
    page.object_list = rows
    return page


def _person(user: User | None, email: str | None) -> tuple[str, str, int | None]:
    if user is None:
        # No one signed in made it: a scheduled task or a command. An actor deleted
        # since is still named by the address auditlog kept.
        return (email or gettext("system")), "", None
    # Only staff have a trail page of their own; a client's own actions are on their
    # client's trail (the row's client link), so their name is not a link.
    pk = user.pk if user.role in STAFF_ROLES else None
    return (user.get_full_name() or user.email), user.get_role_display(), pk


def _view_row(view: RecordView) -> TrailRow:
    who, role, pk = _person(view.user, None)
    return TrailRow(
        kind="view",
        at=view.at,
        who=who,
        who_role=role,
        who_pk=pk,
        ip=view.ip or "",
        what=str(VIEWED.get(view.what, view.what)),
        action=str(_VIEWED[1]),
        code=_VIEWED[0],
        client_pk=view.client_id,
    )


def _change_row(entry: ChangeEntry) -> TrailRow:
    who, role, pk = _person(entry.actor, entry.actor_email)
    model = entry.content_type.model_class()
    if model is None:
        what = entry.content_type.model
    else:
        what = str(RECORD_NAMES.get(model._meta.label, model._meta.verbose_name))
    code, action = _ACTIONS.get(entry.action, _ACTIONS[ChangeEntry.Action.UPDATE])
    return TrailRow(
        kind="change",
        at=entry.timestamp,
        who=who,
        who_role=role,
        who_pk=pk,
        ip=entry.remote_addr or "",
        what=what,
        action=str(action),
        code=code,
        client_pk=entry.client_pk,
        changes=_field_changes(model, entry.changes_dict),
    )


def _field_changes(model, changes: dict) -> list[FieldChange]:
    """{field: [before, after]} as auditlog stores it, labelled for people."""
    shown = []
    for name, values in changes.items():
        if not isinstance(values, list | tuple) or len(values) != 2:
            continue  # many-to-many changes: none of the audited models tracks one
        if name == "id" or not _is_concrete(model, name):
            continue  # the id is the record itself; reverse relations are not its fields
        before, after = values
        shown.append(
            FieldChange(
                label=_label(model, name),
                before=_value(model, name, before),
                after=_value(model, name, after),
            )
        )
    return shown


def _is_concrete(model, name: str) -> bool:
    try:
        return model._meta.get_field(name).concrete
    except (FieldDoesNotExist, AttributeError):
        return True  # a field since removed: still show what it was


def _label(model, name: str) -> str:
    """The field's name in the reader's language (audit.registry.FIELD_NAMES)."""
    try:
        verbose = model._meta.get_field(name).verbose_name
    except (FieldDoesNotExist, AttributeError):  # a relation seen from the other side
        verbose = name.replace("_", " ")
    return str(FIELD_NAMES.get(verbose, verbose)) if isinstance(verbose, str) else str(verbose)


def _value(model, name: str, value) -> str:
    if value is None or value == "None":
        return ""
    text = str(value)
    if text == HIDDEN_TEXT:
        return gettext(HIDDEN_TEXT)
    try:
        model_field = model._meta.get_field(name)
    except (FieldDoesNotExist, AttributeError):
        model_field = None
    if getattr(model_field, "choices", None):
        text = str(dict((str(k), v) for k, v in model_field.flatchoices).get(text, text))
    elif text in ("True", "False"):
        text = gettext("yes") if text == "True" else gettext("no")
    if len(text) > VALUE_SHOWN:
        text = text[: VALUE_SHOWN - 1] + "…"
    return text


def _client_model():
    """The clients' model, through the relation every record view has: the audit trail is
    about clients, and names them, without importing the app above it."""
    return RecordView._meta.get_field("client").related_model


def client_names(pks) -> dict[int, str]:
    """{client pk: name} of the clients that still exist (one query)."""
    if not pks:
        return {}
    clients = _client_model().objects.filter(pk__in=pks).only("first_name", "last_name")
    return {client.pk: str(client) for client in clients}


def client_for_trail(pk: int):
    """The client a trail is about, or None once erased."""
    return _client_model().objects.filter(pk=pk).only("first_name", "last_name").first()


def settings_changes(page_number, per_page: int = PAGE_SIZE) -> Page:
    """Changes to the clinic's settings (audit.registry.SETTINGS_RECORDS), newest first:
    who, when, which setting, each field before and after. Three queries a page."""
    from django.contrib.contenttypes.models import ContentType

    from .registry import settings_models

    types = ContentType.objects.get_for_models(*settings_models()).values()
    entries = (
        ChangeEntry.objects.filter(content_type__in=list(types))
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )
    page = Paginator(entries, per_page).get_page(page_number)
    page.object_list = [_settings_row(entry) for entry in page.object_list]
    return page


def _settings_row(entry: ChangeEntry) -> TrailRow:
    row = _change_row(entry)
    # "Opening hours Monday 09:00–17:00": which row of a list it was.
    if entry.object_repr and entry.object_repr.lower() != row.what.lower():
        row.what = f"{row.what[:1].upper()}{row.what[1:]}: {entry.object_repr}"
    else:
        row.what = f"{row.what[:1].upper()}{row.what[1:]}"
    return row
