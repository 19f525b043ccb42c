"""The base of every form: Flask-WTF (CSRF) with WTForms' own Dutch messages."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.meta import DefaultMeta


class Formulier(FlaskForm):
    """FlaskForm with WTForms' own Dutch messages for what we do not word ourselves (bad date, bad choice)."""

    class Meta:
        locales = ["nl"]

        def get_translations(self, form):
            # Flask-WTF only translates through Flask-Babel, which this app does not use.
            return DefaultMeta.get_translations(self, form)
