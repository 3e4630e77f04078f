"""The admin's side: instructors."""

from flask import Blueprint

bp = Blueprint("admin", __name__, template_folder="templates")

from . import routes  # noqa: E402,F401
