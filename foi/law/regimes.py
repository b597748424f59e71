"""The access regimes and what the law says of each: time limits and the sections cited.

Which regime a request is made under (FOIA, EIR, FOISA, a subject access request, or none),
the statutory periods in working days and months, and the sections each regime's rules cite in
notes and explanations. Pure data: nothing is computed here.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum


class Regime(StrEnum):
    """Which access regime a request is made under."""

    FOIA = "foia"
    EIR = "eir"
    FOISA = "foisa"
    SAR = "sar"
    NONE = "none"  # body not subject to FOI: no statutory clock


RESPONSE_DAYS = 20  # FOIA s.10(1), EIR reg 5(2), FOISA s.10(1)
EXTENDED_DAYS = 40  # EIR reg 7(1); FOIA s.10(3) with the ICO's 20 further days; WDTK "long overdue"
REVIEW_REQUEST_DAYS = 40  # s.45 Code; EIR reg 11(2); FOISA s.20(5)
REVIEW_DAYS = 20  # s.45 Code; FOISA s.21(1)
REVIEW_MAX_DAYS = 40  # s.45 Code (exceptional cases); EIR reg 11(4) (statutory)
ICO_WINDOW = timedelta(days=42)  # six weeks: ICO complaint pages
FEE_LAPSE_MONTHS = 3  # FOIA s.9(2), FOISA s.9(4)
COMMISSIONER_MONTHS = 6  # FOISA s.47(4)
SAR_MONTHS = 1  # UK GDPR Art. 12(3)
SAR_EXTENDED_MONTHS = 3  # Art. 12(3): "extended by two further months"

_FOI_REGIMES = frozenset({Regime.FOIA, Regime.EIR, Regime.FOISA})

# What each regime's explanation cites.
_TITLE = {
    Regime.FOIA: "Freedom of Information Act 2000 (FOIA)",
    Regime.EIR: "Environmental Information Regulations 2004 (EIR)",
    Regime.FOISA: "Freedom of Information (Scotland) Act 2002 (FOISA)",
    Regime.SAR: "UK GDPR subject access request (SAR)",
    Regime.NONE: "no access regime (body not subject to FOI)",
}
_DUE_CITE = {Regime.FOIA: "FOIA s.10(1)", Regime.EIR: "EIR reg 5(2)", Regime.FOISA: "FOISA s.10(1)"}
_DUE_RULE = {
    **{r: f"20th working day after receipt ({cite})" for r, cite in _DUE_CITE.items()},
    Regime.SAR: "one calendar month after receipt, then the next working day (UK GDPR Art. 12(3))",
    Regime.NONE: "none: no statutory time limit",
}
_WORKING_DAY_RULE = {
    Regime.FOIA: "not Saturday, Sunday, Christmas Day, Good Friday or a bank holiday anywhere in"
    " the UK (FOIA s.10(6))",
    Regime.EIR: "not Saturday, Sunday, Christmas Day, Good Friday or a bank holiday anywhere in"
    " the UK (EIR reg 2(1))",
    Regime.FOISA: "not Saturday, Sunday, Christmas Day or a Scottish bank holiday (FOISA s.73)",
    Regime.SAR: "not Saturday, Sunday, or a bank holiday anywhere in the UK",
    Regime.NONE: "not Saturday, Sunday, or a bank holiday anywhere in the UK",
}
_CLARIFICATION = {
    Regime.FOIA: "FOIA s.1(3), s.10(6)(b)",
    Regime.EIR: "EIR reg 9(4)",
    Regime.FOISA: "FOISA s.1(3)",
    Regime.SAR: "UK GDPR Art. 12(3); ICO guidance",
    Regime.NONE: "",
}
_FEE = {
    Regime.FOIA: "FOIA s.10(2)",
    Regime.EIR: "EIR reg 8",
    Regime.FOISA: "FOISA s.10(2)",
    Regime.SAR: "UK GDPR Art. 12(5); ICO guidance",
    Regime.NONE: "",
}
_EXTENSION = {
    Regime.FOIA: "FOIA s.10(3)",
    Regime.EIR: "EIR reg 7(1)",
    Regime.FOISA: "FOISA allows none",
    Regime.SAR: "UK GDPR Art. 12(3)",
    Regime.NONE: "",
}


def _cite(table: dict[Regime, str], regime: Regime) -> str:
    text = table[regime]
    return f" ({text})" if text else ""
