"""The levels above a village (indicators/rollup.py): the villages of a kabupaten sum to the
kabupaten, a ratio at every level is the sum of numerators over the sum of denominators
(never the mean of the villages' ratios), regions by official code (a cooperative without
codes under its written name), cohorts, types, and K4's small cells withheld in programme
views."""
from datetime import date
from decimal import Decimal

import pytest

from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.indicators import rollup
from coop_app.indicators.figures import ALL, Figure
from coop_app.indicators.report import Value
from coop_app.provisioning import create_cooperative

D = Decimal
JUNTINYUAT, SEGERAN_KIDUL, WERU_KIDUL = "32.12.11.2005", "32.12.11.2001", "32.09.19.2007"


@pytest.fixture
def villages(ctx):
    """Two villages of Kabupaten Indramayu (cohorts 2024 and 2025), one of Kabupaten Cirebon,
    and a BMT whose region was written before the official list (no codes)."""
    a = create_cooperative("KSP-A", "ksp", name="KSP Sumber Rejeki", village_code=JUNTINYUAT,
                           founded_on=date(2018, 3, 1))
    b = create_cooperative("KSP-B", "ksp", name="KSP Segeran", village_code=SEGERAN_KIDUL,
                           founded_on=date(2019, 1, 1))
    c = create_cooperative("KSP-C", "ksp", name="KSP Weru", village_code=WERU_KIDUL,
                           founded_on=date(2019, 1, 1))
    d = Cooperative(code="BMT-D", name="BMT Lama", type="kspps", village="Sukamaju",
                    kecamatan="Sukamaju", kabupaten="Kab. Lama", province="Jawa Barat",
                    founded_on=date(2015, 1, 1))
    db.session.add(d)
    a.programme_cohort, b.programme_cohort, c.programme_cohort = 2024, 2025, 2024
    db.session.commit()
    return a, b, c, d


def figures(a, b, c, d):
    """The usage rate (k2_users, a share): A 9 of 10 members (90%), B 10 of 100 (10%):
    Indramayu's mean of ratios would be 50%, its real rate is 19 of 110. Savings in sen.
    Turnover (K4, a mean per enterprise reporting): A 3 enterprises, B 4."""
    return [
        Figure(a.id, "k2_users", ALL, 9, 10), Figure(b.id, "k2_users", ALL, 10, 100),
        Figure(c.id, "k2_users", ALL, 30, 40), Figure(d.id, "k2_users", ALL, 1, 2),
        Figure(a.id, "k1_member_savings", ALL, 1_000_000_00), Figure(b.id, "k1_member_savings", ALL, 250_000_00),
        Figure(c.id, "k1_member_savings", ALL, 500_00), Figure(d.id, "k1_member_savings", ALL, 7_00),
        Figure(a.id, "k4_turnover", ALL, 9_000_000_00, 3), Figure(b.id, "k4_turnover", ALL, 8_000_000_00, 4),
        # Another cut: never mixed into "all".
        Figure(a.id, "k2_users", "gender:F", 5, 6), Figure(b.id, "k2_users", "gender:F", 1, 50),
    ]


def by_label(groups):
    return {group.label: group for group in groups}


def test_the_villages_of_a_kabupaten_sum_to_the_kabupaten_and_ratios_come_from_sums(villages):
    a, b, c, d = villages
    cooperatives = [a, b, c, d]
    kabupaten = by_label(rollup.rollup(cooperatives, figures(*villages), rollup.KABUPATEN, cut=ALL))
    assert list(kabupaten) == ["Kab. Lama", "Kabupaten Cirebon", "Kabupaten Indramayu"]
    indramayu = kabupaten["Kabupaten Indramayu"]
    assert (indramayu.key, indramayu.cooperative_ids) == ("32.12", sorted([a.id, b.id]))
    usage = indramayu.values["k2_users"]
    assert usage == Value(19, 110)
    assert usage.ratio == D(19) / D(110)  # 17.27%
    assert usage.ratio != (D(9) / D(10) + D(10) / D(100)) / 2  # not the 50% of averaging
    assert indramayu.values["k1_member_savings"] == Value(1_250_000_00, None)

    # Unsuppressed (K4's small village cells are withheld in programme views; see below).
    village_groups = rollup.rollup(cooperatives, figures(*villages), rollup.VILLAGE, cut=ALL,
                                   suppress=False)
    assert [(g.key, g.label) for g in village_groups] == [
        ("KSP-A", "Juntinyuat"), ("KSP-B", "Segeran Kidul"), ("BMT-D", "Sukamaju"), ("KSP-C", "Weru Kidul")]
    of_indramayu = [g for g in village_groups if g.cooperative_ids[0] in indramayu.cooperative_ids]
    for key in ("k2_users", "k1_member_savings", "k4_turnover"):
        assert sum(g.values[key].numerator for g in of_indramayu) == indramayu.values[key].numerator
    assert sum(g.values["k2_users"].denominator for g in of_indramayu) == 110


def test_provinces_kecamatan_programme_cohorts_and_types(villages):
    a, b, c, d = villages
    cooperatives = [a, b, c, d]
    rows = figures(*villages)
    province = rollup.rollup(cooperatives, rows, rollup.PROVINCE, cut=ALL)
    # The BMT's written province is grouped apart from the coded one of the same name.
    assert [(g.key, g.label, g.values["k2_users"]) for g in province] == [
        ("32", "Jawa Barat", Value(49, 150)), ("~jawa barat", "Jawa Barat", Value(1, 2))]
    kecamatan = rollup.rollup(cooperatives, rows, rollup.KECAMATAN, cut=ALL)
    assert [(g.key, g.label, len(g.cooperative_ids)) for g in kecamatan] == [
        ("32.12.11", "Juntinyuat", 2), ("~jawa barat/kab lama/sukamaju", "Sukamaju", 1),
        ("32.09.19", "Weru", 1)]
    [programme] = rollup.rollup(cooperatives, rows, rollup.PROGRAMME, cut=ALL)
    assert programme.values["k2_users"] == Value(50, 152)
    assert programme.values["k1_member_savings"].numerator == 1_250_000_00 + 500_00 + 7_00
    cohorts = rollup.rollup(cooperatives, rows, rollup.COHORT, cut=ALL)
    assert [(g.key, g.label, g.values["k2_users"]) for g in cohorts] == [
        ("2024", "2024", Value(39, 50)), ("2025", "2025", Value(10, 100)),
        ("", "Tanpa angkatan", Value(1, 2))]
    types = rollup.rollup(cooperatives, rows, rollup.TYPE, cut=ALL)
    assert [(g.key, g.label, g.values["k2_users"]) for g in types] == [
        ("ksp", "KSP", Value(49, 150)), ("kspps", "KSPPS/BMT", Value(1, 2))]
    women = by_label(rollup.rollup(cooperatives, rows, rollup.KABUPATEN, cut="gender:F"))
    assert women["Kabupaten Indramayu"].values == {"k2_users": Value(6, 56)}
    assert women["Kabupaten Cirebon"].values == {}


def test_k4_cells_of_fewer_than_five_are_withheld_in_programme_views(villages):
    a, b, c, d = villages
    rows = figures(*villages)
    village_groups = {g.key: g for g in rollup.rollup(villages, rows, rollup.VILLAGE, cut=ALL)}
    # Three and four enterprises: each village's mean turnover would tell on its enterprises.
    assert village_groups["KSP-A"].values["k4_turnover"] == Value(0, None, suppressed=True)
    assert village_groups["KSP-B"].values["k4_turnover"].suppressed
    # Other indicators are not panel cells: shown.
    assert village_groups["KSP-A"].values["k2_users"] == Value(9, 10)
    # Seven together in the kabupaten: shown, from the sums.
    indramayu = by_label(rollup.rollup(villages, rows, rollup.KABUPATEN, cut=ALL))["Kabupaten Indramayu"]
    assert indramayu.values["k4_turnover"] == Value(17_000_000_00, 7)
    # The cooperative's own page (not a programme view) shows its own cell.
    own = rollup.rollup([a], rows, rollup.VILLAGE, cut=ALL, suppress=False)
    assert own[0].values["k4_turnover"] == Value(9_000_000_00, 3)
