"""Mail in and out.

uitgaand    which mails a change of a case causes, composed from templates/email/, written to the outbox
backends    outbox (.eml files), smtp, sendgrid: one small interface, chosen by MAIL_BACKEND
verzender   the dispatcher: sends queued rows with retries, never a row twice
models      the outbox and reply-address rows
"""
