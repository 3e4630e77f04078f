"""The instructor's side: cohorts, trainees, assignments, results, transcripts, settings."""

from flask import Blueprint

bp = Blueprint("instructor", __name__, template_folder="templates")

from . import routes  # noqa: E402,F401
