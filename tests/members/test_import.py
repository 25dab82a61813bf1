"""Importing members from CSV and XLSX: a preview with every row's errors, all or nothing,
each member registered with pokok and wajib from cash, a file imported twice registers
nobody twice; and the same through `flask coop import-members`."""
import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.ledger.check import check_ledger
from coop_app.ledger.models import JournalEntry
from coop_app.members.models import Member, MigrantWorker
from coop_app.membership import importer
from tests.members.helpers import D, make_nik, member_count, migrant_count
from tests.support import in_english
from tests.support.books import cash, coop, entry_count, member_counts_in

HEADER = ["nik", "name", "gender", "birth_date", "address", "phone", "join_date", "category",
          "migrant_name", "migrant_country", "migrant_sector", "relationship", "return_date"]
ROWS = [
    [make_nik(date(1985, 4, 2), "F", serial=11), "Siti Aminah", "P", "1985-04-02", "Blok Kulon 3",
     "081200000001", "2024-03-01", "keluarga", "Karta", "Taiwan", "pabrik", "suami", ""],
    [make_nik(date(2002, 11, 23), "M", serial=12), "Dedi Karta", "L", "23/11/2002", "Blok Kulon 3",
     "", "01/03/2024", "family", "karta", "taiwan", "manufacturing", "anak", ""],
    [make_nik(date(1980, 1, 9), "F", serial=13), "Wati", "F", "1980-01-09", "Blok Wetan 7",
     "", "2024-03-02", "purna", "", "Hong Kong", "rumah tangga", "", "2023-08-20"],
    [make_nik(date(1999, 7, 30), "M", serial=14), "Rudi", "M", "1999-07-30", "Blok Tengah 1",
     "", "2024-03-02", "calon pmi", "", "", "", "", ""],
]


def csv_bytes(rows, header=HEADER, delimiter=","):
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(coop_id, name, content, register=True):
    parsed = importer.read_import(name, content)
    return parsed, importer.run_import(coop(coop_id), parsed, register=register)


def errors_of(result):
    return [(e.row, e.column, in_english(e.message)) for e in result.errors]


# -- the service ------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_good_file_registers_everyone_with_their_savings(ctx, world, kind):
    content = csv_bytes(ROWS) if kind == "csv" else xlsx_bytes(ROWS)
    parsed, result = run(world.ksp_id, f"anggota.{kind}", content)
    assert (result.ok, result.registered, result.already) == (True, 4, 0)
    db.session.commit()

    people = {m.name: m for m in db.session.execute(select(Member)).scalars()}
    assert sorted(people) == ["Dedi Karta", "Rudi", "Siti Aminah", "Wati"]
    siti, dedi, wati, rudi = (people[n] for n in ("Siti Aminah", "Dedi Karta", "Wati", "Rudi"))
    assert (siti.category, siti.relationship, siti.gender, siti.join_date) == (
        "family", "spouse", "F", date(2024, 3, 1))
    assert (dedi.category, dedi.relationship, dedi.birth_date) == ("family", "child", date(2002, 11, 23))
    # one migrant for both family rows (same name and country), one own record for the returnee
    assert siti.migrant_worker_id == dedi.migrant_worker_id
    karta = db.session.get(MigrantWorker, siti.migrant_worker_id)
    assert (karta.name, karta.destination_country, karta.sector) == ("Karta", "Taiwan", "manufacturing")
    assert (wati.category, wati.migrant_worker.name, wati.migrant_worker.actual_return_date,
            wati.migrant_worker.sector) == ("returnee", "Wati", date(2023, 8, 20), "domestic")
    assert (rudi.category, rudi.migrant_worker_id) == ("ctki", None)
    assert migrant_count(world.ksp_id) == 2

    # four joining entries of 120.000, keyed by the file and the row
    keys = db.session.execute(select(JournalEntry.idempotency_key).order_by(
        JournalEntry.idempotency_key)).scalars().all()
    assert keys == [importer.row_key(parsed.sha256, n) for n in (2, 3, 4, 5)]
    assert ledger.account_balance(world.ksp_id, cash(world.ksp_id)) == D("480000.00")
    assert ledger.account_balance(world.ksp_id, ledger.account_by_key(world.ksp_id, "simpanan_pokok").id) \
        == D("-400000.00")
    assert check_ledger()[1] == []


def test_a_check_counts_who_would_be_registered_and_writes_nothing(ctx, world):
    _parsed, result = run(world.ksp_id, "a.csv", csv_bytes(ROWS), register=False)
    assert (result.ok, result.registered, result.already) == (True, 4, 0)
    db.session.rollback()
    assert (member_count(), entry_count(), migrant_count(world.ksp_id)) == (0, 0, 0)
    run(world.ksp_id, "a.csv", csv_bytes(ROWS))
    db.session.commit()
    _parsed, result = run(world.ksp_id, "a.csv", csv_bytes(ROWS), register=False)
    assert (result.ok, result.registered, result.already) == (True, 0, 4)


def test_the_same_file_twice_registers_nobody_twice(ctx, world):
    content = csv_bytes(ROWS)
    run(world.ksp_id, "a.csv", content)
    db.session.commit()
    _parsed, again = run(world.ksp_id, "a.csv", content)
    assert (again.ok, again.registered, again.already) == (True, 0, 4)
    db.session.commit()
    assert (member_count(), entry_count()) == (4, 4)


def test_semicolons_and_a_byte_order_mark_and_empty_lines(ctx, world):
    content = b"\xef\xbb\xbf" + csv_bytes(ROWS[3:], delimiter=";").replace(b"\n", b"\n;;;\n", 1)
    _parsed, result = run(world.ksp_id, "a.CSV", content)
    assert (result.ok, result.registered) == (True, 1)


@pytest.mark.parametrize("register", [True, False], ids=["import", "check"])
def test_every_bad_row_is_reported_and_nothing_is_written(ctx, world, register):
    bad = [row[:] for row in ROWS]
    bad[0][0] = "12345"                      # row 2: NIK format
    bad[1][2] = "X"                          # row 3: gender
    bad[1][3] = "31/02/2002"                 # row 3: birth date
    bad[2][12] = ""                          # row 4: a returnee without a return date
    bad[3][7] = "tourist"                    # row 5: category
    extra = [ROWS[3][0], "Rudi Lagi", "L", "1999-07-30", "Blok", "", "2024-03-02", "lainnya",
             "", "", "", "", ""]             # row 6: the same NIK as row 5
    late = [make_nik(date(1990, 1, 1), "M", serial=20), "Joko", "L", "1990-01-01", "Blok", "",
            "2099-01-01", "other", "", "", "", "", ""]  # row 7: joins in the future
    ctkimigrant = [make_nik(date(1990, 1, 2), "M", serial=21), "Jaka", "L", "1990-01-02", "Blok",
                   "", "2024-01-01", "ctki", "Someone", "", "", "", ""]  # row 8
    parsed, result = run(world.ksp_id, "bad.csv", csv_bytes(bad + [extra, late, ctkimigrant]), register)
    found = errors_of(result)
    assert [(row, column) for row, column, _m in found] == [
        (2, "nik"), (3, "gender"), (3, "birth_date"), (4, "return_date"), (5, "category"),
        (6, "nik"), (7, "join_date"), (8, "migrant_name")]
    messages = dict(((row, column), message) for row, column, message in found)
    assert "16 digits" in messages[(2, "nik")]
    assert "L or P" in messages[(3, "gender")]
    assert "YYYY-MM-DD or DD/MM/YYYY" in messages[(3, "birth_date")]
    assert "also on row 5" in messages[(6, "nik")]
    assert "future" in messages[(7, "join_date")]
    db.session.rollback()
    assert (member_count(), entry_count(), migrant_count(world.ksp_id)) == (0, 0, 0)


@pytest.mark.parametrize("register", [True, False], ids=["import", "check"])
def test_rules_of_registration_apply_to_each_row(ctx, world, register):
    rows = [[make_nik(date(1985, 4, 2), "M", serial=1), "Ani", "P", "1985-04-02", "Blok", "",
             "2024-03-01", "other", "", "", "", "", ""],   # NIK of a man for a woman
            [make_nik(date(2010, 1, 1), "M", serial=2), "Kid", "L", "2010-01-01", "Blok", "",
             "2024-03-01", "other", "", "", "", "", ""],   # 14 years old
            [make_nik(date(1985, 4, 3), "M", serial=3), "Anto", "L", "1985-04-03", "Blok", "",
             "2024-03-01", "family", "Karta", "", "pabrik", "anak", ""]]  # no country
    _parsed, result = run(world.ksp_id, "bad.csv", csv_bytes(rows), register)
    assert [(r, c) for r, c, _m in errors_of(result)] == [(2, "nik"), (3, "birth_date"),
                                                          (4, "migrant_country")]


@pytest.mark.parametrize("register", [True, False], ids=["import", "check"])
def test_a_closed_period_is_a_row_error(ctx, world, register):
    ledger.close_period(coop(world.ksp_id), date(2024, 3, 31))
    db.session.commit()
    _parsed, result = run(world.ksp_id, "a.csv", csv_bytes(ROWS[3:]), register)
    assert [(r, c) for r, c, _m in errors_of(result)] == [(2, "join_date")]


def test_xlsx_cells_typed_as_dates_and_numbers(ctx, world):
    row = list(ROWS[3])
    row[3] = datetime(1999, 7, 30)
    row[6] = date(2024, 3, 2)
    row[5] = 81234567890                     # a phone typed as a number
    _parsed, result = run(world.ksp_id, "a.xlsx", xlsx_bytes([row]))
    assert result.ok
    member = db.session.execute(select(Member)).scalar_one()
    assert (member.birth_date, member.phone) == (date(1999, 7, 30), "81234567890")
    db.session.rollback()
    row[0] = 3201013007990014                # a NIK typed as a number loses digits in a spreadsheet
    _parsed, result = run(world.ksp_id, "b.xlsx", xlsx_bytes([row]))
    assert [(r, c) for r, c, m in errors_of(result)] == [(2, "nik")]
    assert "Store the NIK as text" in errors_of(result)[0][2]


@pytest.mark.parametrize("name,content,message", [
    ("a.txt", b"nik,name", "Upload a .csv or .xlsx file"),
    ("a", b"nik,name", "Upload a .csv or .xlsx file"),
    ("a.csv", b"", "The file is empty"),
    ("a.csv", b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ("a.xlsx", b"nik,name,gender\n", "not an Excel workbook"),
    ("a.xlsx", b"PK\x03\x04 broken zip", "not an Excel workbook"),
    ("a.csv", b"PK\x03\x04\x14\x00", "not a CSV text file"),
    ("a.csv", b"nik\x00name", "not a CSV text file"),
    ("a.csv", b"nik,name\n1,2\n", "missing: gender, birth_date, address, join_date, category"),
    ("a.csv", csv_bytes([], header=HEADER + ["religion"]), "Unknown columns: religion"),
    ("a.csv", csv_bytes([], header=HEADER + ["nik"]), "named twice"),
    ("a.csv", csv_bytes([]), "no members"),
    ("a.csv", b"\n\n", "no rows"),
])
def test_files_refused_whole(ctx, name, content, message):
    with pytest.raises(importer.ImportRefused) as caught:
        importer.read_import(name, content)
    assert message in in_english(caught.value)


def test_too_many_rows(ctx):
    row = ",".join(ROWS[3])
    content = (",".join(HEADER) + "\n" + "\n".join([row] * (importer.MAX_ROWS + 1))).encode()
    with pytest.raises(importer.ImportRefused) as caught:
        importer.read_import("big.csv", content)
    assert "at most 5000" in in_english(caught.value)


# -- the command line -------------------------------------------------------------------

def test_cli_dry_run_writes_nothing_then_the_import_writes_all(app, runner, world, tmp_path):
    path = tmp_path / "anggota.xlsx"
    path.write_bytes(xlsx_bytes(ROWS))
    result = runner.invoke(args=["coop", "import-members", str(path), "--cooperative", "ksp-a",
                                 "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "all 4 row(s) are valid" in result.output and "Nothing was written" in result.output
    assert member_counts_in(app) == (0, 0)

    result = runner.invoke(args=["coop", "import-members", str(path), "--cooperative", "KSP-A"])
    assert result.exit_code == 0, result.output
    assert "Registered 4 member(s) in KSP-A" in result.output
    assert member_counts_in(app) == (4, 4)

    result = runner.invoke(args=["coop", "import-members", str(path), "--cooperative", "KSP-A"])
    assert result.exit_code == 0 and "4 were already imported" in result.output
    assert member_counts_in(app) == (4, 4)


def test_cli_bad_file_exits_1_and_writes_nothing(app, runner, world, tmp_path):
    bad = [row[:] for row in ROWS]
    bad[2][0] = "99" + bad[2][0][2:]         # row 4: no such province
    path = tmp_path / "anggota.csv"
    path.write_bytes(csv_bytes(bad))
    result = runner.invoke(args=["coop", "import-members", str(path), "--cooperative", "KSP-A",
                                 "--lang", "en"])
    assert result.exit_code == 1
    assert "1 problem(s); nothing was imported" in result.output
    assert "row 4, column nik: The NIK's region code" in result.output
    assert member_counts_in(app) == (0, 0)


@pytest.mark.parametrize("args,code,text", [
    (["--cooperative", "NOPE"], 2, "No cooperative with code NOPE"),
    (["--cooperative", "KSP-A"], 1, "Upload a .csv or .xlsx file"),
])
def test_cli_refuses_an_unknown_cooperative_or_file_type(app, runner, world, tmp_path, args, code, text):
    path = tmp_path / "anggota.txt"
    path.write_bytes(csv_bytes(ROWS))
    result = runner.invoke(args=["coop", "import-members", str(path), *args, "--lang", "en"])
    assert result.exit_code == code
    assert text in result.output
    assert member_counts_in(app) == (0, 0)
