"""WTForms validators shared by all forms."""
from __future__ import annotations

import email_validator
from email_validator import EmailNotValidError, validate_email
from wtforms.validators import ValidationError

from workflows.privacy import BSN_MELDING, vind_bsn

# Municipal relays and the demo use .local addresses; email-validator documents
# removing a name from this list as the way to allow it.
if "local" in email_validator.SPECIAL_USE_DOMAIN_NAMES:
    email_validator.SPECIAL_USE_DOMAIN_NAMES.remove("local")


def geen_bsn(form, field) -> None:
    """Refuse a nine-digit number that passes the BSN eleven-test, with the reason."""
    if isinstance(field.data, str) and vind_bsn(field.data):
        raise ValidationError(BSN_MELDING)


def emailadres(form, field) -> None:
    """A syntactically valid e-mail address, normalised to lower case; .local domains are allowed.

    Deliverability is not checked here: the mail backend reports bounces.
    """
    if not field.data:
        return
    try:
        field.data = validate_email(field.data.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ValidationError("Dit is geen geldig e-mailadres.")
