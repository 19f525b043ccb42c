"""Forms for the beheerder's organisation screens: teams, diensten, ladder, norms, people, routing, absences."""
from __future__ import annotations

from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from workflows.models import LadderFunctie, Urgentie

from ..forms import Formulier
from ..validators import emailadres, geen_bsn

SOORTEN_WIJKTEAM = [("sociaal wijkteam", "Sociaal wijkteam"), ("jeugdteam", "Jeugdteam")]
TREDEN = [(1, "1 · Teamleider"), (2, "2 · Manager van de dienst"), (3, "3 · Maatwerkfunctionaris")]


def _bijgesneden(tekst):
    return tekst.strip() if isinstance(tekst, str) else tekst


def _waarde(keuze):
    """Coerce an enum member or its value to the plain value the <select> uses."""
    return keuze.value if isinstance(keuze, LadderFunctie | Urgentie) else str(keuze)


def _maximaal(n: int) -> Length:
    return Length(max=n, message=f"Gebruik hoogstens {n} tekens.")


class WijkteamFormulier(Formulier):
    naam = StringField("Naam", filters=[_bijgesneden],
                       validators=[DataRequired("Vul de naam in."), _maximaal(120), geen_bsn])
    soort = SelectField("Soort", choices=SOORTEN_WIJKTEAM, validators=[InputRequired("Kies de soort team.")])
    gebied = StringField("Gebied", filters=[_bijgesneden], validators=[Optional(), _maximaal(200), geen_bsn])
    actief = BooleanField("Actief", default=True)


class DienstFormulier(Formulier):
    naam = StringField("Naam", filters=[_bijgesneden],
                       validators=[DataRequired("Vul de naam in."), _maximaal(120), geen_bsn])
    mailbox = StringField("Algemene mailbox", validators=[DataRequired("Vul het algemene e-mailadres in."),
                                                         _maximaal(254), emailadres])
    accepteert_knippen = BooleanField("Neemt knippen aan")
    landelijk = BooleanField("Landelijk Maatwerkloket (neemt zaken pas na de lokale ladder)")
    intern_zonder_authenticatie = BooleanField("Intern mailverkeer zonder SPF/DKIM")
    actief = BooleanField("Actief", default=True)


class ContactpersoonFormulier(Formulier):
    naam = StringField("Naam", filters=[_bijgesneden],
                       validators=[DataRequired("Vul de naam in."), _maximaal(120), geen_bsn])
    email = StringField("E-mailadres", validators=[DataRequired("Vul het e-mailadres in."), _maximaal(254),
                                                   emailadres])
    dienst_id = SelectField("Dienst", coerce=int, validate_choice=False,
                            validators=[InputRequired("Kies een dienst."),
                                        NumberRange(min=1, message="Kies een dienst.")])
    functie = SelectField("Functie", coerce=_waarde, choices=[(f.value, f.label) for f in LadderFunctie],
                          default=LadderFunctie.CONTACTPERSOON.value,
                          validators=[InputRequired("Kies de functie.")])
    actief = BooleanField("Actief", default=True)


class VasteContactpersoonFormulier(Formulier):
    # Choices are checked in the view, so that a person of another dienst gets a message that says so.
    contactpersoon_id = SelectField("Vaste contactpersoon", coerce=int, validate_choice=False, default=0)
    vervanger_id = SelectField("Vervanger", coerce=int, validate_choice=False, default=0)

    def validate_vervanger_id(self, field):
        if field.data and not self.contactpersoon_id.data:
            raise ValidationError("Een vervanger hoort bij een vaste contactpersoon; kies die eerst.")
        if field.data and field.data == self.contactpersoon_id.data:
            raise ValidationError("De vervanger moet iemand anders zijn dan de vaste contactpersoon.")


class LadderFormulier(Formulier):
    niveau = SelectField("Trede", coerce=int, choices=TREDEN, validators=[InputRequired("Kies een trede.")])
    contactpersoon_id = SelectField("Contactpersoon", coerce=int, validate_choice=False,
                                    validators=[InputRequired("Kies een contactpersoon."),
                                                NumberRange(min=1, message="Kies een contactpersoon.")])


class TermijnFormulier(Formulier):
    urgentie = SelectField("Urgentie", coerce=_waarde, choices=[(u.value, u.label) for u in Urgentie],
                           validators=[InputRequired("Kies een urgentie.")])
    reactie_werkdagen = IntegerField("Reactietermijn (werkdagen)", validators=[
        InputRequired("Vul een aantal werkdagen in."), NumberRange(1, 60, "Kies 1 tot en met 60 werkdagen.")])
    oplos_werkdagen = IntegerField("Oplostermijn (werkdagen)", validators=[
        InputRequired("Vul een aantal werkdagen in."), NumberRange(1, 60, "Kies 1 tot en met 60 werkdagen.")])

    def validate_oplos_werkdagen(self, field):
        reactie = self.reactie_werkdagen.data
        if reactie is not None and field.data is not None and field.data < reactie:
            raise ValidationError("De oplostermijn kan niet korter zijn dan de reactietermijn.")


class AfwezigheidFormulier(Formulier):
    contactpersoon_id = SelectField("Contactpersoon", coerce=int, validate_choice=False,
                                    validators=[InputRequired("Kies een contactpersoon."),
                                                NumberRange(min=1, message="Kies een contactpersoon.")])
    van = DateField("Eerste dag", validators=[InputRequired("Vul de eerste dag in.")])
    tot = DateField("Laatste dag (tot en met)", validators=[InputRequired("Vul de laatste dag in.")])
    omschrijving = StringField("Omschrijving", filters=[_bijgesneden],
                               validators=[Optional(), _maximaal(200), geen_bsn])

    def validate_tot(self, field):
        if self.van.data and field.data and field.data < self.van.data:
            raise ValidationError("De laatste dag ligt vóór de eerste dag.")
