"""Chart-of-accounts templates, grouped as SAK EP groups them.

Each row: (code, Indonesian name, English name, type, system key, parent code, is group).
Services find accounts by system key, never by code, so a cooperative may renumber.
"""
from coop_app.ledger.models import ASSET, EQUITY, EXPENSE, INCOME, LIABILITY

A, L, E, I, X = ASSET, LIABILITY, EQUITY, INCOME, EXPENSE

_ASSETS_HEAD = [
    ("1", "ASET", "ASSETS", A, "assets", None, True),
    ("11", "Aset Lancar", "Current assets", A, "current_assets", "1", True),
    ("110", "Kas dan Setara Kas", "Cash and cash equivalents", A, "cash_and_bank", "11", True),
    ("1101", "Kas", "Cash on hand", A, "cash", "110", False),
    ("1102", "Bank", "Bank", A, "bank", "110", False),
]
_ASSETS_TAIL = [
    ("1150", "Piutang Lain-lain", "Other receivables", A, "other_receivable", "11", False),
    ("1160", "Persediaan Barang Outlet", "Outlet inventory", A, "inventory", "11", False),
    ("1170", "Beban Dibayar di Muka", "Prepaid expenses", A, "prepaid", "11", False),
    ("12", "Aset Tidak Lancar", "Non-current assets", A, "noncurrent_assets", "1", True),
    ("1201", "Investasi Jangka Panjang", "Long-term investments", A, "investments", "12", False),
    ("1202", "Aset Tetap", "Fixed assets", A, "fixed_assets", "12", False),
    ("1203", "Akumulasi Penyusutan Aset Tetap", "Accumulated depreciation", A,
     "accumulated_depreciation", "12", False),
]
_KSP_LOANS = [
    ("1110", "Piutang Pinjaman Anggota", "Member loans receivable", A, "loans_receivable", "11", False),
    ("1111", "Cadangan Kerugian Piutang (PPAP)", "Loan loss allowance (PPAP)", A, "loan_allowance", "11", False),
    ("1112", "Piutang Bunga Pinjaman", "Interest receivable", A, "interest_receivable", "11", False),
    ("1113", "Piutang Pinjaman Dihapusbuku (Ekstrakomptabel)", "Written-off loans (memorandum)", A,
     "written_off_memo", "11", False),
]
_SHARIA_FINANCING = [
    ("1110", "Piutang Murabahah", "Murabahah receivable", A, "murabahah_receivable", "11", False),
    ("1111", "Margin Murabahah Ditangguhkan", "Deferred murabahah margin", A, "deferred_margin", "11", False),
    ("1112", "Piutang Qardh", "Qardh receivable", A, "qardh_receivable", "11", False),
    ("1113", "Pembiayaan Mudharabah", "Mudharabah financing", A, "mudharabah_financing", "11", False),
    ("1114", "Pembiayaan Musyarakah", "Musyarakah financing", A, "musyarakah_financing", "11", False),
    ("1115", "Penyisihan Penghapusan Aset Produktif (PPAP)", "Allowance for financing losses (PPAP)",
     A, "loan_allowance", "11", False),
    ("1116", "Piutang Pembiayaan Dihapusbuku (Ekstrakomptabel)", "Written-off financing (memorandum)",
     A, "written_off_memo", "11", False),
]
_LIABILITIES_HEAD = [
    ("2", "LIABILITAS", "LIABILITIES", L, "liabilities", None, True),
    ("21", "Liabilitas Jangka Pendek", "Current liabilities", L, "current_liabilities", "2", True),
]
_KSP_DEPOSITS = [
    ("2101", "Simpanan Sukarela", "Voluntary savings (sukarela)", L, "simpanan_sukarela", "21", False),
    ("2102", "Simpanan Berjangka", "Time deposits (berjangka)", L, "simpanan_berjangka", "21", False),
    ("2103", "Utang Bunga Simpanan", "Interest payable on savings", L, "interest_payable", "21", False),
]
_SHARIA_DEPOSITS = [
    ("2101", "Simpanan Sukarela", "Voluntary savings (sukarela)", L, "simpanan_sukarela", "21", False),
    ("2102", "Simpanan Wadiah", "Wadiah savings", L, "simpanan_wadiah", "21", False),
    ("2103", "Bagi Hasil Simpanan yang Belum Dibayar", "Profit share payable", L,
     "profit_sharing_payable", "21", False),
    ("2120", "Dana Syirkah Temporer", "Temporary syirkah funds", L, "temporary_syirkah", "2", True),
    ("2121", "Simpanan Mudharabah", "Mudharabah savings", L, "simpanan_mudharabah", "2120", False),
    ("2122", "Simpanan Berjangka Mudharabah", "Mudharabah time deposits", L,
     "simpanan_berjangka", "2120", False),
]
_LIABILITIES_TAIL = [
    ("2104", "Dana Sosial", "Social fund", L, "social_fund", "21", False),
    ("2105", "Dana Pendidikan", "Education fund", L, "education_fund", "21", False),
    ("2106", "Dana Pengurus", "Board fund", L, "board_fund", "21", False),
    ("2107", "Dana Karyawan", "Staff fund", L, "staff_fund", "21", False),
    ("2108", "Utang SHU Anggota", "SHU payable to members", L, "shu_members_payable", "21", False),
    ("2109", "Utang Pajak", "Taxes payable", L, "tax_payable", "21", False),
    ("2110", "Utang Lain-lain", "Other payables", L, "other_payable", "21", False),
    ("22", "Liabilitas Jangka Panjang", "Long-term liabilities", L, "longterm_liabilities", "2", True),
    ("2201", "Pinjaman dari Bank/Lembaga Lain", "Borrowings from banks and institutions", L,
     "borrowings", "22", False),
]
_EQUITY = [
    ("3", "EKUITAS", "EQUITY", E, "equity", None, True),
    ("3101", "Simpanan Pokok", "Principal savings (pokok)", E, "simpanan_pokok", "3", False),
    ("3102", "Simpanan Wajib", "Mandatory savings (wajib)", E, "simpanan_wajib", "3", False),
    ("3103", "Cadangan", "Reserves", E, "reserve", "3", False),
    ("3104", "Hibah dan Donasi", "Grants and donations", E, "grants", "3", False),
    ("3105", "SHU Belum Dibagi", "Undistributed surplus (SHU)", E, "shu_undistributed", "3", False),
]
_KSP_INCOME = [
    ("4", "PENDAPATAN", "INCOME", I, "income", None, True),
    ("41", "Pendapatan Usaha", "Operating income", I, "operating_income", "4", True),
    ("4101", "Pendapatan Bunga Pinjaman", "Loan interest income", I, "interest_income", "41", False),
    ("4102", "Pendapatan Administrasi dan Provisi", "Administration and fee income", I, "fee_income", "41", False),
    ("4103", "Pendapatan Denda", "Late charge income", I, "penalty_income", "41", False),
    ("4104", "Penjualan Produk Desa (OVOP)", "Village product (OVOP) sales", I, "sales_income", "41", False),
]
_SHARIA_INCOME = [
    ("4", "PENDAPATAN", "INCOME", I, "income", None, True),
    ("41", "Pendapatan Usaha", "Operating income", I, "operating_income", "4", True),
    ("4101", "Pendapatan Margin Murabahah", "Murabahah margin income", I, "margin_income", "41", False),
    ("4102", "Pendapatan Bagi Hasil Pembiayaan", "Financing profit-share income", I,
     "profit_share_income", "41", False),
    ("4103", "Pendapatan Administrasi (Ujrah)", "Administration fee income (ujrah)", I, "fee_income", "41", False),
    ("4104", "Penjualan Produk Desa (OVOP)", "Village product (OVOP) sales", I, "sales_income", "41", False),
]
_OTHER_INCOME = [
    ("42", "Pendapatan Lain-lain", "Other income", I, "other_income_group", "4", True),
    ("4201", "Pendapatan Jasa Giro Bank", "Bank interest and bonus", I, "bank_income", "42", False),
    ("4202", "Pemulihan Piutang Dihapusbuku", "Recoveries of written-off loans", I, "recovery_income", "42", False),
    ("4203", "Pendapatan Lain-lain", "Miscellaneous income", I, "other_income", "42", False),
]
_KSP_COST_OF_FUNDS = [
    ("5", "BEBAN", "EXPENSES", X, "expenses", None, True),
    ("51", "Beban Pokok Usaha", "Cost of operations", X, "cost_of_operations", "5", True),
    ("5101", "Beban Bunga Simpanan", "Interest on savings", X, "savings_interest_expense", "51", False),
]
_SHARIA_COST_OF_FUNDS = [
    ("5", "BEBAN", "EXPENSES", X, "expenses", None, True),
    ("51", "Beban Pokok Usaha", "Cost of operations", X, "cost_of_operations", "5", True),
    ("5101", "Beban Bagi Hasil Simpanan Mudharabah", "Profit share on mudharabah savings", X,
     "profit_sharing_expense", "51", False),
    ("5104", "Beban Bonus Wadiah", "Wadiah bonus", X, "wadiah_bonus_expense", "51", False),
]
_EXPENSES_TAIL = [
    ("5102", "Beban Penyisihan Piutang (PPAP)", "Provision expense (PPAP)", X, "provision_expense", "51", False),
    ("5103", "Harga Pokok Penjualan", "Cost of goods sold", X, "cost_of_sales", "51", False),
    ("52", "Beban Umum dan Administrasi", "General and administrative expenses", X, "admin_expenses", "5", True),
    ("5201", "Beban Gaji dan Honor", "Salaries and honoraria", X, "salary_expense", "52", False),
    ("5202", "Beban Rapat Anggota Tahunan", "Annual members' meeting (RAT)", X, "meeting_expense", "52", False),
    ("5203", "Beban Alat Tulis Kantor", "Office supplies", X, "office_expense", "52", False),
    ("5204", "Beban Listrik, Air dan Telepon", "Utilities", X, "utility_expense", "52", False),
    ("5205", "Beban Transportasi", "Transport", X, "transport_expense", "52", False),
    ("5206", "Beban Penyusutan Aset Tetap", "Depreciation", X, "depreciation_expense", "52", False),
    ("5207", "Beban Pendidikan dan Pelatihan Anggota", "Member education and training", X,
     "training_expense", "52", False),
    ("5208", "Beban Pajak", "Taxes", X, "tax_expense", "52", False),
    ("5209", "Beban Administrasi Bank", "Bank charges", X, "bank_charges", "52", False),
    ("5210", "Beban Lain-lain", "Miscellaneous expenses", X, "other_expense", "52", False),
]

# Shared accounts a KSPPS/BMT names in its own words (no pinjaman, bunga or denda): system
# key -> (Indonesian name, English name).
_SHARIA_NAMES = {
    "borrowings": ("Pembiayaan Diterima dari Bank/Lembaga Lain",
                   "Financing received from banks and institutions"),
    "bank_income": ("Pendapatan Bagi Hasil dan Bonus Bank", "Bank profit share and bonus"),
    "recovery_income": ("Pemulihan Piutang Dihapusbuku", "Recoveries of written-off financing"),
}


def _named(rows, names):
    return [(code, *names[key], kind, key, parent, group) if key in names
            else (code, name, name_en, kind, key, parent, group)
            for code, name, name_en, kind, key, parent, group in rows]


CHARTS = {
    "ksp": _ASSETS_HEAD + _KSP_LOANS + _ASSETS_TAIL + _LIABILITIES_HEAD + _KSP_DEPOSITS
    + _LIABILITIES_TAIL + _EQUITY + _KSP_INCOME + _OTHER_INCOME + _KSP_COST_OF_FUNDS + _EXPENSES_TAIL,
    "kspps": _named(_ASSETS_HEAD + _SHARIA_FINANCING + _ASSETS_TAIL + _LIABILITIES_HEAD + _SHARIA_DEPOSITS
                    + _LIABILITIES_TAIL + _EQUITY + _SHARIA_INCOME + _OTHER_INCOME + _SHARIA_COST_OF_FUNDS
                    + _EXPENSES_TAIL, _SHARIA_NAMES),
}

# Accounts whose balance is the sum of a sub-ledger (savings accounts, loans, provisions).
# Vouchers and manual entries may not touch them: only their own module posts there, so
# the sub-ledger and the books can never drift apart.
CONTROL_ACCOUNT_KEYS = frozenset({
    "simpanan_pokok", "simpanan_wajib", "simpanan_sukarela", "simpanan_berjangka",
    "simpanan_wadiah", "simpanan_mudharabah", "loans_receivable", "interest_receivable",
    "murabahah_receivable", "deferred_margin", "qardh_receivable", "mudharabah_financing",
    "musyarakah_financing", "loan_allowance", "written_off_memo",
})
