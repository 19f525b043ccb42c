"""Setting up a wijkteam in one flow: the team, its people invited, its vaste contactpersonen, the summary."""
from sqlalchemy import select

from notifications.models import UitgaandeMail
from workflows.models import Auditregel, Gebruiker, Rol, VasteContactpersoon, Wijkteam


def test_the_beheerder_sets_up_a_team_in_one_flow_ending_with_where_its_cases_go(client, inlog, wereld, db_session):
    inlog.als("beheer@test.local")
    assert client.get("/beheer/teams/opzetten").status_code == 200
    r = client.post("/beheer/teams/opzetten", data={"naam": "Feyenoord", "soort": "sociaal wijkteam"})
    assert r.status_code == 422 and "Er is al een wijkteam" in r.get_data(as_text=True)
    r = client.post("/beheer/teams/opzetten", data={"naam": "Zuidwijk", "soort": "sociaal wijkteam",
                                                    "gebied": "Charlois"})
    team = db_session.execute(select(Wijkteam).where(Wijkteam.naam == "Zuidwijk")).scalar_one()
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/beheer/teams/{team.id}/opzetten/mensen")

    pad = f"/beheer/teams/{team.id}/opzetten/mensen"
    r = client.post(pad, data={"mensen": "Zara Zuid, zara@test.local, manager\nKees, geen-adres, medewerker\n"
                                         "Mo, manager@test.local, medewerker\nLot, lot@test.local, baas"})
    tekst = r.get_data(as_text=True)
    assert r.status_code == 422 and "Regel 2" in tekst and "Regel 3" in tekst and "Regel 4" in tekst
    assert db_session.execute(select(Gebruiker).where(Gebruiker.email == "zara@test.local")).first() is None
    r = client.post(pad, data={"mensen": "Zara Zuid, zara@test.local, manager\nKees Kort, kees@test.local, medewerker"})
    assert r.status_code == 302
    leden = {g.email: g for g in db_session.execute(select(Gebruiker).where(Gebruiker.wijkteam_id == team.id)).scalars()}
    assert {e: g.rol for e, g in leden.items()} == {"zara@test.local": Rol.WIJKTEAMMANAGER,
                                                    "kees@test.local": Rol.MEDEWERKER}
    assert all(g.wachtwoord_hash == "!" for g in leden.values())
    assert sorted(db_session.execute(select(UitgaandeMail.aan).where(
        UitgaandeMail.soort == "account_uitnodiging")).scalars()) == ["kees@test.local", "zara@test.local"]

    pad = f"/beheer/teams/{team.id}/opzetten/contactpersonen"
    assert "Sanne Vos" in client.get(pad).get_data(as_text=True)
    r = client.post(pad, data={f"cp_{wereld.wi.id}": wereld.cp_wi.id, f"vv_{wereld.wi.id}": wereld.cp_wi.id})
    assert r.status_code == 422 and "een ander dan de vaste contactpersoon" in r.get_data(as_text=True)
    r = client.post(pad, data={f"cp_{wereld.wi.id}": wereld.cp_wmo.id})  # someone of another dienst
    assert r.status_code == 422 and "Kies iemand van deze dienst" in r.get_data(as_text=True)
    r = client.post(pad, data={f"cp_{wereld.wi.id}": wereld.cp_wi.id, f"vv_{wereld.wi.id}": wereld.cp_wi_vervanger.id,
                               f"cp_{wereld.wmo.id}": 0})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/beheer/teams/{team.id}/opzetten/overzicht")
    vast = db_session.execute(select(VasteContactpersoon).where(VasteContactpersoon.wijkteam_id == team.id)).scalars().all()
    assert [(v.dienst_id, v.contactpersoon_id, v.vervanger_id) for v in vast] == [
        (wereld.wi.id, wereld.cp_wi.id, wereld.cp_wi_vervanger.id)]

    overzicht = client.get(f"/beheer/teams/{team.id}/opzetten/overzicht").get_data(as_text=True)
    assert "Sanne Vos (wi@test.local)" in overzicht and "is de vaste contactpersoon" in overzicht
    assert "wmo-postbus@test.local" in overzicht and "algemene mailbox" in overzicht  # Wmo: no contactpersoon
    assert "Zara Zuid" in overzicht and "uitgenodigd" in overzicht
    db_session.expire_all()
    wat = db_session.execute(select(Auditregel.wat).where(Auditregel.wat.contains("Zuidwijk"))).scalars().all()
    assert any("aangemaakt" in w for w in wat) and any("uitgenodigd" in w for w in wat) \
        and any("vaste contactpersonen" in w for w in wat)
