"""Forms of learning between teams."""
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import Formulier
from ..validators import geen_bsn

MAX = 2000


class VoorbeeldFormulier(Formulier):
    situatie = TextAreaField("De situatie", validators=[DataRequired("Beschrijf de situatie."), Length(max=MAX), geen_bsn])
    blokkerende_regel = TextAreaField("De regel die blokkeerde",
                                      validators=[DataRequired("Noem de regel die blokkeerde."), Length(max=MAX), geen_bsn])
    wat_werkte = TextAreaField("Wat werkte", validators=[DataRequired("Beschrijf wat werkte."), Length(max=MAX), geen_bsn])


class BeoordelingFormulier(Formulier):
    besluit = HiddenField(validators=[DataRequired()])


class VastzettenFormulier(Formulier):
    vast = HiddenField(validators=[DataRequired()])
