"""The pillar-4 indicators: what each one counts, in which unit, and where it drills down.

For a period P ending at t. "Member" never includes a cancelled registration; an active
member at t joined on or before t and had not left by t. A ratio is always the sum of the
numerators over the sum of the denominators of the cooperatives it covers.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

# Units: money (numerator in sen), count, share (numerator / denominator, shown as a
# percentage), mean (money numerator per denominator unit), net (a count that may be negative).
MONEY, COUNT, SHARE, MEAN, NET = "money", "count", "share", "mean", "net"
# What a figure drills down to.
MEMBERS, HOUSEHOLDS, ENTERPRISES, MIGRANTS = "members", "households", "enterprises", "migrants"
# The cuts of figures about members (the cooperative-level ones have only "all").
MEMBER_CUTS = ("category", "gender")


@dataclass(frozen=True)
class Indicator:
    key: str
    group: str  # K1 ... K9
    unit: str
    label: object
    definition: object
    drill: str | None = None
    cuts: tuple = ()  # the cut dimensions it is computed for, besides "all"
    snapshot: bool = True  # stored at month-end (K4's household panel is always live)


INDICATORS = [
    Indicator("k1_member_savings", "K1", MONEY, _l("Members' savings"),
              _l("The balances of all savings accounts of members at t, every product."),
              MEMBERS, MEMBER_CUTS),
    Indicator("k1_savings_per_member", "K1", MEAN, _l("Savings per active member"),
              _l("Members' savings at t over the active members at t."), MEMBERS, MEMBER_CUTS),
    Indicator("k1_own_capital", "K1", MONEY, _l("Own capital"),
              _l("The cooperative's equity in the books at t: simpanan pokok and wajib, reserves, "
                 "grants, undistributed SHU and the current year's surplus.")),
    Indicator("k1_productive_outstanding", "K1", MONEY, _l("Productive credit outstanding"),
              _l("Principal outstanding at t of loans for working capital or investment."),
              MEMBERS, MEMBER_CUTS),
    Indicator("k1_productive_disbursed", "K1", MONEY, _l("Productive credit disbursed"),
              _l("Principal of loans for working capital or investment disbursed in P."),
              MEMBERS, MEMBER_CUTS),
    Indicator("k1_productive_borrowers", "K1", COUNT, _l("Productive borrowers"),
              _l("Members with productive credit outstanding at t."), MEMBERS, MEMBER_CUTS),
    Indicator("k1_remittance_saved", "K1", SHARE, _l("Share of remittances saved"),
              _l("The part of the remittances received in P that went to savings (simpanan "
                 "wajib and voluntary savings), over the remittances received in P; a reversed "
                 "remittance does not count."), MEMBERS, MEMBER_CUTS),
    Indicator("k2_active_members", "K2", COUNT, _l("Active members"),
              _l("Members who had joined by t and not left by t."), MEMBERS, MEMBER_CUTS),
    Indicator("k2_users", "K2", SHARE, _l("Usage rate"),
              _l("Active members at t with at least one movement they made in P (deposit, "
                 "withdrawal, remittance, disbursement, repayment), over the active members at "
                 "t. Interest postings, exit settlements and reversed entries do not count."),
              MEMBERS, MEMBER_CUTS),
    Indicator("k2_borrowers", "K2", SHARE, _l("Borrowers"),
              _l("Active members with a loan outstanding at t, over the active members."),
              MEMBERS, MEMBER_CUTS),
    Indicator("k2_household_penetration", "K2", SHARE, _l("Household penetration"),
              _l("Households (family cards) with an active member at t, over the village's "
                 "households in its profile for t's year (or else its latest earlier one)."),
              HOUSEHOLDS),
    Indicator("k2_migrant_coverage", "K2", SHARE, _l("Migrant-household coverage"),
              _l("Households with an active member who is a migrant's family or a returnee, "
                 "over the village's migrant households in its profile for t's year (or else "
                 "its latest earlier one)."),
              HOUSEHOLDS),
    Indicator("k3_entrepreneurs", "K3", SHARE, _l("Productive entrepreneurs"),
              _l("Active members owning at least one active enterprise at t (started by t and "
                 "not closed by t), over the active members."), MEMBERS, MEMBER_CUTS),
    Indicator("k3_new_enterprises", "K3", COUNT, _l("New enterprises"),
              _l("Members' enterprises started in P."), ENTERPRISES, MEMBER_CUTS),
    Indicator("k3_with_productive_loan", "K3", SHARE, _l("Entrepreneurs with productive credit"),
              _l("Entrepreneurs at t with productive credit outstanding, over the entrepreneurs."),
              MEMBERS, MEMBER_CUTS),
    Indicator("k3_ovop", "K3", COUNT, _l("OVOP enterprises"),
              _l("Active enterprises at t making the village's One Village One Product."),
              ENTERPRISES, MEMBER_CUTS),
    Indicator("k4_turnover", "K4", MEAN, _l("Enterprise turnover"),
              _l("Turnover (omzet) reported for months or quarters lying inside P, over the "
                 "enterprises reporting."), ENTERPRISES, MEMBER_CUTS),
    Indicator("k4_net_income", "K4", MEAN, _l("Enterprise net income"),
              _l("Net income (turnover less costs) reported for months or quarters lying inside "
                 "P, over the enterprises reporting."), ENTERPRISES, MEMBER_CUTS),
    Indicator("k5_jobs", "K5", COUNT, _l("Jobs in members' enterprises"),
              _l("People working at t in members' active enterprises, from each one's latest "
                 "report by t, by kind (owner, unpaid family, hired) and gender; an enterprise "
                 "with no report by t counts its registered workers as owners of the owner's "
                 "gender."),
              ENTERPRISES, ("work", "gender")),
    Indicator("k5_net_jobs", "K5", NET, _l("Net jobs created"),
              _l("Jobs at t less jobs on the day before P began."), ENTERPRISES,
              ("work", "gender")),
    Indicator("k6_trained", "K6", COUNT, _l("Members trained"),
              _l("Members who attended a training in P, each counted once (by training type: "
                 "once per type)."), MEMBERS, ("training", "category", "gender")),
    Indicator("k6_trained_share", "K6", SHARE, _l("Active members trained in 12 months"),
              _l("Active members at t who attended a training in the twelve months to t, over "
                 "the active members."), MEMBERS, MEMBER_CUTS),
    Indicator("k6_certified", "K6", COUNT, _l("Certified members"),
              _l("Active members at t holding a certificate from a training held by t."),
              MEMBERS, MEMBER_CUTS),
    Indicator("k6_assistance", "K6", MEAN, _l("Assistance received"),
              _l("The value of assistance in kind or cash given in P to members' enterprises, "
                 "over the enterprises assisted."), ENTERPRISES, MEMBER_CUTS),
    Indicator("k7_assets", "K7", MONEY, _l("Total assets"),
              _l("The cooperative's assets in the books at t.")),
    Indicator("k7_oss", "K7", SHARE, _l("Operational self-sufficiency"),
              _l("Income in P over expenses in P in the books (cost of funds, provisions, cost "
                 "of sales and general expenses), the year-end closing entry apart.")),
    Indicator("k7_par30", "K7", SHARE, _l("PAR30"),
              _l("Principal outstanding at t of loans more than 30 days past due, over all "
                 "principal outstanding at t.")),
    Indicator("k8_wajib_compliance", "K8", SHARE, _l("Simpanan wajib compliance"),
              _l("Simpanan wajib paid for the months of P, over what was due for them: a "
                 "month's payment is due from a member who had joined and not left by the "
                 "month's end, and what was paid up to t covers the oldest dues first."),
              MEMBERS, MEMBER_CUTS),
    Indicator("k8_voluntary_holders", "K8", SHARE, _l("Members with voluntary savings"),
              _l("Active members with a voluntary savings balance (sukarela, time deposit, "
                 "wadiah or mudharabah) at t, over the active members."), MEMBERS, MEMBER_CUTS),
    Indicator("k9_nonprocedural", "K9", SHARE, _l("Non-procedural departures"),
              _l("Migrant workers who departed in P recorded as non-procedural, over all who "
                 "departed in P."), MIGRANTS, ("gender",)),
]
BY_KEY = {indicator.key: indicator for indicator in INDICATORS}

GROUPS = {
    "K1": _l("Community capital"),
    "K2": _l("People using the cooperative"),
    "K3": _l("Productive entrepreneurs"),
    "K4": _l("Income and purchasing power"),
    "K5": _l("Jobs in the village"),
    "K6": _l("Skills"),
    "K7": _l("The cooperative's own development"),
    "K8": _l("Family finance"),
    "K9": _l("Non-procedural departures"),
}
# Indicators a group shows that another group computes (K7 also shows members and own
# capital; K8 the share of remittances saved).
ALSO_SHOWN = {"K7": ("k2_active_members", "k1_own_capital"), "K8": ("k1_remittance_saved",)}


def shown_in(group):
    """The indicators a group's table shows, in order."""
    own = [indicator for indicator in INDICATORS if indicator.group == group]
    return [BY_KEY[key] for key in ALSO_SHOWN.get(group, ())] + own
