"""The books and the database read back by the tests: accounts and products by key or code,
an entry's lines, balances, row counts, and the ledger check.

The helpers run in the caller's app context; the `_in` forms take the app first and open an
app context of their own (for page tests)."""
import functools

from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.ledger.check import check_ledger
from coop_app.ledger.models import GLAccount, JournalEntry, JournalLine
from coop_app.ledger.service import account_balance, account_by_key
from coop_app.loans.models import Loan, LoanEvent, LoanInstallment, LoanPayment, LoanProduct
from coop_app.members.models import Member
from coop_app.savings.models import Remittance, SavingsAccount, SavingsProduct, SavingsTransaction


def in_app(helper):
    """`helper(*args)` as `helper_in(app, *args)`, run in an app context of its own."""
    @functools.wraps(helper)
    def run(app, *args, **kwargs):
        with app.app_context():
            return helper(*args, **kwargs)
    run.__name__ = run.__qualname__ = f"{helper.__name__}_in"
    return run


# -- cooperatives, accounts, products ---------------------------------------------------------

def coop(coop_id):
    return db.session.get(Cooperative, coop_id)


def account_id(coop_id, system_key):
    """The id of the cooperative's GL account with this system key."""
    return account_by_key(coop_id, system_key).id


def cash(coop_id):
    """The id of the cooperative's cash account."""
    return account_id(coop_id, "cash")


def bank(coop_id):
    """The id of the cooperative's bank account."""
    return account_id(coop_id, "bank")


def savings_product(coop_id, code):
    return db.session.execute(db.select(SavingsProduct).where(
        SavingsProduct.cooperative_id == coop_id, SavingsProduct.code == code)).scalar_one()


def loan_product(coop_id, code):
    return db.session.execute(db.select(LoanProduct).where(
        LoanProduct.cooperative_id == coop_id, LoanProduct.code == code)).scalar_one()


# -- entries and balances ---------------------------------------------------------------------

def entry_lines(entry_id):
    """{account system key (its code if it has none): signed amount} of one entry, debit
    positive, the lines of one account summed; an account whose lines sum to zero is left out."""
    rows = db.session.execute(
        db.select(db.func.coalesce(GLAccount.system_key, GLAccount.code), db.func.sum(JournalLine.amount))
        .join(GLAccount, GLAccount.id == JournalLine.account_id)
        .where(JournalLine.entry_id == entry_id)
        .group_by(GLAccount.system_key, GLAccount.code)).all()
    return {k: v for k, v in rows if v}


def posting_lines(entry_id):
    """[(account system key, signed amount)] of one entry, line by line in posting order."""
    rows = db.session.execute(
        db.select(GLAccount.system_key, JournalLine.amount)
        .join(GLAccount, GLAccount.id == JournalLine.account_id)
        .where(JournalLine.entry_id == entry_id).order_by(JournalLine.id)).all()
    return [(k, amount) for k, amount in rows]


def balance(coop_id, system_key, as_of=None):
    """The signed balance (debit positive) of the GL account with this system key."""
    return account_balance(coop_id, account_id(coop_id, system_key), as_of)


def savings_balance(account_id):
    """The balance of one savings account."""
    return db.session.get(SavingsAccount, account_id).balance


def assert_books_clean(cooperative_id=None):
    """The ledger check (of one cooperative, or of all) finds nothing wrong."""
    _facts, problems = check_ledger(cooperative_id)
    assert problems == []


# -- row counts -------------------------------------------------------------------------------

def row_counts(*models):
    """(rows of each model), in the order given."""
    return tuple(db.session.execute(db.select(db.func.count()).select_from(model)).scalar()
                 for model in models)


def entry_count(coop_id=None):
    """Journal entries, of one cooperative or of all."""
    query = db.select(db.func.count()).select_from(JournalEntry)
    if coop_id is not None:
        query = query.where(JournalEntry.cooperative_id == coop_id)
    return db.session.execute(query).scalar()


def journal_counts():
    """(journal entries, journal lines)."""
    return row_counts(JournalEntry, JournalLine)


def savings_counts():
    """(journal entries, savings transactions, savings accounts)."""
    return row_counts(JournalEntry, SavingsTransaction, SavingsAccount)


def remittance_counts():
    """(journal entries, remittances)."""
    return row_counts(JournalEntry, Remittance)


def loan_counts():
    """Rows of everything a loan form could write."""
    return row_counts(JournalEntry, JournalLine, Loan, LoanInstallment, LoanPayment, LoanEvent,
                      LoanProduct, SavingsTransaction)


def member_counts():
    """(members, journal entries)."""
    return row_counts(Member, JournalEntry)


account_id_in = in_app(account_id)
entry_count_in = in_app(entry_count)
entry_lines_in = in_app(entry_lines)
journal_counts_in = in_app(journal_counts)
loan_counts_in = in_app(loan_counts)
member_counts_in = in_app(member_counts)
balance_in = in_app(balance)
savings_balance_in = in_app(savings_balance)
