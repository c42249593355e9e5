from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.access import client_editor_required, health_staff_required, staff_required
from audit.services import record_view
from reminders.selectors import client_inbound_messages, client_reminders, email_suppression_for

from .access import get_client_for_user
from .forms import ClientForm
from .record import record_context
from .selectors import client_search
from .services import client_create, client_update

PAGE_SIZE = 25


@require_safe
@staff_required
def client_list(request):
    query = request.GET.get("q", "").strip()[:100]
    paginator = Paginator(client_search(query=query), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "clients/client_list.html", {"page": page, "query": query})


@require_http_methods(["GET", "POST"])
@client_editor_required
def client_create_view(request):
    form = ClientForm(request.POST or None, submit_label=_("Create client"))
    if request.method == "POST" and form.is_valid():
        try:
            client = client_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": client.full_name})
            return redirect(client)
    return render(request, "clients/client_form.html", {"form": form, "client": None})


@require_safe
@health_staff_required
def client_detail(request, pk: int):
    client = get_client_for_user(request.user, pk)
    record_view(request, what="client record", obj=client, client=client)
    # The client's texts to the clinic are read at the desk (front desk and managers).
    texts = client_inbound_messages(client) if request.user.can_edit_clients else []
    return render(
        request,
        "clients/client_detail.html",
        {
            "client": client,
            # Appointments, plans, consultations and photos, from the apps that hold them.
            **record_context(client, now=timezone.now()),
            "reminders": client_reminders(client),
            # The client's address bounces or complained: no email goes to it.
            "email_block": email_suppression_for(client.email),
            "inbound_messages": texts,
            "texts_to_read": sum(1 for message in texts if message.unread),
        },
    )


@require_http_methods(["GET", "POST"])
@client_editor_required
def client_edit(request, pk: int):
    client = get_client_for_user(request.user, pk)
    form = ClientForm(request.POST or None, instance=client, submit_label=_("Save changes"))
    if request.method == "POST" and form.is_valid():
        texts_were_stopped = client.sms_opted_out
        try:
            client_update(client=client, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            if texts_were_stopped and not client.sms_opted_out:
                messages.info(
                    request,
                    _(
                        "Text messages go to the new number: the STOP came from the old one. "
                        "A STOP from the new number stops them again."
                    ),
                )
            return redirect(client)
    return render(request, "clients/client_form.html", {"form": form, "client": client})
