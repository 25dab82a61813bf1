"""The amount field in a real browser: static/js/amount.js says what terbilang.py says and
reads what money.py's parse_amount reads (the same list of amounts run through both), a
person typing sees the words (or the server's hint), and a large or repeated deposit asks
for a tick before it posts."""
import re
from datetime import date
from decimal import Decimal

import pytest

from coop_app.extensions import db
from coop_app.money import AmbiguousAmount, MoneyError, parse_amount, to_sen
from coop_app.savings import opening
from coop_app.terbilang import money_in_words
from tests.browser.conftest import follow, login
from tests.savings.helpers import add_member
from tests.support import key
from tests.support.books import cash, savings_balance, savings_product

D = Decimal
AMOUNTS = ["0", "0.01", "0.05", "0.10", "0.99", "1", "7", "10", "11", "12", "15", "19", "20", "21",
           "99", "100", "101", "110", "111", "115", "199", "200", "999", "1000", "1001", "1011",
           "1100", "1999", "2000", "10000", "11000", "12000", "19000", "21500", "99999", "100000",
           "101000", "111111", "999999", "1000000", "1001001", "1100000", "1250000", "1500000.50",
           "2000000", "11000000", "12345678.90", "50000000", "60000000", "99999999.99",
           "1000000000", "1000001000", "2000000000", "11111111111", "99999999999.99",
           "100000000000", "3000000000000", "9999999999999.99", "-25", "-1500.50"]
TYPED = ["1.500.000", "1500000", "1.500.000,50", "1,500,000.50", "50,000", "1.500", "1e9", "2E5",
         "1E7", "-5", "5-", "1.000.005", "1,000.005", "Rp 1.250.000", "IDR1,250,000", "1 250 000",
         "0,05", "0.05", "12,5", "12.5", "050,000", "1.50", "1,50", "abc", "", "   ", "1..000",
         "١٢٣", "1.000,123", "-50,000", "99.999.999.999,99"]


@pytest.fixture
def saver(live_server):
    """Siti's sukarela account in KSP-A, opened with Rp1.000.000 on 1 October."""
    with live_server.app.app_context():
        coop_id = live_server.world.ksp_id
        siti = add_member(coop_id, "2026.00001", "Siti Rahayu")
        account, _entry = opening.open_account_with_deposit(
            coop_id, siti.id, savings_product(coop_id, "SS").id, date(2026, 10, 1), D("1000000"),
            cash(coop_id), key())
        db.session.commit()
        return account.id


def balance(server, account_id):
    with server.app.app_context():
        return savings_balance(account_id)


def python_reading(text, lang):
    try:
        return {"sen": to_sen(parse_amount(text, lang))}
    except AmbiguousAmount as error:
        return {"error": "ambiguous", "suggestion": error.suggestion}
    except MoneyError as error:
        if "empty" in str(error):
            return {"error": "empty"}
        return {"error": "decimals" if "decimals" in str(error) else "invalid"}


def test_the_script_says_what_terbilang_says(page):
    page.goto(page.base + "/login")
    for lang in ("id", "en"):
        cases = [[to_sen(D(a)), lang] for a in AMOUNTS]
        said = page.evaluate("cases => cases.map(([sen, lang]) => window.coopAmount.moneyInWords(sen, lang))",
                             cases)
        assert said == [money_in_words(D(a), lang) for a in AMOUNTS]
    assert money_in_words(D("1250000")) == "satu juta dua ratus lima puluh ribu rupiah"
    assert money_in_words(D("1250000"), "en") == "one million two hundred fifty thousand rupiah"


def test_the_script_reads_what_the_server_reads(page):
    page.goto(page.base + "/login")
    for lang in ("id", "en"):
        read = page.evaluate("([texts, lang]) => texts.map(t => window.coopAmount.parseAmount(t, lang))",
                             [TYPED, lang])
        assert read == [python_reading(text, lang) for text in TYPED], lang


def test_a_person_typing_sees_the_words_and_the_hints(page, live_server, saver):
    login(page, "treasurer")
    page.goto(page.base + f"/c/KSP-A/savings/accounts/{saver}/deposit")
    words = page.locator("#amount-words")
    page.locator("#amount").press_sequentially("1.250.000")
    assert words.inner_text() == "Terbilang: Satu juta dua ratus lima puluh ribu rupiah"
    page.fill("#amount", "")
    page.locator("#amount").press_sequentially("1.500.000,50")
    assert words.inner_text() == "Terbilang: Satu juta lima ratus ribu rupiah lima puluh sen"
    page.fill("#amount", "")
    page.locator("#amount").press_sequentially("50,000")  # the English way on an Indonesian page
    assert words.inner_text().startswith("Maksud Anda 50.000?")
    assert "text-danger" in words.get_attribute("class")
    page.fill("#amount", "1e9")
    assert words.inner_text().startswith("Itu bukan jumlah uang")
    page.fill("#amount", "0")
    assert words.inner_text() == "Jumlah harus lebih dari nol."
    page.fill("#amount", "")
    assert words.inner_text() == ""
    assert page.locator("#amount").get_attribute("aria-describedby") == "amount-words"

    # the page in English: English words, English separators
    follow(page.locator("#lang-switch"))
    page.locator("#amount").press_sequentially("2,000,000.05")
    assert page.locator("#amount-words").inner_text() == "In words: Two million rupiah and five sen"
    page.fill("#amount", "1.500")
    assert page.locator("#amount-words").inner_text().startswith("Did you mean 1,500?")


def test_every_amount_field_of_the_manual_entry_speaks(page, live_server):
    login(page, "manager")
    page.goto(page.base + "/c/KSP-A/ledger/manual")
    debit = page.locator("input[data-debit]").first
    debit.press_sequentially("75.000")
    described = debit.get_attribute("aria-describedby")
    assert page.locator(f"#{described}").inner_text() == "Terbilang: Tujuh puluh lima ribu rupiah"


def test_a_large_deposit_is_confirmed_in_the_browser(page, live_server, saver):
    page.allow_http_errors = True  # the form comes back with 422 on purpose
    login(page, "treasurer")
    page.goto(page.base + f"/c/KSP-A/savings/accounts/{saver}/deposit")
    page.select_option("#money_account", label="1101 · Kas")
    page.fill("#amount", "60.000.000")
    assert page.locator("#amount-words").inner_text() == "Terbilang: Enam puluh juta rupiah"
    follow(page.locator("main button[type=submit]"))
    warning = page.locator("#confirm_large-warning")
    assert "Rp60.000.000 (enam puluh juta rupiah)" in warning.inner_text()
    assert balance(live_server, saver) == D("1000000")
    # the form comes back as typed: the words are there again
    assert page.locator("#amount-words").inner_text() == "Terbilang: Enam puluh juta rupiah"
    page.check("#confirm_large")
    follow(page.locator("main button[type=submit]"))
    assert "receipt=" in page.url
    assert balance(live_server, saver) == D("61000000")


def test_back_and_send_again_asks_before_a_second_deposit(page, live_server, saver):
    page.allow_http_errors = True  # the form comes back with 422 on purpose
    login(page, "treasurer")
    form = page.base + f"/c/KSP-A/savings/accounts/{saver}/deposit"
    page.goto(form)
    page.select_option("#money_account", label="1101 · Kas")
    page.fill("#amount", "250.000")
    follow(page.locator("main button[type=submit]"))
    first = int(re.search(r"receipt=(\d+)", page.url).group(1))
    page.go_back()  # the form again (no-store: a fresh copy with a new key)
    page.select_option("#money_account", label="1101 · Kas")
    page.fill("#amount", "250.000")
    follow(page.locator("main button[type=submit]"))
    warning = page.locator("#confirm_repeat-warning")
    assert re.search(rf"Entri #{first} baru saja dicatat \(Rp250\.000, oleh Treasurer, pukul \d\d:\d\d WIB\)",
                     warning.inner_text()), warning.inner_text()
    assert warning.locator("a").get_attribute("href") == f"/c/KSP-A/ledger/entries/{first}"
    assert balance(live_server, saver) == D("1250000")
    page.check("#confirm_repeat")
    follow(page.locator("main button[type=submit]"))
    assert balance(live_server, saver) == D("1500000")
