"""The wording every clinic starts with, one template per kind of message.

Written as a starting point for the clinic to make its own (Settings → Message
templates). Existing templates are left as the clinic wrote them; going back
removes only templates still worded exactly as shipped.
"""

from django.db import migrations

SIGN_OFF = "Warm regards,\nThe team at {clinic_name}"
QUESTIONS = "Questions? Call us on {clinic_phone}, or simply reply to this email."

DEFAULTS = {
    "booking_confirmation": {
        "subject": "Your {appointment_type} at {clinic_name}: {when}",
        "email_text": f"""Hello {{first_name}},

Thank you for booking with us. Your {{appointment_type}} is confirmed:

When: {{when}}
With: {{artist}}
Where: {{place}}

Before your consultation, please fill in your health questionnaire and consent forms (about 10 minutes): {{forms_url}}

The attached calendar file adds the appointment to your calendar. If you need to change or cancel it, use your private link (please don't share it):
{{manage_url}}

{QUESTIONS}

We look forward to seeing you.

{SIGN_OFF}""",
        "sms_text": "Hi {first_name}, your {appointment_type} at {clinic_name} is booked for "
        "{when} with {artist}.\n"
        "Forms to fill in before you come: {forms_url}\n"
        "Change or cancel: {manage_url}",
        "offsets_hours": [],
    },
    "appointment_moved": {
        "subject": "Your appointment has moved to {when}",
        "email_text": f"""Hello {{first_name}},

Your {{appointment_type}} at {{clinic_name}} has a new time:

When: {{when}}
With: {{artist}}
Where: {{place}}

(It was previously on {{previous_when}}.)

The attached calendar file updates your calendar. If the new time doesn't suit you, you can change or cancel it here:
{{manage_url}}

{QUESTIONS}

{SIGN_OFF}""",
        "sms_text": "Hi {first_name}, your {appointment_type} at {clinic_name} has moved to "
        "{when} with {artist}.\n"
        "Change or cancel: {manage_url}",
        "offsets_hours": [],
    },
    "appointment_cancelled": {
        "subject": "Your {appointment_type} on {when} is cancelled",
        "email_text": f"""Hello {{first_name}},

This is to confirm that your {{appointment_type}} with {{artist}} on {{when}} has been cancelled.
Reason: {{reason}}

We'd be glad to see you another time. You can book a free consultation online at {{book_url}}, or reply to this email and we'll find a time that suits you.

{SIGN_OFF}""",
        "sms_text": "Hi {first_name}, your {appointment_type} at {clinic_name} on {when} is "
        "cancelled. "
        "To book another time: {book_url}",
        "offsets_hours": [],
    },
    "consultation_forms": {
        "subject": "Before your consultation: your health questionnaire and consent forms",
        "email_text": f"""Hello {{first_name}},

We're looking forward to meeting you on {{when}}.

So that you and {{artist}} can spend your time together on what matters to you, please fill in your health questionnaire and consent forms before you come. It takes about 10 minutes:
{{forms_url}}

Your answers are private: only the clinic team looking after you sees them. If a question is unclear, leave it and we'll go through it together.

{SIGN_OFF}""",
        "sms_text": "Hi {first_name}, before your consultation at {clinic_name} on {when}, "
        "please fill in your "
        "health questionnaire and consent forms (about 10 minutes): {forms_url}",
        "offsets_hours": [],
    },
    "estimate": {
        "subject": "Your treatment estimate from {clinic_name}",
        "email_text": f"""Hello {{first_name}},

Thank you for coming in for your consultation with {{artist}}. As promised, here is your estimate:

Sessions: {{sessions}}
Price per session: {{price_per_session}}
Estimated total: {{estimate_total}}
Deposit to book: {{deposit}}

The number of sessions is our best estimate: every scalp heals a little differently, and we will always talk it through with you before adding anything. There is no obligation.

When you're ready to book your first session, just reply to this email.
{QUESTIONS}

{SIGN_OFF}""",
        "sms_text": "Hi {first_name}, thank you for your consultation at {clinic_name}. "
        "Your estimate: "
        "{sessions} sessions, {estimate_total} in total. Full details are in your email.",
        "offsets_hours": [],
    },
    "check_in_reply": {
        "subject": "{artist} has looked at your check-in photos",
        "email_text": f"""Hello {{first_name}},

Thank you for your check-in after session {{session_number}}. {{artist}} has looked at your photos and answers:

{{reply}}

You can see your check-in here: {{check_in_url}}

{QUESTIONS}

{SIGN_OFF}""",
        "sms_text": "Hi {first_name}, {artist} at {clinic_name} has replied to your check-in. "
        "See it here: {check_in_url}",
        "offsets_hours": [],
    },
    "appointment_reminder": {
        "subject": "Reminder: your {appointment_type} on {when}",
        "email_text": f"""Hello {{first_name}},

A friendly reminder of your {{appointment_type}} at {{clinic_name}}:

When: {{when}}
With: {{artist}}
Where: {{place}}

Please let us know you're coming: {{confirm_url}}
Before your consultation, please fill in your forms: {{forms_url}}
Need to change or cancel? {{manage_url}}

The attached calendar file keeps your calendar up to date.

{SIGN_OFF}""",
        "sms_text": "Hi {first_name}, a reminder of your {appointment_type} at {clinic_name} "
        "on {when}.\n"
        "Confirm: {confirm_url}\n"
        "Change or cancel: {manage_url}",
        "offsets_hours": [48, 24],
    },
    "gap_invite": {
        "subject": "Time to book session {next_session_number}",
        "email_text": f"""Hello {{first_name}},

We hope your scalp has settled nicely since session {{session_number}}. This is the right moment to book session {{next_session_number}} of your treatment with {{artist}}: a steady rhythm between sessions gives the most even, natural result.

Reply to this email with a few days and times that suit you, and we'll book it for you.
Or call us on {{clinic_phone}}.

{SIGN_OFF}""",
        "sms_text": "Hi {first_name}, it's time to book session {next_session_number} of your "
        "treatment with {artist}. Reply or call {clinic_name} to choose a time.",
        "offsets_hours": [168],
    },
    "fade_check_in": {
        "subject": "How is your scalp healing? A quick check-in",
        "email_text": f"""Hello {{first_name}},

It's been about ten days since session {{session_number}}. The redness will have gone and the pigment is softening: some patchy or faded areas at this stage are completely normal.

Please take a few photos in good daylight (front, top, both sides and the back) and send them with a couple of quick answers:
{{check_in_url}}

{{artist}} will look at them and plan what your next session should focus on.

{SIGN_OFF}""",
        "sms_text": "Hi {first_name}, how is your scalp healing? Please send {artist} at "
        "{clinic_name} a few photos and quick answers: {check_in_url}",
        "offsets_hours": [240],
    },
    "final_check_in": {
        "subject": "Your pigment has settled: one last check-in",
        "email_text": f"""Hello {{first_name}},

It's been about a month since your last session, so the pigment has now settled into its final shade. This is the best moment to see the result as it will stay.

Please take a few photos in good daylight (front, top, both sides and the back) and send them with a couple of quick answers:
{{check_in_url}}

{{artist}} will look at them and let you know whether anything needs a touch-up.

{SIGN_OFF}""",
        "sms_text": "Hi {first_name}, your pigment has settled. Please send {artist} at "
        "{clinic_name} a few photos for your final check-in: {check_in_url}",
        "offsets_hours": [768],
    },
    "aftercare": {
        "subject": "Your aftercare for day {day}: {aftercare_title}",
        "email_text": f"""Hello {{first_name}},

Here is your aftercare for today, day {{day}} after session {{session_number}}:

{{aftercare_title}}

{{aftercare_text}}

If anything worries you, such as swelling, heat or discharge, please contact us straight away.
{QUESTIONS}

{SIGN_OFF}""",
        "sms_text": "Hi {first_name}, your {clinic_name} aftercare for day {day}: "
        "{aftercare_title}. {aftercare_text}",
        "offsets_hours": [],
    },
    "patch_test_reading": {
        "subject": "Your patch test: please take a look today",
        "email_text": f"""Hello {{first_name}},

About two days ago we tested the pigment on your skin ({{test_site}}). Please take a look at the spot today and let us know how it looks:

- no redness, itching or swelling: wonderful, just reply "all fine";
- any redness, itching, swelling or a rash: please reply with a photo if you can, and we'll advise you before your first session.

{QUESTIONS}

{SIGN_OFF}""",
        "sms_text": "Hi {first_name}, please look at your patch test spot ({test_site}) today. "
        "Any redness, itching or swelling? Let {clinic_name} know before your first session.",
        "offsets_hours": [48],
    },
    "consultation_follow_up": {
        "subject": "Ready to start your treatment?",
        "email_text": f"""Hello {{first_name}},

Thank you again for your consultation with {{artist}}. We hope it answered your questions.

Whenever you feel ready, we'd be glad to book your first session: just reply to this email with a few days and times that suit you.

If anything is still on your mind (the process, the healing, the cost), please ask: we're happy to talk it through.
Or call us on {{clinic_phone}}.

{SIGN_OFF}""",
        "sms_text": "Hi {first_name}, thank you for your consultation with {artist}. Whenever "
        "you're ready to book your first session, just reply or call {clinic_name}.",
        "offsets_hours": [],
    },
    "touch_up_recall": {
        "subject": "Time for a touch-up?",
        "email_text": f"""Hello {{first_name}},

It's been a while since your treatment with {{artist}}. Over time, sun, skincare and the skin's own renewal gently soften the pigment: that's normal, and a short touch-up session brings back a crisp hairline and full density.

If you'd like to book one, reply to this email with a few days and times that suit you.
Or call us on {{clinic_phone}}.

{SIGN_OFF}""",
        "sms_text": "Hi {first_name}, it's been a while since your treatment. A short touch-up "
        "keeps your hairline crisp; reply or call {clinic_name} to book one.",
        "offsets_hours": [],
    },
}


def add_defaults(apps, schema_editor):
    MessageTemplate = apps.get_model("reminders", "MessageTemplate")
    for kind, wording in DEFAULTS.items():
        MessageTemplate.objects.get_or_create(kind=kind, defaults={"enabled": True, **wording})


def remove_unchanged_defaults(apps, schema_editor):
    MessageTemplate = apps.get_model("reminders", "MessageTemplate")
    for kind, wording in DEFAULTS.items():
        MessageTemplate.objects.filter(
            kind=kind,
            subject=wording["subject"],
            email_text=wording["email_text"],
            sms_text=wording["sms_text"],
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("reminders", "0002_role_permissions")]

    operations = [migrations.RunPython(add_defaults, remove_unchanged_defaults)]
