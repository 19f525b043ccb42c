from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from ..validators import geen_bsn


class DienstActieFormulier(FlaskForm):
    formulier_sleutel = HiddenField()
    actie = HiddenField(validators=[DataRequired("Kies wat u doet.")])
    toelichting = TextAreaField("Toelichting of bericht", validators=[Optional(), Length(max=10000), geen_bsn])


class DienstBerichtFormulier(FlaskForm):
    formulier_sleutel = HiddenField()
    tekst = TextAreaField("Bericht aan het wijkteam", validators=[DataRequired("Een leeg bericht wordt niet verstuurd."),
                                                                 Length(max=10000), geen_bsn])


class MijnLinkFormulier(FlaskForm):
    email = StringField("Uw e-mailadres", validators=[DataRequired("Vul uw e-mailadres in."),
                                                     Email("Vul een geldig e-mailadres in."), Length(max=254)])
