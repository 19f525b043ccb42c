"""The maatwerkbudget's forms: the request (002's three questions), a verdict, finance's upload, the settings."""
from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NoneOf, NumberRange, Optional

from ..forms import Formulier
from ..validators import emailadres, geen_bsn


class AanvraagFormulier(Formulier):
    formulier_sleutel = HiddenField()
    discipline = RadioField("Uw eigen discipline", validators=[InputRequired("Kies uw eigen discipline.")])
    bedrag = StringField("Bedrag in euro's", validators=[DataRequired("Vul het bedrag in."), Length(max=20)])
    clientreferentie = StringField("Cliëntreferentie", validators=[
        DataRequired("Vul de cliëntreferentie in."), Length(max=60), geen_bsn])
    wat_nodig = TextAreaField("Wat is er nodig? Welk probleem lost dit op?", validators=[
        DataRequired("Beschrijf wat er nodig is."), Length(max=4000), geen_bsn])
    waarom_werkt = TextAreaField("Waarom werkt dit?", validators=[
        DataRequired("Beschrijf waarom dit werkt."), Length(max=4000), geen_bsn])
    wat_doet_inwoner = TextAreaField("Wat gaat de inwoner zelf doen om dit in de toekomst te voorkomen?", validators=[
        DataRequired("Beschrijf wat de inwoner zelf gaat doen."), Length(max=4000), geen_bsn])
    crediteur_naam = StringField("Naam van de schuldeiser", validators=[
        DataRequired("Vul de naam van de schuldeiser in."), Length(max=70), geen_bsn])
    crediteur_iban = StringField("IBAN van de schuldeiser", validators=[
        DataRequired("Vul het IBAN van de schuldeiser in."), Length(max=42)])
    betalingskenmerk = StringField("Betalingskenmerk of factuurnummer van de schuldeiser", validators=[
        Optional(), Length(max=100), geen_bsn])
    prijspost_id = SelectField("Wat wordt er voorkomen?", coerce=int, default=0, validators=[Optional()])
    scenario_aantal = IntegerField("Aantal", validators=[Optional(), NumberRange(
        min=1, max=10000, message="Een heel getal van 1 tot 10.000.")])


class OordeelFormulier(Formulier):
    oordeel = RadioField("Uw oordeel", choices=[("akkoord", "Akkoord"), ("niet_akkoord", "Niet akkoord")],
                         validators=[InputRequired("Kies akkoord of niet akkoord.")])
    reden = TextAreaField("Toelichting (verplicht bij niet akkoord)", validators=[Optional(), Length(max=2000),
                                                                                   geen_bsn])


class IntrekkenFormulier(Formulier):
    reden = TextAreaField("Waarom trekt u de aanvraag in?", validators=[Optional(), Length(max=1000), geen_bsn])


class BevestigFormulier(Formulier):
    pass


class BevestigingUploadFormulier(Formulier):
    bestand = FileField("CSV met gedane betalingen", validators=[FileRequired("Kies een bestand.")])


POOL = -1  # the choice "Gemeentelijke pool" in the budget form: a budget without a wijkteam


class BudgetFormulier(Formulier):
    wijkteam_id = SelectField("Wijkteam of gemeentelijke pool", coerce=int, validators=[
        NoneOf([0], message="Kies een wijkteam of de gemeentelijke pool.")])
    jaar = IntegerField("Jaar", validators=[InputRequired("Vul het jaar in."),
                                            NumberRange(min=2000, max=2100, message="Een jaar tussen 2000 en 2100.")])
    bedrag = StringField("Budget in euro's", validators=[DataRequired("Vul het budget in."), Length(max=20)])


class InstellingFormulier(Formulier):
    disciplines = StringField("Disciplines die meebeslissen (met komma's)", validators=[
        DataRequired("Noem ten minste drie disciplines."), Length(max=200)])
    betaalwijze = RadioField("Betaalopdracht aan financiën", choices=[
        ("pain001", "SEPA-bestand (pain.001) voor de bank"), ("csv", "CSV-bestand voor het financiële systeem")],
        validators=[InputRequired("Kies hoe financiën de betaalopdracht krijgt.")])
    financien_naam = StringField("Naam contact financiën", validators=[Optional(), Length(max=120)])
    financien_email = StringField("E-mailadres financiën", validators=[Optional(), Length(max=254), emailadres])
    rekening_naam = StringField("Naam op de rekening van de gemeente", validators=[Optional(), Length(max=70)])
    rekening_iban = StringField("IBAN van de gemeente (betaalrekening)", validators=[Optional(), Length(max=42)])
    rekening_bic = StringField("BIC (niet verplicht)", validators=[Optional(), Length(max=11)])


class ProfessionalFormulier(Formulier):
    naam = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=120)])
    email = StringField("E-mailadres", validators=[DataRequired("Vul het e-mailadres in."), Length(max=254),
                                                   emailadres])
    discipline = SelectField("Discipline", validators=[DataRequired("Kies de discipline.")])
    wijkteam_id = SelectField("Wijkteam", coerce=int, default=0)
