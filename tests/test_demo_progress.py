"""`flask coop demo` tells its progress as it loads (about a minute; `make run` printed
nothing all that time), in the reader's language, and ends with what was loaded and whom
to log in as. Fast: the loader is a stub here; tests/test_demo.py runs the real one once."""
import re
from datetime import date

import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from coop_app.demo import Timeline, _posting_month
from coop_app.demo import commands

STAMP = re.compile(r"^\[ *\d+ s\] ")


def test_the_timeline_tells_each_month_as_it_reaches_it(app):
    done, months = [], []
    timeline = Timeline(today=date(2026, 3, 10))
    for day in (date(2026, 3, 2), date(2026, 1, 5), date(2026, 1, 31), date(2026, 3, 9),
                date(2026, 3, 11)):  # the last is after today: never run
        timeline.add(day, 0, None, done.append, day)
    with app.app_context():
        timeline.run(months.append)
    assert done == [date(2026, 1, 5), date(2026, 1, 31), date(2026, 3, 2), date(2026, 3, 9)]
    assert months == [date(2026, 1, 5), date(2026, 3, 2)]  # a month with nothing says nothing


def test_a_month_reads_in_both_languages(app):
    lines = []
    _posting_month(lines.append, 2, "KSPPS BMT Desmigratif Al-Amanah", date(2026, 1, 5))
    with app.app_context():
        with force_locale("id"):
            assert str(lines[0]) == "Koperasi 2/2, KSPPS BMT Desmigratif Al-Amanah: membukukan 01/2026"
        with force_locale("en"):
            assert str(lines[0]) == "Cooperative 2/2, KSPPS BMT Desmigratif Al-Amanah: posting 01/2026"


def stub_loader(created):
    def load_demo(progress=None):
        if created:
            progress(_l("Loading the demo data: the cooperatives and their users"))
            progress(_l("Cooperative %(n)d/%(total)d, %(name)s: posting %(month)s",
                        n=1, total=2, name="KSP Desmigratif Sumber Rejeki", month="11/2025"))
        return created
    return load_demo


@pytest.fixture
def stubbed(monkeypatch):
    def stub(created):
        monkeypatch.setattr(commands, "load_demo", stub_loader(created))
        monkeypatch.setattr(commands, "refresh_statistics", lambda session: None)
    return stub


def test_the_command_tells_its_progress_in_indonesian(runner, stubbed):
    stubbed(True)
    result = runner.invoke(args=["coop", "demo", "--url", "http://127.0.0.1:5000/"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(STAMP.match(line) for line in lines[:3])
    assert [STAMP.sub("", line) for line in lines[:3]] == [
        "Memuat data demo: koperasi dan penggunanya",
        "Koperasi 1/2, KSP Desmigratif Sumber Rejeki: membukukan 11/2025",
        "Menyimpan data demo"]
    # the stub loaded nothing: the summary counts what the database holds
    assert re.fullmatch(r"Data demo dimuat dalam \d+ detik: 0 koperasi, 0 pengguna, 0 anggota, "
                        r"0 rekening simpanan, 0 pinjaman/pembiayaan, 0 jurnal\.", lines[3])
    assert lines[4] == ("Buka http://127.0.0.1:5000/ dan masuk dengan kata sandi Desmigratif2026 sebagai "
                        "salah satu dari: admin, auditor, pendamping.jabar, ksp.manajer, ksp.bendahara, "
                        "ksp.pendamping, ksp.anggota, bmt.manajer, bmt.bendahara, bmt.anggota.")
    assert len(lines) == 5


def test_the_command_speaks_english_when_asked(runner, stubbed):
    stubbed(True)
    result = runner.invoke(args=["coop", "demo", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert STAMP.sub("", result.output.splitlines()[0]) == "Loading the demo data: the cooperatives and their users"
    assert result.output.splitlines()[-1].startswith(
        "Log in with the password Desmigratif2026 as one of: admin, auditor,")


def test_an_already_loaded_demo_says_so_and_how_to_log_in(runner, stubbed):
    stubbed(False)
    result = runner.invoke(args=["coop", "demo", "--lang", "en", "--url", "http://127.0.0.1:8080/"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Demo data already loaded; nothing changed.",
        "Open http://127.0.0.1:8080/ and log in with the password Desmigratif2026 as one of: admin, "
        "auditor, pendamping.jabar, ksp.manajer, ksp.bendahara, ksp.pendamping, ksp.anggota, bmt.manajer, "
        "bmt.bendahara, bmt.anggota."]


def test_a_bad_language_is_refused_by_click(runner, stubbed):
    stubbed(True)
    result = runner.invoke(args=["coop", "demo", "--lang", "fr"])
    assert result.exit_code == 2 and "Invalid value for '--lang'" in result.output
