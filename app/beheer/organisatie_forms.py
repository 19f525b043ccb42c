from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from workflows.models import LadderFunctie

from ..validators import emailadres, geen_bsn


class WijkteamFormulier(FlaskForm):
    naam = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=120), geen_bsn])
    soort = SelectField("Soort", choices=[("sociaal wijkteam", "Sociaal wijkteam"), ("jeugdteam", "Jeugdteam")])
    gebied = StringField("Gebied", validators=[Optional(), Length(max=200), geen_bsn])
    actief = BooleanField("Actief", default=True)


class DienstFormulier(FlaskForm):
    naam = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=120), geen_bsn])
    mailbox = StringField("Algemene mailbox", validators=[DataRequired("Vul het algemene e-mailadres in."),
                                                         Length(max=254), emailadres])
    accepteert_knippen = BooleanField("Neemt knippen aan")
    landelijk = BooleanField("Landelijk Maatwerkloket (neemt zaken pas na de lokale ladder)")
    actief = BooleanField("Actief", default=True)


class ContactpersoonFormulier(FlaskForm):
    naam = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=120), geen_bsn])
    email = StringField("E-mailadres", validators=[DataRequired("Vul het e-mailadres in."), Length(max=254),
                                                   emailadres])
    dienst_id = SelectField("Dienst", coerce=int, validators=[InputRequired("Kies een dienst.")])
    functie = SelectField("Functie", choices=[(f.value, f.label) for f in LadderFunctie])
    actief = BooleanField("Actief", default=True)


class VasteContactpersoonFormulier(FlaskForm):
    contactpersoon_id = SelectField("Vaste contactpersoon", coerce=int)
    vervanger_id = SelectField("Vervanger", coerce=int)


class LadderFormulier(FlaskForm):
    niveau = SelectField("Trede", coerce=int, choices=[(1, "1 · Teamleider"), (2, "2 · Manager van de dienst"),
                                                       (3, "3 · Maatwerkfunctionaris")])
    contactpersoon_id = SelectField("Contactpersoon", coerce=int)


class TermijnFormulier(FlaskForm):
    urgentie = SelectField("Urgentie", choices=[("acuut", "Acuut"), ("hoog", "Hoog"), ("normaal", "Normaal"),
                                                ("knip", "Knip (uitvoeren)")])
    reactie_werkdagen = IntegerField("Reactietermijn (werkdagen)", validators=[
        InputRequired("Vul een aantal werkdagen in."), NumberRange(1, 60, "Kies 1 tot en met 60 werkdagen.")])
    oplos_werkdagen = IntegerField("Oplostermijn (werkdagen)", validators=[
        InputRequired("Vul een aantal werkdagen in."), NumberRange(1, 60, "Kies 1 tot en met 60 werkdagen.")])

    def validate_oplos_werkdagen(self, field):
        from wtforms.validators import ValidationError

        if self.reactie_werkdagen.data and field.data is not None and field.data < self.reactie_werkdagen.data:
            raise ValidationError("De oplostermijn kan niet korter zijn dan de reactietermijn.")


class AfwezigheidFormulier(FlaskForm):
    contactpersoon_id = SelectField("Contactpersoon", coerce=int, validators=[InputRequired("Kies een persoon.")])
    van = DateField("Van", validators=[InputRequired("Vul de eerste dag in.")])
    tot = DateField("Tot en met", validators=[InputRequired("Vul de laatste dag in.")])
    omschrijving = StringField("Omschrijving", validators=[Optional(), Length(max=200), geen_bsn])

    def validate_tot(self, field):
        from wtforms.validators import ValidationError

        if self.van.data and field.data and field.data < self.van.data:
            raise ValidationError("De laatste dag ligt vóór de eerste dag.")
