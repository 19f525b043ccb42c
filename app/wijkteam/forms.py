from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from flask_wtf.file import FileField, FileRequired

from workflows.models import UitzonderingSoort, Urgentie

from ..forms import Formulier
from ..validators import geen_bsn

URGENTIES = [(u.value, u.label) for u in (Urgentie.ACUUT, Urgentie.HOOG, Urgentie.NORMAAL)]


SCENARIO_REGELS = 3


class ScenarioRegel(Form):
    """One line of the avoided scenario: an item of the price list and how many."""

    class Meta:
        locales = ["nl"]

    prijspost_id = SelectField("Wat is voorkomen?", coerce=int, default=0, validators=[Optional()])
    aantal = IntegerField("Aantal", validators=[Optional(), NumberRange(min=1, max=10000,
                                                                        message="Een heel getal van 1 tot 10.000.")])

    def validate(self, extra_validators=None) -> bool:
        goed = super().validate(extra_validators)
        if goed and self.prijspost_id.data and self.aantal.data is None:
            self.aantal.errors = ["Vul het aantal in."]
            return False
        if goed and not self.prijspost_id.data and self.aantal.data is not None:
            self.aantal.errors = ["Kies ook wat er is voorkomen, of maak het aantal leeg."]
            return False
        return goed


class ZaakFormulier(Formulier):
    """The fields a knip and an escalatie share; knip and escalatie forms add their own."""

    formulier_sleutel = HiddenField()
    dienst_id = SelectField("Dienst", coerce=int, validators=[InputRequired("Kies een dienst."),
                                                             NumberRange(min=1, message="Kies een dienst.")])
    clientreferentie = StringField(
        "Cliëntreferentie", validators=[DataRequired("Vul de cliëntreferentie in."), Length(max=60), geen_bsn])
    gevraagd = TextAreaField("Wat is er nodig?", validators=[DataRequired("Beschrijf wat er nodig is."),
                                                            Length(max=4000), geen_bsn])
    blokkerende_regel = TextAreaField(
        "Welke regel of procedure blokkeert?",
        validators=[DataRequired("Noem in één zin de regel of procedure die blokkeert."), Length(max=1000), geen_bsn])
    urgentie = RadioField("Urgentie", choices=URGENTIES, default=Urgentie.NORMAAL.value,
                          validators=[InputRequired("Kies de urgentie.")])
    oorzaak_id = SelectField("Systeemoorzaak", coerce=int, validators=[InputRequired("Kies een oorzaak."),
                                                                      NumberRange(min=1, message="Kies een oorzaak.")])
    oorzaak_toelichting = StringField("Toelichting op de oorzaak", validators=[Optional(), Length(max=400), geen_bsn])
    geen_inkomen = BooleanField("Geen inkomen: de acute nood is het ontbreken van inkomen")
    bovenlokaal = BooleanField("Bovenlokaal: de oorzaak ligt in landelijke regels of instanties")
    scenario = FieldList(FormField(ScenarioRegel), min_entries=SCENARIO_REGELS, max_entries=SCENARIO_REGELS)


class KnipFormulier(ZaakFormulier):
    uitzondering = RadioField("Soort uitzondering", choices=[(u.value, u.label) for u in UitzonderingSoort],
                              validators=[InputRequired("Kies welke uitzondering de knip vraagt.")])
    voorgestelde_oplossing = TextAreaField("Oordeel van het team: wat moet de dienst uitvoeren?",
                                           validators=[DataRequired("Beschrijf wat de dienst moet uitvoeren."),
                                                       Length(max=4000), geen_bsn])


class EscalatieFormulier(ZaakFormulier):
    voorgestelde_oplossing = TextAreaField("Voorgestelde oplossing", validators=[Optional(), Length(max=4000), geen_bsn])
    rendement = TextAreaField("Rendement: wat kost het de samenleving als niets gebeurt?",
                              validators=[Optional(), Length(max=2000), geen_bsn])
    legitimiteit = TextAreaField("Legitimiteit: hoe past de oplossing bij wet en regels?",
                                 validators=[Optional(), Length(max=2000), geen_bsn])
    betrokkenheid = TextAreaField("Betrokkenheid: wat doet de inwoner zelf?",
                                  validators=[Optional(), Length(max=2000), geen_bsn])


class ActieFormulier(Formulier):
    formulier_sleutel = HiddenField()
    actie = HiddenField(validators=[DataRequired()])
    toelichting = TextAreaField("Toelichting", validators=[Optional(), Length(max=4000), geen_bsn])
    structureel = RadioField("Is dit knelpunt structureel?", choices=[("ja", "Ja, het komt vaker voor"),
                                                                      ("nee", "Nee, een eenmalig geval"),
                                                                      ("onbekend", "Weet ik niet")],
                             validators=[Optional()], default="onbekend")
    # Closing: how the dienst handled the case (issue 18, workflows/waardering.py); optional.
    waardering = RadioField("Hoe heeft de dienst deze zaak behandeld?",
                            choices=[("5", "5 · Uitstekend"), ("4", "4 · Goed"), ("3", "3 · Redelijk"),
                                     ("2", "2 · Matig"), ("1", "1 · Slecht")], validators=[Optional()])
    waardering_toelichting = StringField("Eén zin erbij (mag leeg)", validators=[Optional(), Length(max=500), geen_bsn])
    # Turning an adviesvraag into an escalatie (workflows/advies.py): its urgency, and a client if none was named.
    urgentie = RadioField("Urgentie van de escalatie", choices=URGENTIES, default=Urgentie.NORMAAL.value,
                          validators=[Optional()])
    clientreferentie = StringField("Cliëntreferentie", validators=[Optional(), Length(max=60), geen_bsn])


class BerichtFormulier(Formulier):
    formulier_sleutel = HiddenField()
    # While the dienst waits on the team, the conversation box is the answer box; this sends a message only.
    alleen_bericht = SubmitField("Alleen een bericht, nog geen antwoord")
    tekst = TextAreaField("Bericht", validators=[DataRequired("Een leeg bericht wordt niet verstuurd."),
                                                 Length(max=10000), geen_bsn])


class BijlageFormulier(Formulier):
    bestand = FileField("Bestand", validators=[FileRequired("Kies een bestand.")])
