from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from ..validators import geen_bsn


class DienstActieFormulier(FlaskForm):
    formulier_sleutel = HiddenField()
    actie = HiddenField(validators=[DataRequired("Kies wat u doet.")])
    toelichting = TextAreaField("Toelichting of bericht", validators=[Optional(), Length(max=10000), geen_bsn])
    # An adviesvraag's answer marked as useful for every team (Actie.ADVISEREN_DELEN instead of ADVISEREN).
    delen = BooleanField("Nuttig voor alle teams: deel vraag en advies, zonder cliëntreferentie en namen")


class DienstBerichtFormulier(FlaskForm):
    formulier_sleutel = HiddenField()
    tekst = TextAreaField("Bericht aan het wijkteam", validators=[DataRequired("Een leeg bericht wordt niet verstuurd."),
                                                                 Length(max=10000), geen_bsn])


class MijnLinkFormulier(FlaskForm):
    email = StringField("Uw e-mailadres", validators=[DataRequired("Vul uw e-mailadres in."),
                                                     Email("Vul een geldig e-mailadres in."), Length(max=254)])
