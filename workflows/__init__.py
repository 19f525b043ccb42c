"""The domain of Knipkaart: plain Python and SQLAlchemy, no Flask.

kalender    werkdagen per the Algemene termijnenwet, deadlines, the pause rule
knipkaart   the ledger: a card per team per year, never spent beyond its quota
routering   vaste contactpersoon, vervanger during absence, the dienst's mailbox
zaken       knips and escalaties: creating, sending, the state machine
privacy     no BSN in free text
models      the entities, mapped with SQLAlchemy
"""
