"""A KSPPS/BMT's own words on every page: pembiayaan, angsuran, margin, ta'zir, akad, never
pinjaman, bunga or denda. Packages name the messages they say their own way for a sharia
cooperative in the registry's `sharia_words` (a message -> the message a BMT says instead;
for a plural message, its singular -> (singular, plural)); `install` makes the app's
translations read them whenever the page's cooperative (g.coop) is a KSPPS/BMT, so one
template, form or service message serves both kinds of cooperative without an `if`.

The words are swapped before translating, so they read right in Indonesian and in English
alike, and a message nobody named is translated as it is."""
from flask import g, has_app_context

from coop_app.registry import registry


class ShariaTranslations:
    """The catalog of the reader's language, reading a BMT's messages for the ones it names."""

    def __init__(self, base, words):
        self.base = base
        self.words = words

    def ugettext(self, message):
        other = self.words.get(message)
        return self.base.ugettext(other if isinstance(other, str) else message)

    gettext = ugettext

    def ungettext(self, singular, plural, num):
        other = self.words.get(singular)
        if isinstance(other, tuple):
            singular, plural = other
        return self.base.ungettext(singular, plural, num)

    ngettext = ungettext

    def __getattr__(self, name):
        return getattr(self.base, name)


def sharia_here():
    """Whether the page's cooperative (g.coop) is a KSPPS/BMT."""
    coop = g.get("coop") if has_app_context() else None
    return coop is not None and coop.is_sharia


def install(app, babel):
    """Make `babel`'s translations speak a BMT's words on a BMT's pages (once per process:
    the Babel extension and its domain are shared by every app)."""
    with app.app_context():
        domain = babel.domain_instance
    if getattr(domain, "sharia_words_installed", False):
        return
    original = domain.get_translations

    def get_translations():
        translations = original()
        if not sharia_here():
            return translations
        words = registry().sharia_words
        return ShariaTranslations(translations, words) if words else translations

    domain.get_translations = get_translations
    domain.sharia_words_installed = True
