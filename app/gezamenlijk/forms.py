"""The form of a joint question: the escalation's fields, with several diensten instead of one."""
from wtforms import HiddenField, RadioField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import Formulier
from ..validators import geen_bsn
from ..wijkteam.forms import EscalatieFormulier


class Vinkjes(SelectMultipleField):
    """Several choices as checkboxes; whether the choice is right (two or more, each once) the domain says."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        pass  # an unknown or national dienst is refused by workflows.gezamenlijk, in words


class GezamenlijkFormulier(EscalatieFormulier):
    dienst_id = None  # one dienst per escalation; here several
    diensten = Vinkjes("Welke diensten vraagt u samen?", coerce=int)


class OverbruggingFormulier(Formulier):
    formulier_sleutel = HiddenField()
    dienst_id = RadioField("Welke dienst neemt de hele vraag op zich?", coerce=int,
                           validators=[InputRequired("Kies de dienst die de vraag op zich neemt.")])
    toelichting = TextAreaField(
        "Wat doet de dienst nu, en hoe wordt later verrekend?",
        validators=[DataRequired("Schrijf in een paar woorden wat de dienst nu doet en hoe de kosten later worden "
                                 "verrekend."), Length(max=2000), geen_bsn])


class VersturenFormulier(Formulier):
    formulier_sleutel = HiddenField()
