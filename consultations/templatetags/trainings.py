"""Template tags for showing the upcoming trainings on other pages (home).

    {% load trainings %}
    {% upcoming_trainings 3 as trainings %}
    {% include "consultations/_upcoming_trainings.html" with trainings=trainings %}

The tag runs two queries (the trainings with their seats, and their sessions
with the rooms) and returns a list.
"""

from django import template
from django.utils import timezone

from consultations.services import trainings as training_services

register = template.Library()

MAX_TRAININGS = 20


def _count(value, default):
    try:
        count = int(value)
    except (TypeError, ValueError):
        return default
    return max(0, min(count, MAX_TRAININGS))


@register.simple_tag
def upcoming_trainings(count=3):
    """The next `count` published trainings that are not over, the soonest first,
    each with `seats_left`."""
    count = _count(count, 3)
    if not count:
        return []
    now = timezone.now()
    trainings = list(training_services.upcoming_trainings(now=now)[:count])
    for training in trainings:
        training.seats_left = max(0, training.capacity - training.registered_count)
        training.is_full = training.seats_left == 0
    return trainings
