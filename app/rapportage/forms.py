"""The report's filter (a GET form, no CSRF: it changes nothing) and management's follow-up form."""
from __future__ import annotations

from datetime import date

from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from workflows.models import Urgentie, VervolgSoort

from ..forms import Formulier
from ..validators import geen_bsn

MAX_JAREN = 25


class FilterFormulier(Formulier):
    class Meta(Formulier.Meta):
        csrf = False

    van = DateField("Van", format=["%Y-%m-%d", "%d-%m-%Y"], validators=[InputRequired("Vul de begindatum in (dd-mm-jjjj).")])
    tot = DateField("Tot en met", format=["%Y-%m-%d", "%d-%m-%Y"], validators=[InputRequired("Vul de einddatum in (dd-mm-jjjj).")])
    dienst = SelectField("Dienst", coerce=int, default=0)
    wijkteam = SelectField("Wijkteam", coerce=int, default=0)
    oorzaak = SelectField("Oorzaak", coerce=int, default=0)
    urgentie = SelectField("Urgentie", default="", choices=[("", "Alle urgenties")] + [
        (u.value, u.label) for u in (Urgentie.ACUUT, Urgentie.HOOG, Urgentie.NORMAAL)])

    def validate_tot(self, veld):
        if self.van.data and veld.data:
            if veld.data < self.van.data:
                raise ValidationError("De einddatum ligt vóór de begindatum.")
            if (veld.data - self.van.data).days > MAX_JAREN * 366:
                raise ValidationError(f"Kies een periode van hoogstens {MAX_JAREN} jaar.")

    def validate_van(self, veld):
        if veld.data and veld.data < date(2000, 1, 1):
            raise ValidationError("Kies een begindatum vanaf 1 januari 2000.")


class VervolgFormulier(Formulier):
    oorzaak_id = SelectField("Oorzaak", coerce=int, validators=[InputRequired("Kies een oorzaak."),
                                                                 NumberRange(min=1, message="Kies een oorzaak.")])
    soort = SelectField("Wat is er besloten of gedaan?", choices=[(s.value, s.label) for s in VervolgSoort],
                        validators=[InputRequired("Kies wat er is besloten of gedaan.")])
    besluit = TextAreaField("Besluit of afspraak", validators=[
        DataRequired("Beschrijf het besluit of de afspraak."), Length(max=2000, message="Gebruik hoogstens 2000 tekens."),
        geen_bsn])
    eigenaar = StringField("Eigenaar", description="Wie zorgt dat het gebeurt (functie of naam van een collega).",
                           validators=[DataRequired("Vul de eigenaar in."),
                                       Length(max=120, message="Gebruik hoogstens 120 tekens."), geen_bsn])
    datum = DateField("Datum", description="Wanneer het besloten is of klaar moet zijn.",
                      validators=[InputRequired("Vul de datum in (dd-mm-jjjj).")])
    afgerond = BooleanField("Afgerond")


class ConclusieFormulier(Formulier):
    van = DateField("Van", format=["%Y-%m-%d", "%d-%m-%Y"], validators=[InputRequired("De periode ontbreekt.")])
    tot = DateField("Tot en met", format=["%Y-%m-%d", "%d-%m-%Y"], validators=[InputRequired("De periode ontbreekt.")])
    tekst = TextAreaField("Conclusies van management", validators=[
        DataRequired("Schrijf de conclusies voor deze periode."),
        Length(max=5000, message="Gebruik hoogstens 5000 tekens."), geen_bsn])


class LeegFormulier(Formulier):
    """Only the CSRF token: for buttons that change one thing."""



