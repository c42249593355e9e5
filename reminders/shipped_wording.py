"""The wording the product ships in languages other than English, kind by kind.

Each text uses exactly the placeholders of its English original (reminders migrations
0003, 0005, 0006, 0007, 0011); a test holds them to it. Migration 0009 gives every clinic
these as the starting point of its own Spanish wording (0011 updates the appointment
reminder's text where the clinic has not edited it).
"""

SIGN_OFF_ES = "Un cordial saludo,\nEl equipo de {clinic_name}"
QUESTIONS_ES = "¿Preguntas? Llámenos al {clinic_phone} o simplemente responda a este correo."

SPANISH = {
    "booking_confirmation": {
        "subject": "Su {appointment_type} en {clinic_name}: {when}",
        "email_text": f"""Hola, {{first_name}}:

Gracias por reservar con nosotros. Su {{appointment_type}} está confirmada:

Cuándo: {{when}}
Con: {{artist}}
Dónde: {{place}}

Antes de su consulta, rellene su cuestionario de salud y los formularios de consentimiento (unos 10 minutos): {{forms_url}}

El archivo de calendario adjunto añade la cita a su calendario. Si necesita cambiarla o cancelarla, use su enlace privado (no lo comparta, por favor):
{{manage_url}}

{QUESTIONS_ES}

Esperamos verle pronto.

{SIGN_OFF_ES}""",
        "sms_text": "Hola, {first_name}: su {appointment_type} en {clinic_name} está reservada "
        "para el {when} con {artist}.\n"
        "Formularios para rellenar antes de venir: {forms_url}\n"
        "Cambiar o cancelar: {manage_url}",
    },
    "appointment_moved": {
        "subject": "Su cita se ha cambiado al {when}",
        "email_text": f"""Hola, {{first_name}}:

Su {{appointment_type}} en {{clinic_name}} tiene una nueva hora:

Cuándo: {{when}}
Con: {{artist}}
Dónde: {{place}}

(Antes era el {{previous_when}}.)

El archivo de calendario adjunto actualiza su calendario. Si la nueva hora no le viene bien, puede cambiarla o cancelarla aquí:
{{manage_url}}

{QUESTIONS_ES}

{SIGN_OFF_ES}""",
        "sms_text": "Hola, {first_name}: su {appointment_type} en {clinic_name} se ha cambiado "
        "al {when} con {artist}.\n"
        "Cambiar o cancelar: {manage_url}",
    },
    "appointment_cancelled": {
        "subject": "Su {appointment_type} del {when} está cancelada",
        "email_text": f"""Hola, {{first_name}}:

Le confirmamos que su {{appointment_type}} con {{artist}} del {{when}} se ha cancelado.
Motivo: {{reason}}

Nos encantará verle en otra ocasión. Puede reservar una consulta gratuita en línea en {{book_url}}, o responder a este correo y buscaremos una hora que le venga bien.

{SIGN_OFF_ES}""",
        "sms_text": "Hola, {first_name}: su {appointment_type} en {clinic_name} del {when} "
        "está cancelada. Para reservar otra hora: {book_url}",
    },
    "consultation_forms": {
        "subject": "Antes de su consulta: su cuestionario de salud y los consentimientos",
        "email_text": f"""Hola, {{first_name}}:

Tenemos muchas ganas de conocerle el {{when}}.

Para que usted y {{artist}} puedan dedicar el tiempo a lo que de verdad le importa, rellene su cuestionario de salud y los formularios de consentimiento antes de venir. Se tarda unos 10 minutos:
{{forms_url}}

Sus respuestas son privadas: solo las ve el equipo de la clínica que le atiende. Si alguna pregunta no está clara, déjela y la repasaremos juntos.

{SIGN_OFF_ES}""",
        "sms_text": "Hola, {first_name}: antes de su consulta en {clinic_name} el {when}, "
        "rellene su cuestionario de salud y los consentimientos (unos 10 minutos): {forms_url}",
    },
    "estimate": {
        "subject": "Su presupuesto de tratamiento de {clinic_name}",
        "email_text": f"""Hola, {{first_name}}:

Gracias por venir a su consulta con {{artist}}. Como le prometimos, aquí tiene su presupuesto:

Sesiones: {{sessions}}
Precio por sesión: {{price_per_session}}
Total estimado: {{estimate_total}}
Depósito para reservar: {{deposit}}

El número de sesiones es nuestra mejor estimación: cada cuero cabelludo cicatriza de forma un poco distinta, y siempre lo hablaremos con usted antes de añadir nada. No hay ningún compromiso.

Cuando quiera reservar su primera sesión, simplemente responda a este correo.
{QUESTIONS_ES}

{SIGN_OFF_ES}""",
        "sms_text": "Hola, {first_name}: gracias por su consulta en {clinic_name}. Su "
        "presupuesto: {sessions} sesiones, {estimate_total} en total. Tiene todos los detalles "
        "en su correo.",
    },
    "check_in_reply": {
        "subject": "{artist} ha revisado las fotos de su revisión",
        "email_text": f"""Hola, {{first_name}}:

Gracias por su revisión después de la sesión {{session_number}}. {{artist}} ha revisado sus fotos y respuestas:

{{reply}}

Puede ver su revisión aquí: {{check_in_url}}

{QUESTIONS_ES}

{SIGN_OFF_ES}""",
        "sms_text": "Hola, {first_name}: {artist} de {clinic_name} ha respondido a su "
        "revisión. Véala aquí: {check_in_url}",
    },
    "appointment_reminder": {
        "subject": "Recordatorio: su {appointment_type} el {when}",
        "email_text": f"""Hola, {{first_name}}:

Le recordamos su {{appointment_type}} en {{clinic_name}}:

Cuándo: {{when}}
Con: {{artist}}
Dónde: {{place}}

Confírmenos que viene: {{confirm_url}}
Antes de su consulta, rellene sus formularios: {{forms_url}}
¿Necesita cambiarla o cancelarla? {{manage_url}}

El archivo de calendario adjunto mantiene su calendario al día.

{SIGN_OFF_ES}""",
        "sms_text": "Hola, {first_name}: le recordamos su {appointment_type} en {clinic_name} "
        "el {when}.\n"
        "Responda C para confirmar, o confirme aquí: {confirm_url}\n"
        "Cambiar o cancelar: {manage_url}",
    },
    "gap_invite": {
        "subject": "Es el momento de reservar la sesión {next_session_number}",
        "email_text": f"""Hola, {{first_name}}:

Esperamos que su cuero cabelludo se haya asentado bien desde la sesión {{session_number}}. Es el momento adecuado para reservar la sesión {{next_session_number}} de su tratamiento con {{artist}}: un ritmo constante entre sesiones da el resultado más uniforme y natural.

Responda a este correo con algunos días y horas que le vengan bien y se la reservaremos.
O llámenos al {{clinic_phone}}.

{SIGN_OFF_ES}""",
        "sms_text": "Hola, {first_name}: es el momento de reservar la sesión "
        "{next_session_number} de su tratamiento con {artist}. Responda o llame a "
        "{clinic_name} para elegir una hora.",
    },
    "fade_check_in": {
        "subject": "¿Cómo está cicatrizando su cuero cabelludo? Una revisión rápida",
        "email_text": f"""Hola, {{first_name}}:

Han pasado unos diez días desde la sesión {{session_number}}. El enrojecimiento habrá desaparecido y el pigmento se está suavizando: en esta fase es completamente normal ver zonas irregulares o más claras.

Haga unas fotos con buena luz natural (de frente, desde arriba, ambos lados y la nuca) y envíelas con un par de respuestas rápidas:
{{check_in_url}}

{{artist}} las revisará y planificará en qué debe centrarse su próxima sesión.

{SIGN_OFF_ES}""",
        "sms_text": "Hola, {first_name}: ¿cómo está cicatrizando su cuero cabelludo? Envíe a "
        "{artist} de {clinic_name} unas fotos y respuestas rápidas: {check_in_url}",
    },
    "final_check_in": {
        "subject": "Su pigmento se ha asentado: una última revisión",
        "email_text": f"""Hola, {{first_name}}:

Ha pasado aproximadamente un mes desde su última sesión, así que el pigmento ya se ha asentado en su tono definitivo. Es el mejor momento para ver el resultado tal como quedará.

Haga unas fotos con buena luz natural (de frente, desde arriba, ambos lados y la nuca) y envíelas con un par de respuestas rápidas:
{{check_in_url}}

{{artist}} las revisará y le dirá si hace falta algún retoque.

{SIGN_OFF_ES}""",
        "sms_text": "Hola, {first_name}: su pigmento se ha asentado. Envíe a {artist} de "
        "{clinic_name} unas fotos para su revisión final: {check_in_url}",
    },
    "aftercare": {
        "subject": "Sus cuidados del día {day}: {aftercare_title}",
        "email_text": f"""Hola, {{first_name}}:

Estos son sus cuidados de hoy, día {{day}} después de la sesión {{session_number}}:

{{aftercare_title}}

{{aftercare_text}}

Si algo le preocupa, como hinchazón, calor o supuración, póngase en contacto con nosotros enseguida.
{QUESTIONS_ES}

{SIGN_OFF_ES}""",
        "sms_text": "Hola, {first_name}: sus cuidados de {clinic_name} para el día {day}: "
        "{aftercare_title}. {aftercare_text}",
    },
    "patch_test_reading": {
        "subject": "Su prueba de parche: revísela hoy, por favor",
        "email_text": f"""Hola, {{first_name}}:

Hace unos dos días probamos el pigmento en su piel ({{test_site}}). Mire hoy la zona y díganos cómo está:

- sin enrojecimiento, picor ni hinchazón: estupendo, responda simplemente «todo bien»;
- con enrojecimiento, picor, hinchazón o sarpullido: responda con una foto si puede y le aconsejaremos antes de su primera sesión.

{QUESTIONS_ES}

{SIGN_OFF_ES}""",
        "sms_text": "Hola, {first_name}: mire hoy la zona de su prueba de parche ({test_site}). "
        "¿Enrojecimiento, picor o hinchazón? Avise a {clinic_name} antes de su primera sesión.",
    },
    "consultation_follow_up": {
        "subject": "¿Preparado para empezar su tratamiento?",
        "email_text": f"""Hola, {{first_name}}:

Gracias de nuevo por su consulta con {{artist}}. Esperamos que respondiera a sus preguntas.

Cuando se sienta preparado, estaremos encantados de reservar su primera sesión: simplemente responda a este correo con algunos días y horas que le vengan bien.

Si aún le preocupa algo (el proceso, la cicatrización, el coste), pregúntenos: lo hablamos con mucho gusto.
O llámenos al {{clinic_phone}}.

{SIGN_OFF_ES}""",
        "sms_text": "Hola, {first_name}: gracias por su consulta con {artist}. Cuando quiera "
        "reservar su primera sesión, responda o llame a {clinic_name}.",
    },
    "touch_up_recall": {
        "subject": "¿Es hora de un retoque?",
        "email_text": f"""Hola, {{first_name}}:

Ha pasado un tiempo desde su tratamiento con {{artist}}. Con los años, el sol, los productos para la piel y la propia renovación de la piel suavizan el pigmento: es normal, y una breve sesión de retoque devuelve una línea del cabello nítida y toda la densidad.

Si quiere reservar uno, responda a este correo con algunos días y horas que le vengan bien.
O llámenos al {{clinic_phone}}.

{SIGN_OFF_ES}""",
        "sms_text": "Hola, {first_name}: ha pasado un tiempo desde su tratamiento. Un breve "
        "retoque mantiene nítida su línea del cabello; responda o llame a {clinic_name} para "
        "reservarlo.",
    },
    "receipt": {
        "subject": "{receipt_number} de {clinic_name}: {amount}",
        "email_text": f"""Hola, {{first_name}}:

Gracias. Este es su recibo por {{amount}}: {{paid_for}}.

El recibo va adjunto en PDF ({{receipt_number}}). Todos sus pagos y recibos están también en su cuenta: {{payments_url}}

{QUESTIONS_ES}

{SIGN_OFF_ES}""",
        "sms_text": "Hola, {first_name}: gracias, {clinic_name} ha recibido {amount} "
        "({receipt_number}). Sus recibos: {payments_url}",
    },
    "deposit_due": {
        "subject": "Pague su depósito para mantener su {appointment_type}",
        "email_text": f"""Hola, {{first_name}}:

Gracias por reservar su {{appointment_type}} el {{when}}.

Le guardamos la hora hasta el {{pay_by}}: pague su depósito de {{amount}} antes de esa fecha o la hora quedará libre para otra persona. Se tarda un minuto, con tarjeta:
{{pay_url}}

El depósito se descuenta del precio de su tratamiento. {QUESTIONS_ES}

{SIGN_OFF_ES}""",
        "sms_text": "Hola, {first_name}: pague su depósito de {amount} antes del {pay_by} para "
        "mantener su {appointment_type} en {clinic_name}: {pay_url}",
    },
    "waitlist_offer": {
        "subject": "Una hora antes para su {appointment_type}: {when}",
        "email_text": f"""Hola, {{first_name}}:

Buenas noticias: ha quedado libre una hora para su {{appointment_type}} con {{artist}}, el {{when}}.

Si la quiere, resérvela aquí antes del {{claim_by}}:
{{claim_url}}

Ofrecemos cada hora que queda libre a varios clientes de nuestra lista de espera a la vez, así que es para quien la reserve primero. Si ya no está disponible cuando haga clic, seguirá en la lista de espera para la próxima.

{SIGN_OFF_ES}""",
        "sms_text": "Hola, {first_name}: ha quedado libre una hora para su {appointment_type} "
        "en {clinic_name}: el {when}. Es para quien la reserve primero (hasta el {claim_by}): "
        "{claim_url}",
    },
}

SHIPPED = {"es": SPANISH}
