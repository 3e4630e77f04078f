"""Who may see what: a trainee their own exercises, an instructor their cohorts, an admin all."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from .extensions import db
from .models import Cohort, Exercise, Role, User


def may_view_trainee(trainee: User) -> bool:
    if current_user.role == Role.ADMIN:
        return True
    if current_user.role == Role.INSTRUCTOR:
        return trainee.cohort is not None and trainee.cohort.instructor_id == current_user.id
    return trainee.id == current_user.id


def exercise_for_viewer(exercise_id: int) -> Exercise:
    """The exercise if the signed-in user may see it, else 404 (its existence is not revealed)."""
    ex = db.session.get(Exercise, exercise_id)
    if ex is None or not may_view_trainee(ex.trainee):
        abort(404)
    return ex


def exercise_for_trainee(exercise_id: int) -> Exercise:
    """The exercise if it is the signed-in trainee's own (only they play it)."""
    ex = db.session.get(Exercise, exercise_id)
    if ex is None or ex.trainee_id != current_user.id:
        abort(404)
    return ex


def cohort_for_instructor(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    if current_user.role != Role.ADMIN and cohort.instructor_id != current_user.id:
        abort(404)
    return cohort


def trainee_for_instructor(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.TRAINEE or not may_view_trainee(user):
        abort(404)
    return user
