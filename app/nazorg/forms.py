"""Forms of the case page's part after the decision, and of the hand-over page."""
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from workflows.nazorg import EffectSchaal, Eindpunt, Toestemming

from ..forms import Formulier
from ..validators import geen_bsn


class EffectFormulier(Formulier):
    schaal = RadioField("Hoe is de situatie van de inwoner nu, vergeleken met vóór de oplossing?",
                        choices=[(s.value, s.label) for s in EffectSchaal],
                        validators=[InputRequired("Kies hoe de situatie nu is.")])
    eindpunt = RadioField("Eindpunt voor het team", choices=[(e.value, e.label) for e in Eindpunt],
                          validators=[InputRequired("Kies het eindpunt.")])
    effect_toelichting = StringField("In één zin: wat is er veranderd?",
                                     validators=[DataRequired("Schrijf in één zin wat er veranderd is."),
                                                 Length(max=500), geen_bsn])


class AfspraakFormulier(Formulier):
    afspraak = TextAreaField("Welke activiteiten gaat de inwoner ondernemen?",
                             validators=[DataRequired("Beschrijf de afspraak."), Length(max=1000), geen_bsn])
    uiterlijk = DateField("Uiterlijk (niet verplicht)", validators=[Optional()])


class ToestemmingFormulier(Formulier):
    # (not named "toestemming": that is the id of the section's heading, which links point to)
    toestemming_keuze = RadioField("Toestemming van de inwoner om informatie te delen",
                             choices=[(t.value, t.label) for t in Toestemming],
                             validators=[InputRequired("Kies gegeven, niet nodig of ontbreekt.")])


class EinddatumFormulier(Formulier):
    einddatum = DateField("De oplossing geldt tot en met", validators=[Optional()])


class OverdrachtFormulier(Formulier):
    naar_wijkteam_id = SelectField("Naar welk wijkteam?", coerce=int,
                                   validators=[InputRequired("Kies een wijkteam.")])
    notitie = TextAreaField("Overdrachtsnotitie voor het nieuwe team",
                            validators=[DataRequired("Schrijf een overdrachtsnotitie."), Length(max=2000), geen_bsn])


class BesluitFormulier(Formulier):
    besluit = RadioField("Neemt uw team de zaak over?",
                         choices=[("aanvaarden", "Ja, wij nemen de zaak over"),
                                  ("weigeren", "Nee, de zaak blijft bij het team dat hem overdraagt")],
                         validators=[InputRequired("Kies of uw team de zaak overneemt.")])
    reden = TextAreaField("Reden (verplicht als u weigert)", validators=[Optional(), Length(max=1000), geen_bsn])
