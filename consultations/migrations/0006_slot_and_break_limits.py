"""The same limits on the slot length (10–240 minutes) and the break after a slot
(at most 120 minutes) for weekly hours and exceptions, held by the database.

Rows saved before the limits (an exception had none) are brought within them
first, or the constraints could not be added: a longer slot or break becomes the
longest allowed one.
"""

import django.core.validators
from django.db import migrations, models
from django.db.models import Q

SLOT_MIN, SLOT_MAX, BUFFER_MAX = 10, 240, 120


def clamp(apps, schema_editor):
    for name in ("AvailabilityRule", "AvailabilityException"):
        model = apps.get_model("consultations", name)
        model.objects.filter(slot_minutes__gt=SLOT_MAX).update(slot_minutes=SLOT_MAX)
        model.objects.filter(slot_minutes__lt=SLOT_MIN).update(slot_minutes=SLOT_MIN)
        model.objects.filter(buffer_minutes__gt=BUFFER_MAX).update(buffer_minutes=BUFFER_MAX)


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0005_client_language"),
    ]

    operations = [
        migrations.AlterField(
            model_name="availabilityexception",
            name="buffer_minutes",
            field=models.PositiveIntegerField(
                default=15,
                validators=[django.core.validators.MaxValueValidator(120)],
                verbose_name="break between slots (minutes)",
            ),
        ),
        migrations.AlterField(
            model_name="availabilityexception",
            name="slot_minutes",
            field=models.PositiveIntegerField(
                default=45,
                validators=[
                    django.core.validators.MinValueValidator(10),
                    django.core.validators.MaxValueValidator(240),
                ],
                verbose_name="slot length (minutes)",
            ),
        ),
        migrations.RunPython(clamp, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="availabilityexception",
            constraint=models.CheckConstraint(
                condition=Q(slot_minutes__gte=10, slot_minutes__lte=240),
                name="consultations_exception_slot_minutes_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="availabilityexception",
            constraint=models.CheckConstraint(
                condition=Q(buffer_minutes__lte=120),
                name="consultations_exception_buffer_minutes_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="availabilityrule",
            constraint=models.CheckConstraint(
                condition=Q(slot_minutes__gte=10, slot_minutes__lte=240),
                name="consultations_rule_slot_minutes_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="availabilityrule",
            constraint=models.CheckConstraint(
                condition=Q(buffer_minutes__lte=120),
                name="consultations_rule_buffer_minutes_range",
            ),
        ),
    ]
