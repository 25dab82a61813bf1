"""The Indonesian documents of savings and remittances (passbook, statement, receipt) and
how remittance figures are written. Staff and members download the same documents."""
from datetime import date
from decimal import Decimal

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from flask import g

from coop_app.money import format_money
from coop_app.pdf import pdf_response
from coop_app.remittances.recording import split_parts
from coop_app.portal import service

CHANNELS_ID = {"bank": "Bank", "pos": "Kantor Pos", "remittance_company": "Perusahaan Pengiriman Uang"}


def format_rate(rate, locale="id"):
    """A rate as typed: `3.412,50` in id; at least two and at most six decimals."""
    if rate in (None, ""):
        return ""
    return format_decimal(Decimal(rate), format="#,##0.00####", locale=locale,
                          decimal_quantization=False)


def format_foreign(amount, currency, locale="id"):
    """`MYR 1.500,00` in id."""
    if amount is None:
        return ""
    return f"{currency} {format_decimal(amount, format='#,##0.00', locale=locale)}"


def format_share(share, locale="id"):
    """A share in percent with one decimal (`30,0%` in id); a dash when there is none."""
    if share is None:
        return "–"
    return f"{format_decimal(share, format='#,##0.0', locale=locale)}%"


def _indonesian():
    """What every PDF template gets: amounts and dates written in Indonesian whatever the
    language of the page the user came from."""
    return {"rp": lambda amount: format_money(amount, "id") if amount is not None else "",
            "tgl": lambda day: babel_format_date(day, "d MMMM y", locale="id") if day else "",
            # In a listing's narrow date column: `5 Sep 2025`.
            "tgl_singkat": lambda day: babel_format_date(day, "d MMM y", locale="id") if day else "",
            "kurs": lambda rate: format_rate(rate, "id"),
            "valas": lambda amount, currency: format_foreign(amount, currency, "id"),
            "persen": lambda share: format_share(share, "id"),
            "coop": g.coop, "printed_on": date.today()}


def passbook_context(account, member):
    """The buku tabungan: every line of the account with its running balance."""
    return dict(account=account, member=member, statement=service.account_lines(account),
                **_indonesian())


def statement_context(account, member, date_from, date_to):
    return dict(account=account, member=member, date_from=date_from, date_to=date_to,
                statement=service.account_lines(account, date_from, date_to), **_indonesian())


def receipt_context(remittance):
    return dict(remittance=remittance, parts=split_parts(remittance),
                channel=CHANNELS_ID.get(remittance.channel, remittance.channel), **_indonesian())


def passbook_pdf(account, member):
    return pdf_response("passbook.html", f"buku-tabungan-{account.number}.pdf",
                        **passbook_context(account, member))


def statement_pdf(account, member, date_from, date_to):
    return pdf_response(
        "statement.html",
        f"rekening-koran-{account.number}-{date_from.isoformat()}-{date_to.isoformat()}.pdf",
        **statement_context(account, member, date_from, date_to))


def receipt_pdf(remittance):
    return pdf_response("remittance_receipt.html", f"bukti-remitansi-{remittance.id}.pdf",
                        **receipt_context(remittance))
