"""The unit's four-eyes rule for decisions (OfficeRules), and the intake named in words.

History lines (metryka) written by the intake named it by its internal name
(``intake:zoning-extract``); they now say "System — wniosek elektroniczny",
as new lines do (documents.audit_labels). The metryka is kept in Polish, the
office's language, so the Polish words are written. The audit log itself is
append-only and keeps its names; its page shows them in words.
"""

import django.db.models.deletion
from django.db import migrations, models

INTAKE_WORDS = "System — wniosek elektroniczny"


def name_the_intake(apps, schema_editor):  # type: ignore[no-untyped-def]
    CaseEvent = apps.get_model("documents", "CaseEvent")
    CaseEvent.objects.filter(actor_name__startswith="intake:").update(actor_name=INTAKE_WORDS)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0005_distribution_list"),
        ("tenancy", "0002_unit_validators"),
    ]

    operations = [
        migrations.CreateModel(
            name="OfficeRules",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "four_eyes_decisions",
                    models.BooleanField(
                        default=False,
                        help_text=(
                            "The author of a decision or ruling cannot approve it; "
                            "its approval path must name another official."
                        ),
                        verbose_name="decisions are approved by someone other than their author",
                    ),
                ),
                (
                    "unit",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="tenancy.unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "EZD rules of the office",
                "verbose_name_plural": "EZD rules of the office",
            },
        ),
        migrations.RunPython(name_the_intake, migrations.RunPython.noop),
    ]
