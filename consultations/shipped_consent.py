"""The product's consent forms in other languages, for the forms it ships (migration 0003).

Migration 0008 adds these to a clinic's shipped versions while their English text is still
exactly as shipped; a clinic that reworded a form writes its own translation.
"""

SPANISH = {
    "smp-treatment": {
        "title": "Consentimiento para la micropigmentación capilar",
        "body": (
            "La micropigmentación capilar (SMP) deposita pequeñas cantidades de pigmento en la "
            "capa superior de la piel del cuero cabelludo para imitar folículos capilares o "
            "dar densidad. Léalo antes de su tratamiento y pregúntenos cualquier cosa que no "
            "tenga clara.\n\n"
            "Después de cada sesión, el cuero cabelludo suele estar enrojecido y puede estar "
            "inflamado desde unas horas hasta dos días. Al principio el pigmento se ve más "
            "oscuro y se aclara durante las cuatro o cinco semanas siguientes; después de la "
            "primera sesión es normal un aspecto irregular. Se necesitan varias sesiones "
            "(normalmente de dos a cuatro) para lograr el resultado, y con los años puede "
            "hacer falta un retoque a medida que el pigmento se desvanece.\n\n"
            "Los resultados varían de una persona a otra: el tipo de piel, las cicatrices, la "
            "exposición al sol y la forma en que cicatriza la piel influyen en cómo se asienta "
            "el pigmento. Es posible, aunque poco frecuente, una reacción alérgica al pigmento; "
            "una prueba de parche reduce este riesgo, pero no lo elimina."
        ),
        "statements": [
            "He informado a la clínica sobre mi salud, mi medicación y mis alergias de forma "
            "veraz y completa, y le comunicaré cualquier cambio antes de cada sesión.",
            "Entiendo que el enrojecimiento, la inflamación y la sensibilidad son normales "
            "después de una sesión, y que es posible una reacción alérgica al pigmento.",
            "Entiendo que el pigmento puede desvanecerse o cambiar de color con los años, que "
            "los resultados varían y que pueden ser necesarias varias sesiones y retoques "
            "posteriores.",
            "Seguiré las instrucciones de cuidados que me den; no seguirlas puede afectar al "
            "resultado.",
            "Acepto que la clínica tome fotografías de mi cuero cabelludo para mi historial "
            "de tratamiento.",
            "Doy mi consentimiento para el tratamiento de micropigmentación capilar en esta "
            "clínica.",
        ],
    },
    "photographs": {
        "title": "Consentimiento para fotografías",
        "body": (
            "Tomamos fotografías de su cuero cabelludo en la consulta, antes y después de cada "
            "sesión y en las revisiones. Forman parte de su historial de tratamiento: nos "
            "ayudan a planificar cada sesión y a ver cómo cicatriza su piel.\n\n"
            "Sus fotografías se guardan de forma privada. Puede ver las que compartimos con "
            "usted en su área de cliente. Nunca las publicamos, ni en nuestra web, ni en redes "
            "sociales ni en ningún otro sitio, salvo que nos dé su autorización por escrito por "
            "separado."
        ),
        "statements": [
            "Acepto que la clínica fotografíe mi cuero cabelludo para mi historial de tratamiento.",
            "Entiendo que mis fotografías se comparten conmigo y se guardan de forma privada, "
            "y que no se publicarán sin mi autorización por escrito por separado.",
        ],
    },
}

SHIPPED = {"es": SPANISH}
