"""The trainee's side: assigned exercises, the live inbox, replies, the debrief."""

from flask import Blueprint

bp = Blueprint("exercises", __name__, template_folder="templates")

from . import routes  # noqa: E402,F401
