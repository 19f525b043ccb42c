"""The forms of a second opinion: the manager's question, the colleague's answer."""
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from workflows.tweedemening import MAX_TEKST, Mening

from ..forms import Formulier
from ..validators import geen_bsn


class VraagFormulier(Formulier):
    aan_id = SelectField("Aan wie vraagt u een tweede mening?", coerce=int,
                         validators=[InputRequired("Kies aan wie u het vraagt.")])
    vraag = TextAreaField("Uw vraag", validators=[DataRequired("Schrijf uw vraag: waarover wilt u sparren?"),
                                                  Length(max=MAX_TEKST), geen_bsn])


class MeningFormulier(Formulier):
    mening = RadioField("Uw mening", choices=[(m.value, m.label) for m in Mening],
                        validators=[InputRequired("Kies eens of niet eens.")])
    toelichting = TextAreaField("Uitleg voor het team", validators=[
        DataRequired("Licht uw mening toe in een paar zinnen."), Length(max=MAX_TEKST), geen_bsn])
