"""The beheerder's screens through HTTP: organisation, routing, absences, quotas, closing days, causes, users."""
from datetime import date, timedelta

from sqlalchemy import select

from tests.conftest import NU
from workflows.models import (
    Afwezigheid,
    Contactpersoon,
    Dienst,
    Gebruiker,
    LadderTrede,
    Oorzaak,
    Rol,
    Sluitingsdag,
    Termijnnorm,
    VasteContactpersoon,
    Wijkteam,
    Zaak,
    ZaakSoort,
)
from workflows.zaken import Actor, nieuwe_zaak, uitvoeren

PAGINAS = ["/beheer/", "/beheer/wijkteams", "/beheer/wijkteams/nieuw", "/beheer/diensten", "/beheer/diensten/nieuw",
           "/beheer/contactpersonen", "/beheer/contactpersonen/nieuw", "/beheer/vaste-contactpersonen",
           "/beheer/afwezigheden", "/beheer/quota", "/beheer/sluitingsdagen", "/beheer/oorzaken",
           "/beheer/oorzaken/nieuw", "/beheer/gebruikers", "/beheer/gebruikers/nieuw", "/beheer/mail",
           "/beheer/quarantaine"]


def test_every_beheer_page_renders_for_the_beheerder(client, inlog, wereld):
    inlog.als("beheer@test.local")
    for pad in PAGINAS + [f"/beheer/diensten/{wereld.wi.id}", f"/beheer/wijkteams/{wereld.team.id}",
                          f"/beheer/contactpersonen/{wereld.cp_wi.id}",
                          f"/beheer/vaste-contactpersonen/{wereld.team.id}/{wereld.wi.id}"]:
        r = client.get(pad)
        assert r.status_code == 200, pad
        assert "<h1>" in r.get_data(as_text=True), pad


def test_no_other_role_reaches_beheer(client, inlog, wereld):
    for email in ("manager@test.local", "medewerker@test.local", "mt@test.local"):
        inlog.als(email)
        assert all(client.get(p).status_code == 403 for p in PAGINAS), email
    client.post("/logout")
    assert client.get("/beheer/wijkteams").status_code == 302


def test_a_wijkteam_is_created_and_a_duplicate_name_is_refused(client, inlog, wereld, db_session):
    inlog.als("beheer@test.local")
    assert client.post("/beheer/wijkteams/nieuw", data={"naam": "Zuidwijk", "soort": "jeugdteam",
                                                        "actief": "y"}).status_code == 302
    assert "Zuidwijk" in client.get("/beheer/wijkteams").get_data(as_text=True)
    r = client.post("/beheer/wijkteams/nieuw", data={"naam": "Feyenoord", "soort": "sociaal wijkteam"})
    assert r.status_code == 422 and "Er is al een wijkteam met deze naam." in r.get_data(as_text=True)
    r = client.post("/beheer/wijkteams/nieuw", data={"naam": "", "soort": "sociaal wijkteam"})
    assert r.status_code == 422 and "Vul de naam in." in r.get_data(as_text=True)
    assert db_session.execute(select(Wijkteam)).scalars().all().__len__() == 3


def test_a_contactpersoon_with_an_address_in_use_or_a_bad_address_is_refused(client, inlog, wereld, db_session):
    inlog.als("beheer@test.local")
    basis = {"naam": "Nieuw", "dienst_id": str(wereld.wi.id), "functie": "contactpersoon", "actief": "y"}
    r = client.post("/beheer/contactpersonen/nieuw", data={**basis, "email": "WI@test.local"})
    assert r.status_code == 422 and "hoort al bij een andere contactpersoon" in r.get_data(as_text=True)
    r = client.post("/beheer/contactpersonen/nieuw", data={**basis, "email": "geen-adres"})
    assert r.status_code == 422 and "Dit is geen geldig e-mailadres." in r.get_data(as_text=True)
    assert client.post("/beheer/contactpersonen/nieuw", data={**basis, "email": "nieuw@test.local"}).status_code == 302
    assert db_session.execute(select(Contactpersoon).where(Contactpersoon.email == "nieuw@test.local")).scalar_one()


def test_the_vervanger_must_be_someone_else_of_the_same_dienst(client, inlog, wereld, db_session):
    inlog.als("beheer@test.local")
    pad = f"/beheer/vaste-contactpersonen/{wereld.team.id}/{wereld.wi.id}"
    r = client.post(pad, data={"contactpersoon_id": wereld.cp_wi.id, "vervanger_id": wereld.cp_wi.id})
    assert r.status_code == 422 and "iemand anders" in r.get_data(as_text=True)
    r = client.post(pad, data={"contactpersoon_id": wereld.cp_wi.id, "vervanger_id": wereld.cp_wmo.id})
    assert r.status_code == 422  # a person of another dienst is not a valid choice
    r = client.post(pad, data={"contactpersoon_id": wereld.cp_wi_vervanger.id, "vervanger_id": wereld.cp_wi.id})
    assert r.status_code == 302
    vast = db_session.execute(select(VasteContactpersoon).where(VasteContactpersoon.dienst_id == wereld.wi.id,
                                                                VasteContactpersoon.wijkteam_id == wereld.team.id)
                              ).scalar_one()
    assert (vast.contactpersoon_id, vast.vervanger_id) == (wereld.cp_wi_vervanger.id, wereld.cp_wi.id)


def test_putting_the_vaste_contactpersoon_on_holiday_sends_the_next_case_to_the_vervanger(client, inlog, wereld,
                                                                                         db_session):
    from tests.integration.test_wijkteam import _knip_formulier

    inlog.als("beheer@test.local")
    vandaag = date.today()
    r = client.post("/beheer/afwezigheden", data={"contactpersoon_id": wereld.cp_wi.id,
                                                  "van": (vandaag - timedelta(days=1)).isoformat(),
                                                  "tot": (vandaag + timedelta(days=14)).isoformat(),
                                                  "omschrijving": "Zomervakantie"})
    assert r.status_code == 302
    pagina = client.get("/beheer/afwezigheden").get_data(as_text=True)
    assert "Sanne Vos" in pagina and "vervanger Ahmed Bakker" in pagina
    inlog.als("manager@test.local")
    r = client.post("/knippen/nieuw", data=_knip_formulier(wereld))
    zaak = db_session.execute(select(Zaak)).scalar_one()
    assert zaak.ontvanger_email == "wi.vervanger@test.local"
    assert "afwezig" in zaak.routering_reden
    assert "vervanger Ahmed Bakker" in client.get(f"/zaken/{zaak.id}").get_data(as_text=True)


def test_an_absence_ending_before_it_starts_is_refused(client, inlog, wereld, db_session):
    inlog.als("beheer@test.local")
    r = client.post("/beheer/afwezigheden", data={"contactpersoon_id": wereld.cp_wi.id, "van": "2026-08-10",
                                                  "tot": "2026-08-01"})
    assert r.status_code == 422 and "vóór de eerste dag" in r.get_data(as_text=True)
    assert db_session.execute(select(Afwezigheid)).first() is None


def test_an_absence_without_a_vervanger_warns_where_cases_will_go(client, inlog, wereld):
    inlog.als("beheer@test.local")
    r = client.post("/beheer/afwezigheden", data={"contactpersoon_id": wereld.cp_wmo.id, "van": "2030-08-01",
                                                  "tot": "2030-08-10"}, follow_redirects=True)
    assert "geen vervanger voor Feyenoord" in r.get_data(as_text=True)


def test_ladder_and_deadline_norms_are_set_per_dienst(client, inlog, wereld, db_session):
    inlog.als("beheer@test.local")
    pad = f"/beheer/diensten/{wereld.wi.id}"
    assert client.post(pad + "/ladder", data={"niveau": 1, "contactpersoon_id": wereld.teamleider_wi.id}
                       ).status_code == 302
    assert db_session.execute(select(LadderTrede)).scalar_one().contactpersoon_id == wereld.teamleider_wi.id
    r = client.post(pad + "/termijnen", data={"urgentie": "hoog", "reactie_werkdagen": 4, "oplos_werkdagen": 2})
    assert r.status_code == 422 and "niet korter" in r.get_data(as_text=True)
    assert client.post(pad + "/termijnen", data={"urgentie": "hoog", "reactie_werkdagen": 1,
                                                 "oplos_werkdagen": 3}).status_code == 302
    norm = db_session.execute(select(Termijnnorm)).scalar_one()
    assert (norm.reactie_werkdagen, norm.oplos_werkdagen) == (1, 3)


def test_a_quota_is_set_and_never_below_what_was_spent(client, inlog, wereld, db_session):
    manager = Actor.gebruiker(wereld.manager)
    for _ in range(2):
        zaak = nieuwe_zaak(db_session, manager, ZaakSoort.KNIP, wereld.invoer(), NU)
        uitvoeren(db_session, manager, zaak, "versturen", NU)
    db_session.commit()
    inlog.als("beheer@test.local")
    r = client.post("/beheer/quota?jaar=2026", data={"wijkteam_id": wereld.team.id, "quotum": 1})
    assert r.status_code == 422 and "al 2 knippen ingezet" in r.get_data(as_text=True)
    assert client.post("/beheer/quota?jaar=2026", data={"wijkteam_id": wereld.team.id, "quotum": 8}
                       ).status_code == 302
    html = client.get("/beheer/quota?jaar=2026").get_data(as_text=True)
    assert 'value="8"' in html


def test_closing_days_are_added_refused_when_already_free_and_move_deadlines(client, inlog, wereld, db_session):
    from workflows.zaken import kalender

    inlog.als("beheer@test.local")
    r = client.post("/beheer/sluitingsdagen", data={"datum": "2026-04-27", "omschrijving": "x"})
    assert r.status_code == 422 and "Koningsdag" in r.get_data(as_text=True)
    r = client.post("/beheer/sluitingsdagen", data={"datum": "2026-03-15", "omschrijving": "x"})
    assert r.status_code == 422 and "zondag" in r.get_data(as_text=True)
    assert client.post("/beheer/sluitingsdagen", data={"datum": "2026-03-11", "omschrijving": "Verhuizing stadhuis"}
                       ).status_code == 302
    r = client.post("/beheer/sluitingsdagen", data={"datum": "2026-03-11", "omschrijving": "nog eens"})
    assert r.status_code == 422 and "al als sluitingsdag" in r.get_data(as_text=True)
    from datetime import datetime
    from zoneinfo import ZoneInfo

    einde = kalender(db_session).termijn_einde(datetime(2026, 3, 10, 10, tzinfo=ZoneInfo("Europe/Amsterdam")), 1)
    assert einde.date() == date(2026, 3, 12)
    dag = db_session.execute(select(Sluitingsdag)).scalar_one()
    assert client.post(f"/beheer/sluitingsdagen/{dag.id}/verwijderen").status_code == 302


def test_a_cause_in_use_is_retired_not_deleted(client, inlog, wereld, db_session):
    manager = Actor.gebruiker(wereld.manager)
    nieuwe_zaak(db_session, manager, ZaakSoort.ESCALATIE, wereld.invoer(dienst=wereld.wmo), NU)
    db_session.commit()
    inlog.als("beheer@test.local")
    assert client.post(f"/beheer/oorzaken/{wereld.oorzaak.id}/verwijderen").status_code == 409
    assert db_session.get(Oorzaak, wereld.oorzaak.id) is not None
    assert client.post(f"/beheer/oorzaken/{wereld.oorzaak.id}", data={
        "naam": wereld.oorzaak.naam, "volgorde": 1}).status_code == 302  # actief unticked: retired
    db_session.expire_all()
    assert db_session.get(Oorzaak, wereld.oorzaak.id).actief is False
    inlog.als("manager@test.local")
    assert f">{wereld.oorzaak.naam}</option>" not in client.get("/escalaties/nieuw").get_data(as_text=True)
    inlog.als("beheer@test.local")
    assert client.post(f"/beheer/oorzaken/{wereld.anders.id}/verwijderen").status_code == 302
    assert db_session.get(Oorzaak, wereld.anders.id) is None


def test_users_follow_the_rules_of_roles_and_teams(client, inlog, wereld, db_session):
    inlog.als("beheer@test.local")
    basis = {"naam": "Nieuwe Collega", "email": "nieuw@test.local", "rol": "medewerker", "actief": "y",
             "wijkteam_id": 0}
    r = client.post("/beheer/gebruikers/nieuw", data=basis)
    assert r.status_code == 422 and "hoort bij een wijkteam" in r.get_data(as_text=True)
    r = client.post("/beheer/gebruikers/nieuw", data={**basis, "rol": "management", "wijkteam_id": wereld.team.id})
    assert r.status_code == 422 and "hoort niet bij een wijkteam" in r.get_data(as_text=True)
    r = client.post("/beheer/gebruikers/nieuw", data={**basis, "wijkteam_id": wereld.team.id,
                                                      "email": "manager@test.local"})
    assert r.status_code == 422 and "Er is al een gebruiker" in r.get_data(as_text=True)
    assert client.post("/beheer/gebruikers/nieuw", data={**basis, "wijkteam_id": wereld.team.id}).status_code == 302
    nieuw = db_session.execute(select(Gebruiker).where(Gebruiker.email == "nieuw@test.local")).scalar_one()
    assert nieuw.rol == Rol.MEDEWERKER and nieuw.wijkteam_id == wereld.team.id  # the password: tests/integration/test_accounts.py


def test_the_beheerder_cannot_lock_themselves_out(client, inlog, wereld, db_session):
    inlog.als("beheer@test.local")
    r = client.post(f"/beheer/gebruikers/{wereld.beheerder.id}", data={
        "naam": "Bea Beheer", "email": "beheer@test.local", "rol": "management", "wijkteam_id": 0, "actief": "y"})
    assert r.status_code == 422 and "uzelf" in r.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Gebruiker, wereld.beheerder.id).rol == Rol.BEHEERDER


def test_a_new_dienst_with_a_bad_mailbox_is_refused(client, inlog, wereld, db_session):
    inlog.als("beheer@test.local")
    r = client.post("/beheer/diensten/nieuw", data={"naam": "Leerlingenvervoer", "mailbox": "geen"})
    assert r.status_code == 422 and "geen geldig e-mailadres" in r.get_data(as_text=True)
    assert client.post("/beheer/diensten/nieuw", data={"naam": "Leerlingenvervoer", "mailbox": "llv@test.local",
                                                       "actief": "y"}).status_code == 302
    assert db_session.execute(select(Dienst).where(Dienst.naam == "Leerlingenvervoer")).scalar_one().actief
