"""Team exercises: a whole desk (a lead and reps) works one live storm together."""

from flask import Blueprint

bp = Blueprint("teams", __name__, template_folder="templates")

from . import routes  # noqa: E402,F401
