"""Jurors saving at the same moment: two jurors both save; one juror saving twice at
once keeps one score per criterion; a conflict and a score at once never leave a
score of a conflicted nomination."""

import pytest
from django.core.exceptions import ValidationError

from awards.models import Conflict, Score
from awards.services import jury as services
from tests.awards.test_jury import juror_on, nomination
from tests.concurrency import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("threads_share_a_database"),
]

THREADS = 6


def expected_only(outcomes):
    unexpected = [e for _r, e in outcomes if e and not isinstance(e, ValidationError)]
    assert unexpected == []


def test_two_jurors_saving_at_once_both_succeed(world):
    target = nomination(world.jury_edition, world.jury_category)
    other = juror_on(world.jury_edition)
    criterion = world.jury_criterion
    outcomes = run_together(
        [
            lambda: services.scores_save(
                juror=world.jury_juror, nomination=target, values={criterion.pk: 5}
            ),
            lambda: services.scores_save(juror=other, nomination=target, values={criterion.pk: 2}),
        ]
    )
    assert [error for _result, error in outcomes] == [None, None]
    assert dict(Score.objects.filter(nomination=target).values_list("juror_id", "value")) == {
        world.jury_juror.pk: 5,
        other.pk: 2,
    }


def test_one_juror_saving_many_times_at_once_keeps_one_score_per_criterion(world):
    target = nomination(world.jury_edition, world.jury_category)
    criterion = world.jury_criterion
    outcomes = run_together(
        [
            (
                lambda value=value: services.scores_save(
                    juror=world.jury_juror, nomination=target, values={criterion.pk: value}
                )
            )
            for value in range(THREADS)
        ]
    )
    expected_only(outcomes)
    assert [error for _result, error in outcomes] == [None] * THREADS
    scores = list(Score.objects.filter(nomination=target, juror=world.jury_juror))
    assert len(scores) == 1 and 0 <= scores[0].value < THREADS


def test_a_conflict_and_a_score_at_once_leave_no_score_of_the_conflicted_nomination(world):
    target = nomination(world.jury_edition, world.jury_category)
    criterion = world.jury_criterion
    outcomes = run_together(
        [
            lambda: services.scores_save(
                juror=world.jury_juror, nomination=target, values={criterion.pk: 3}
            ),
            lambda: services.conflict_declare(juror=world.jury_juror, nomination=target),
        ]
    )
    expected_only(outcomes)
    assert Conflict.objects.filter(juror=world.jury_juror, nomination=target).exists()
    assert not Score.objects.filter(juror=world.jury_juror, nomination=target).exists()
