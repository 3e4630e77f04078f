from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FloatField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from sim.scoring import CRITERION_LABELS, DEFAULT_WEIGHTS

from ..models import Difficulty


class CohortForm(FlaskForm):
    name = StringField("Cohort name", validators=[DataRequired(), Length(max=120)])
    submit = SubmitField("Create cohort")


class TraineeForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=64)])
    display_name = StringField("Full name", validators=[Optional(), Length(max=120)])
    submit = SubmitField("Add trainee")


class ImportForm(FlaskForm):
    file = FileField(
        "CSV file",
        validators=[FileRequired()],
        description="username,display_name[,password] per line; passwords are generated if empty",
    )
    submit = SubmitField("Import trainees")


class AssignmentForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=120)])
    scenario_id = SelectField("Scenario", validators=[DataRequired()])
    difficulty = SelectField(
        "Difficulty", choices=[SelectChoice(d.value) for d in Difficulty], default="medium"
    )
    duration_min = IntegerField(
        "Length (simulated minutes)",
        default=60,
        validators=[DataRequired(), NumberRange(min=10, max=24 * 60)],
    )
    speed = FloatField(
        "Speed (simulated minutes per real minute)",
        default=10.0,
        validators=[DataRequired(), NumberRange(min=1, max=120)],
    )
    start_min = IntegerField(
        "Join the storm at simulated minute",
        validators=[Optional(), NumberRange(min=0, max=7 * 24 * 60)],
        description="Leave empty to join ten minutes before the storm breaks (or at 09:00).",
    )
    seed = IntegerField(
        "Seed", default=1, validators=[Optional(), NumberRange(min=0, max=2**31 - 1)]
    )
    start_now = BooleanField("Start it now for the whole cohort (same scenario and seed)")
    submit = SubmitField("Assign")


class NoteForm(FlaskForm):
    text = StringField("Note", validators=[DataRequired(), Length(max=2000)])


class ConfirmForm(FlaskForm):
    """A button that changes something: only its CSRF token."""


class SettingsForm(FlaskForm):
    canned_replies = TextAreaField(
        "Canned replies",
        description="One per paragraph (separate them with a blank line).",
        validators=[Length(max=20_000)],
    )
    remedy_limit = FloatField(
        "Remedy limit without approval",
        validators=[InputRequired(), NumberRange(min=0, max=10_000)],
    )
    empowered = BooleanField("Trainees may offer remedies without approval")
    submit = SubmitField("Save settings")


# One weight field per rubric criterion, named after its key.
for _key, _default in DEFAULT_WEIGHTS.items():
    setattr(
        SettingsForm,
        f"w_{_key}",
        FloatField(
            f"{CRITERION_LABELS[_key]} weight",
            default=_default,
            validators=[InputRequired(), NumberRange(min=0, max=100)],
        ),
    )
