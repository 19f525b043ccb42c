from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from ..validators import emailadres


class InlogFormulier(FlaskForm):
    email = EmailField("E-mailadres", validators=[DataRequired("Vul uw e-mailadres in."), emailadres],
                       render_kw={"autocomplete": "username"})
    wachtwoord = PasswordField("Wachtwoord", validators=[DataRequired("Vul uw wachtwoord in."), Length(max=200)],
                               render_kw={"autocomplete": "current-password"})
    submit = SubmitField("Inloggen")


class CodeFormulier(FlaskForm):
    code = StringField("Code", validators=[DataRequired("Vul de code in."), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off",
                                  "spellcheck": "false"})
    submit = SubmitField("Controleren")


class WachtwoordKiezenFormulier(FlaskForm):
    nieuw = PasswordField("Nieuw wachtwoord", validators=[DataRequired("Kies een wachtwoord."), Length(max=200)],
                          render_kw={"autocomplete": "new-password"})
    herhaal = PasswordField("Herhaal het nieuwe wachtwoord",
                            validators=[DataRequired("Herhaal het wachtwoord."),
                                        EqualTo("nieuw", "De twee wachtwoorden zijn niet gelijk.")],
                            render_kw={"autocomplete": "new-password"})


class WachtwoordWijzigenFormulier(WachtwoordKiezenFormulier):
    huidig = PasswordField("Huidig wachtwoord", validators=[DataRequired("Vul uw huidige wachtwoord in."),
                                                             Length(max=200)],
                           render_kw={"autocomplete": "current-password"})


class VergetenFormulier(FlaskForm):
    email = EmailField("E-mailadres", validators=[DataRequired("Vul uw e-mailadres in."), emailadres],
                       render_kw={"autocomplete": "username"})
