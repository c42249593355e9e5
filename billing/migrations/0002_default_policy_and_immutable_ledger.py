"""The cancellation policy every clinic starts with (version 1, the clinic's to change),
and a trigger that refuses any change to a ledger row: a correction is a new row.

The one change allowed is the database's own: a treatment plan erased after the
retention period unlinks its money rows (plan set to NULL), which stay."""

from django.db import migrations

POLICY = """We hold your appointment with a deposit, which is taken off the price of your treatment.

- Need to move or cancel? Tell us at least 48 hours before your appointment and your deposit moves with your new time, or stays on your account as credit.
- If you cancel with less notice, or miss your appointment without telling us, the deposit is kept: the time was held for you and cannot usually be offered to anyone else.
- If you book online, please pay the deposit within 24 hours: an unpaid booking is released so that someone else can have the time.

We understand that emergencies happen: call us and we will always listen."""


def add_policy(apps, schema_editor):
    CancellationPolicy = apps.get_model("billing", "CancellationPolicy")
    if not CancellationPolicy.objects.exists():
        CancellationPolicy.objects.create(version=1, text=POLICY)


def remove_policy(apps, schema_editor):
    CancellationPolicy = apps.get_model("billing", "CancellationPolicy")
    CancellationPolicy.objects.filter(version=1, text=POLICY).delete()


TRIGGERS = {
    "postgresql": (
        """
        CREATE FUNCTION billing_ledger_immutable() RETURNS trigger AS $$
        BEGIN
            IF NEW.plan_id IS NULL AND OLD.plan_id IS NOT NULL
               AND (to_jsonb(NEW) - 'plan_id') = (to_jsonb(OLD) - 'plan_id') THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'ledger rows are never changed: record a correction instead';
        END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER billing_ledger_no_update BEFORE UPDATE ON billing_ledgerentry
            FOR EACH ROW EXECUTE FUNCTION billing_ledger_immutable();
        """,
        """
        DROP TRIGGER IF EXISTS billing_ledger_no_update ON billing_ledgerentry;
        DROP FUNCTION IF EXISTS billing_ledger_immutable();
        """,
    ),
    "sqlite": (
        """
        CREATE TRIGGER billing_ledger_no_update BEFORE UPDATE ON billing_ledgerentry
        WHEN NOT (NEW.plan_id IS NULL AND OLD.plan_id IS NOT NULL
                  AND NEW.id IS OLD.id AND NEW.client_id IS OLD.client_id
                  AND NEW.appointment_id IS OLD.appointment_id AND NEW.kind IS OLD.kind
                  AND NEW.amount IS OLD.amount AND NEW.currency IS OLD.currency
                  AND NEW.method IS OLD.method AND NEW.description IS OLD.description
                  AND NEW.at IS OLD.at AND NEW.by_id IS OLD.by_id
                  AND NEW.artist_id IS OLD.artist_id AND NEW.approved_by_id IS OLD.approved_by_id
                  AND NEW.reverses_id IS OLD.reverses_id AND NEW.key IS OLD.key
                  AND NEW.receipt_number IS OLD.receipt_number)
        BEGIN
            SELECT RAISE(ABORT, 'ledger rows are never changed: record a correction instead');
        END;
        """,
        "DROP TRIGGER IF EXISTS billing_ledger_no_update;",
    ),
}


def add_trigger(apps, schema_editor):
    sql = TRIGGERS.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql[0])


def remove_trigger(apps, schema_editor):
    sql = TRIGGERS.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql[1])


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [
        migrations.RunPython(add_policy, remove_policy),
        migrations.RunPython(add_trigger, remove_trigger),
    ]
