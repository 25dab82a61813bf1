"""flask coop loan-schedule: the worked examples through the command line, and bad input
refused with exit code 2 and a one-line message."""
import json

import pytest


def run(app, *args):
    return app.test_cli_runner().invoke(args=["coop", "loan-schedule", *args])


def test_l1_flat_as_json(app):
    result = run(app, "--method", "flat", "--principal", "90000000", "--annual-rate", "12",
                 "--term", "36", "--start", "2024-01-31", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"installments", "totals"}
    assert len(data["installments"]) == 36
    assert data["installments"][0] == {
        "n": 1, "due_date": "2024-02-29", "principal": "2500000.00", "interest": "900000.00",
        "total": "3400000.00", "balance": "87500000.00"}
    assert {row["total"] for row in data["installments"]} == {"3400000.00"}
    assert data["installments"][-1]["balance"] == "0.00"
    assert data["totals"] == {"principal": "90000000.00", "interest": "32400000.00",
                              "total": "122400000.00"}


@pytest.mark.parametrize("rate_or_margin", [["--annual-rate", "10"], ["--margin", "4800000"],
                                            ["--margin", "4800000", "--annual-rate", "0"]])
def test_m1_murabahah_as_json(app, rate_or_margin):
    result = run(app, "--method", "murabahah", "--principal", "16000000", *rate_or_margin,
                 "--term", "36", "--start", "2024-01-15", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["totals"] == {"principal": "16000000.00", "interest": "4800000.00",
                              "total": "20800000.00"}
    assert {row["total"] for row in data["installments"][:-1]} == {"577778.00"}
    assert data["installments"][0]["interest"] == "133333.00"
    assert data["installments"][-1]["balance"] == "0.00"


def test_m1_rounded_to_rp100(app):
    result = run(app, "--method", "murabahah", "--principal", "16000000", "--annual-rate", "10",
                 "--term", "36", "--start", "2024-01-15", "--rounding", "100", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["installments"][0]["total"] == "577800.00"


def test_table_with_thousands_separators(app):
    result = run(app, "--method", "effective", "--principal", "5000000", "--annual-rate", "22",
                 "--term", "12", "--start", "2024-01-31", "--frequency", "monthly")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["No", "Due", "date", "Principal", "Interest", "Total", "Balance"]
    assert lines[2].split() == ["1", "2024-02-29", "416.666", "91.667", "508.333", "4.583.334"]
    assert lines[-1].split() == ["Total", "5.000.000", "595.834", "5.595.834"]


def test_weekly_qardh_with_sen_and_grace(app):
    result = run(app, "--method", "qardh", "--principal", "1000000.50", "--term", "4",
                 "--start", "2024-01-01", "--frequency", "weekly", "--grace", "1", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [row["due_date"] for row in data["installments"]] == [
        "2024-01-15", "2024-01-22", "2024-01-29", "2024-02-05"]
    assert data["totals"]["principal"] == "1000000.50"


BAD = [
    ["--principal", "9000000x"],
    ["--principal", "1e6"],
    ["--principal", "0.1.2"],
    ["--principal", "nan"],
    ["--principal", "0"],
    ["--principal", "100.005"],
    ["--annual-rate", "12%"],
    ["--annual-rate", "101"],
    ["--annual-rate", "-1"],
    ["--term", "0"],
    ["--term", "361"],
    ["--grace", "12"],
    ["--margin", "100000"],
]


@pytest.mark.parametrize("bad", BAD)
def test_bad_input_is_refused_in_one_line(app, bad):
    options = {"--method": "flat", "--principal": "1000000", "--annual-rate": "12",
               "--term": "12", "--start": "2024-01-31"}
    options.update(dict(zip(bad[::2], bad[1::2], strict=True)))
    result = run(app, *[part for pair in options.items() for part in pair])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert bad[0] in result.stderr
    assert "Traceback" not in result.stderr


def test_rate_required_unless_qardh_or_margin(app):
    result = run(app, "--method", "annuity", "--principal", "1000000", "--term", "12",
                 "--start", "2024-01-31")
    assert result.exit_code == 2
    assert "--annual-rate" in result.stderr


def test_rate_and_margin_together_are_refused(app):
    result = run(app, "--method", "murabahah", "--principal", "1000000", "--annual-rate", "10",
                 "--margin", "100000", "--term", "12", "--start", "2024-01-31")
    assert result.exit_code == 2 and "--margin" in result.stderr


def test_qardh_with_a_rate_is_refused_in_english(app):
    result = run(app, "--method", "qardh", "--principal", "1000000", "--annual-rate", "5",
                 "--term", "12", "--start", "2024-01-31", "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr.strip() == "--annual-rate: A qardh loan is benevolent: its rate must be 0."


@pytest.mark.parametrize("bad", [["--method", "balloon"], ["--start", "31-01-2024"],
                                 ["--rounding", "10"], ["--frequency", "daily"]])
def test_choices_and_dates_are_checked_by_click(app, bad):
    options = {"--method": "flat", "--principal": "1000000", "--annual-rate": "12",
               "--term": "12", "--start": "2024-01-31"}
    options.update(dict(zip(bad[::2], bad[1::2], strict=True)))
    result = run(app, *[part for pair in options.items() for part in pair])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
