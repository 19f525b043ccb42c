from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from ..validators import emailadres


class InlogFormulier(FlaskForm):
    email = EmailField("E-mailadres", validators=[DataRequired("Vul uw e-mailadres in."), emailadres],
                       render_kw={"autocomplete": "username"})
    wachtwoord = PasswordField("Wachtwoord", validators=[DataRequired("Vul uw wachtwoord in."), Length(max=200)],
                               render_kw={"autocomplete": "current-password"})
    submit = SubmitField("Inloggen")
