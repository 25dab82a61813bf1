"""Opening a new cooperative: its record, the chart of accounts of its type (KSP or
KSPPS/BMT) and the default savings and loan products, in the caller's transaction.

It spans the books and both product families, so it sits above them (see
docs/architecture.md); the admin pages, the demo and the tests open cooperatives here.
"""
from coop_app.cooperatives.service import add_cooperative
from coop_app.ledger.service import install_chart
from coop_app.loans.products import install_default_products as install_loan_products
from coop_app.savings.products import install_default_products as install_savings_products


def create_cooperative(code, type_, **fields):
    """A cooperative ready to work: refused with a DomainError as add_cooperative refuses."""
    coop = add_cooperative(code, type_, **fields)
    install_chart(coop)
    install_savings_products(coop)
    install_loan_products(coop)
    return coop
