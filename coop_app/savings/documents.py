"""The Indonesian documents of a savings account: the passbook (buku tabungan) and the
statement of a period (rekening koran). Staff and members download the same documents."""
from coop_app.formatting import indonesian
from coop_app.pdf import pdf_response
from coop_app.savings import passbook


def passbook_context(account, member):
    """The buku tabungan: every line of the account with its running balance."""
    return dict(account=account, member=member, statement=passbook.account_lines(account),
                **indonesian())


def statement_context(account, member, date_from, date_to):
    return dict(account=account, member=member, date_from=date_from, date_to=date_to,
                statement=passbook.account_lines(account, date_from, date_to), **indonesian())


def passbook_pdf(account, member):
    return pdf_response("passbook.html", f"buku-tabungan-{account.number}.pdf",
                        **passbook_context(account, member))


def statement_pdf(account, member, date_from, date_to):
    return pdf_response(
        "statement.html",
        f"rekening-koran-{account.number}-{date_from.isoformat()}-{date_to.isoformat()}.pdf",
        **statement_context(account, member, date_from, date_to))
