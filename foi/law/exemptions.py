"""Exemptions a body may cite, per regime: a catalogue, spellings people use, and equivalents.

Pure: no database, no printing, no clock. The CLI validates `--exemption` values here and
stores the canonical code (e.g. "s40(2)"); reports group codes by their family ("s40").

Codes:
  FOIA 2000 and FOISA 2002   "s" + section + subsections: s40(2), s36(2)(b)(i), s22A
  EIR 2004                   "r" + regulation + paragraphs: r12(4)(a), r13(1)
  SAR (UK GDPR / DPA 2018)   art12(5), art15(4); sch2p16 (DPA 2018 Sch 2 para 16); s45(4)(b)

`absolute` means no public interest test applies (FOIA s.2(3), FOISA s.2(2)). Procedural
refusals (cost limit, vexatious) have no public interest test either, so they are marked
absolute and `procedural`. For SAR grounds, absolute means a class-based exemption with no
harm, prejudice or balancing test. A bare section whose subsections differ (FOIA s37, FOISA
s36) is marked qualified: the body has to say which part applies.

"Not held" is an outcome, not an exemption (FOIA s.1(1)(a), FOISA s.17): it is refused here
with a pointer to `--outcome not-held`. Under the EIR, though, "information not held" is a
formal exception (reg 12(4)(a)) and is accepted as such.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from foi.errors import UsageError

REGIMES: tuple[str, ...] = ("foia", "eir", "foisa", "sar")

REGIME_NAMES: dict[str, str] = {
    "foia": "FOIA",
    "eir": "EIR",
    "foisa": "FOISA",
    "sar": "SAR",
}

# What one entry is called under each regime, with its article, for messages.
_ENTRY_NOUN: dict[str, str] = {
    "foia": "a FOIA exemption",
    "eir": "an EIR exception",
    "foisa": "a FOISA exemption",
    "sar": "a SAR exemption",
}


class ExemptionError(UsageError, ValueError):
    """An exemption or regime that cannot be used; the message says what to type instead."""


@dataclass(frozen=True)
class Exemption:
    """One citable exemption (or procedural refusal) of one regime."""

    regime: str
    code: str
    title: str
    absolute: bool
    family: str
    procedural: bool = False
    ncnd: bool = False  # "neither confirm nor deny" form of the exemption
    bare: bool = False  # a section cited without saying which of its subsections applies

    @property
    def kind(self) -> str:
        """'procedural', 'absolute' or 'qualified' (public interest test)."""
        if self.procedural:
            return "procedural"
        return "absolute" if self.absolute else "qualified"

    @property
    def label(self) -> str:
        """The code and title for display: 's40 — Personal information (subsection not given)'."""
        suffix = f" ({_part_word(self.regime)} not given)" if self.bare else ""
        return f"{self.code} — {self.title}{suffix}"


def _part_word(regime: str) -> str:
    """What the Act calls the part below a section: subsection, paragraph."""
    return {"eir": "paragraph", "sar": "paragraph"}.get(regime, "subsection")


# ---------------------------------------------------------------------------------------------
# The catalogues. Flags: A = absolute, P = procedural (no public interest test), N = neither
# confirm nor deny. No flag = qualified. Titles follow the headings of the Acts.

_FOIA = """
s12         | A P   | Cost of compliance exceeds the appropriate limit
s12(1)      | A P   | Cost of compliance exceeds the appropriate limit
s12(2)      | A P N | Cost of confirming or denying exceeds the appropriate limit
s14         | A P   | Vexatious or repeated request
s14(1)      | A P   | Vexatious request
s14(2)      | A P   | Repeated request
s21         | A     | Information accessible to applicant by other means
s21(1)      | A     | Information accessible to applicant by other means
s22         |       | Information intended for future publication
s22(1)      |       | Information intended for future publication
s22A        |       | Research information
s22A(1)     |       | Research information
s23         | A     | Information supplied by, or relating to, bodies dealing with security matters
s23(1)      | A     | Information supplied by, or relating to, bodies dealing with security matters
s23(5)      | A N   | Security bodies: neither confirm nor deny
s24         |       | National security
s24(1)      |       | National security
s24(2)      | N     | National security: neither confirm nor deny
s26         |       | Defence
s26(1)      |       | Defence
s27         |       | International relations
s27(1)      |       | International relations: prejudice
s27(2)      |       | International relations: confidential information from another State
s28         |       | Relations within the United Kingdom
s28(1)      |       | Relations within the United Kingdom
s29         |       | The economy
s29(1)      |       | The economy
s30         |       | Investigations and proceedings conducted by public authorities
s30(1)      |       | Investigations and proceedings: criminal investigations and proceedings
s30(1)(a)   |       | Investigations: whether a person should be charged with an offence
s30(1)(b)   |       | Investigations which may lead to criminal proceedings
s30(1)(c)   |       | Criminal proceedings the authority has power to conduct
s30(2)      |       | Investigations and proceedings: confidential sources
s30(3)      | N     | Investigations and proceedings: neither confirm nor deny
s31         |       | Law enforcement
s31(1)      |       | Law enforcement
s31(1)(a)   |       | Law enforcement: prevention or detection of crime
s31(1)(b)   |       | Law enforcement: apprehension or prosecution of offenders
s31(1)(c)   |       | Law enforcement: administration of justice
s31(1)(d)   |       | Law enforcement: assessment or collection of tax or duty
s31(1)(e)   |       | Law enforcement: operation of immigration controls
s31(1)(f)   |       | Law enforcement: security and good order in prisons
s31(1)(g)   |       | Law enforcement: a public authority's functions for the purposes in s.31(2)
s31(1)(h)   |       | Law enforcement: civil proceedings arising from an investigation
s31(1)(i)   |       | Law enforcement: fatal accident inquiries (Scotland)
s31(3)      | N     | Law enforcement: neither confirm nor deny
s32         | A     | Court records
s32(1)      | A     | Court records: documents filed with, served in or created by a court
s32(2)      | A     | Court records: documents of an inquiry or arbitration
s33         |       | Audit functions
s33(2)      |       | Audit functions
s34         | A     | Parliamentary privilege
s34(1)      | A     | Parliamentary privilege
s35         |       | Formulation of government policy
s35(1)(a)   |       | Formulation or development of government policy
s35(1)(b)   |       | Ministerial communications
s35(1)(c)   |       | Law Officers' advice
s35(1)(d)   |       | Operation of a Ministerial private office
s36         |       | Prejudice to effective conduct of public affairs
s36(2)(a)   |       | Public affairs: collective responsibility of Ministers
s36(2)(b)(i)  |     | Public affairs: free and frank provision of advice
s36(2)(b)(ii) |     | Public affairs: free and frank exchange of views for deliberation
s36(2)(c)   |       | Public affairs: otherwise prejudice the effective conduct of public affairs
s36(3)      | N     | Public affairs: neither confirm nor deny
s37         |       | Communications with Her Majesty, etc. and honours
s37(1)(a)   | A     | Communications with the Sovereign
s37(1)(b)   |       | Honours and dignities
s38         |       | Health and safety
s38(1)      |       | Health and safety
s38(1)(a)   |       | Health and safety: physical or mental health of any individual
s38(1)(b)   |       | Health and safety: safety of any individual
s38(2)      | N     | Health and safety: neither confirm nor deny
s39         |       | Environmental information (to be handled under the EIR)
s39(1)      |       | Environmental information (to be handled under the EIR)
s40         | A     | Personal information
s40(1)      | A     | Personal information: the requester's own (a subject access request)
s40(2)      | A     | Personal information: third parties
s40(5A)     | A N   | Personal information: neither confirm nor deny (the requester's own)
s40(5B)     | A N   | Personal information: neither confirm nor deny (third parties)
s41         | A     | Information provided in confidence
s41(1)      | A     | Information provided in confidence
s41(2)      | A N   | Information provided in confidence: neither confirm nor deny
s42         |       | Legal professional privilege
s42(1)      |       | Legal professional privilege
s42(2)      | N     | Legal professional privilege: neither confirm nor deny
s43         |       | Commercial interests
s43(1)      |       | Commercial interests: trade secrets
s43(2)      |       | Commercial interests: prejudice
s43(3)      | N     | Commercial interests: neither confirm nor deny
s44         | A     | Prohibitions on disclosure
s44(1)(a)   | A     | Prohibitions on disclosure: by or under an enactment
s44(1)(b)   | A     | Prohibitions on disclosure: incompatible with an EU-derived obligation
s44(1)(c)   | A     | Prohibitions on disclosure: contempt of court
s44(2)      | A N   | Prohibitions on disclosure: neither confirm nor deny
"""

_FOISA = """
s12         | A P   | Excessive cost of compliance
s12(1)      | A P   | Excessive cost of compliance
s14         | A P   | Vexatious or repeated request
s14(1)      | A P   | Vexatious request
s14(2)      | A P   | Repeated request
s18         | N     | Neither confirm nor deny
s18(1)      | N     | Neither confirm nor deny
s25         | A     | Information otherwise accessible
s25(1)      | A     | Information otherwise accessible
s26         | A     | Prohibitions on disclosure
s26(a)      | A     | Prohibitions on disclosure: by or under an enactment
s26(b)      | A     | Prohibitions on disclosure: incompatible with an EU-derived obligation
s26(c)      | A     | Prohibitions on disclosure: contempt of court
s27         |       | Information intended for future publication
s27(1)      |       | Information intended for future publication (within 12 weeks)
s27(2)      |       | Research information
s28         |       | Relations within the United Kingdom
s28(1)      |       | Relations within the United Kingdom
s29         |       | Formulation of Scottish Administration policy etc.
s29(1)(a)   |       | Formulation or development of government policy
s29(1)(b)   |       | Ministerial communications
s29(1)(c)   |       | Law Officers' advice
s29(1)(d)   |       | Operation of a Ministerial private office
s30         |       | Prejudice to effective conduct of public affairs
s30(a)      |       | Public affairs: collective responsibility of Ministers
s30(b)(i)   |       | Public affairs: free and frank provision of advice
s30(b)(ii)  |       | Public affairs: free and frank exchange of views for deliberation
s30(c)      |       | Public affairs: otherwise prejudice the effective conduct of public affairs
s31         |       | National security and defence
s31(1)      |       | National security
s31(4)      |       | Defence
s32         |       | International relations
s32(1)(a)   |       | International relations: prejudice
s32(1)(b)   |       | International relations: confidential information from another State
s33         |       | Commercial interests and the economy
s33(1)(a)   |       | Commercial interests: trade secrets
s33(1)(b)   |       | Commercial interests: substantial prejudice
s33(2)      |       | The economy
s34         |       | Investigations by Scottish public authorities and proceedings arising out of them
s34(1)      |       | Investigations: criminal investigations and proceedings
s34(2)      |       | Investigations: inquiries into deaths
s34(3)      |       | Investigations: for law enforcement purposes
s34(4)      |       | Investigations: confidential sources
s35         |       | Law enforcement
s35(1)(a)   |       | Law enforcement: prevention or detection of crime
s35(1)(b)   |       | Law enforcement: apprehension or prosecution of offenders
s35(1)(c)   |       | Law enforcement: administration of justice
s35(1)(d)   |       | Law enforcement: assessment or collection of tax or duty
s35(1)(e)   |       | Law enforcement: operation of immigration controls
s35(1)(f)   |       | Law enforcement: security and good order in prisons
s35(1)(g)   |       | Law enforcement: a public authority's functions for the purposes in s.35(2)
s35(1)(h)   |       | Law enforcement: civil proceedings arising from an investigation
s36         |       | Confidentiality
s36(1)      |       | Confidentiality of communications in legal proceedings (legal privilege)
s36(2)      | A     | Information obtained in confidence
s37         | A     | Court records, etc.
s37(1)      | A     | Court records, etc.
s38         | A     | Personal information
s38(1)(a)   | A     | Personal information: the requester's own (a subject access request)
s38(1)(b)   | A     | Personal information: third parties
s38(1)(d)   | A     | Personal information: a deceased person's health record
s39         |       | Health, safety and the environment
s39(1)      |       | Health and safety: physical or mental health or safety of an individual
s39(2)      |       | Environmental information (to be handled under the Scottish EIRs)
s40         |       | Audit functions
s41         |       | Communications with His Majesty etc. and honours
s41(a)      |       | Communications with the Sovereign or the Royal Household
s41(b)      |       | Honours
"""

_EIR = """
r5(3)       | A     | Personal data: the requester's own (a subject access request)
r12         |       | Exceptions to the duty to disclose environmental information
r12(4)(a)   |       | Information not held when the request was received
r12(4)(b)   |       | Manifestly unreasonable request (cost or vexatious)
r12(4)(c)   |       | Request formulated in too general a manner
r12(4)(d)   |       | Material still in the course of completion, unfinished documents, incomplete data
r12(4)(e)   |       | Internal communications
r12(5)(a)   |       | International relations, defence, national security or public safety
r12(5)(b)   |       | The course of justice, a fair trial, or an inquiry of a criminal or disciplinary nature
r12(5)(c)   |       | Intellectual property rights
r12(5)(d)   |       | Confidentiality of proceedings
r12(5)(e)   |       | Confidentiality of commercial or industrial information
r12(5)(f)   |       | Interests of the person who provided the information
r12(5)(g)   |       | Protection of the environment
r12(6)      | N     | Neither confirm nor deny
r13         | A     | Personal data
r13(1)      | A     | Personal data: third parties
r13(5A)     | A N   | Personal data: neither confirm nor deny
"""

_SAR = """
art12(5)    | P     | Manifestly unfounded or excessive request (UK GDPR Art. 12(5))
art15(4)    |       | A copy would adversely affect the rights and freedoms of others (UK GDPR Art. 15(4))
sch2        |       | DPA 2018 Schedule 2 exemption
sch2p2      |       | Crime and taxation (DPA 2018 Sch 2 para 2)
sch2p3      |       | Crime and taxation: risk assessment systems (DPA 2018 Sch 2 para 3)
sch2p4      |       | Immigration (DPA 2018 Sch 2 para 4)
sch2p5      |       | Disclosure required by law or for legal proceedings (DPA 2018 Sch 2 para 5)
sch2p7      |       | Functions designed to protect the public (DPA 2018 Sch 2 para 7)
sch2p14     |       | Judicial appointments, independence and proceedings (DPA 2018 Sch 2 para 14)
sch2p16     |       | Protection of the rights of others: third-party data (DPA 2018 Sch 2 para 16)
sch2p19     | A     | Legal professional privilege (DPA 2018 Sch 2 para 19)
sch2p20     | A     | Self-incrimination (DPA 2018 Sch 2 para 20)
sch2p22     |       | Management forecasts (DPA 2018 Sch 2 para 22)
sch2p23     |       | Negotiations (DPA 2018 Sch 2 para 23)
sch2p24     | A     | Confidential references (DPA 2018 Sch 2 para 24)
sch3        |       | DPA 2018 Schedule 3 exemption: health, social work or education data
sch3p4      |       | Health data: the data subject's expectations and wishes (DPA 2018 Sch 3 para 4)
sch3p5      |       | Health data: serious harm to the health of the data subject or another (DPA 2018 Sch 3 para 5)
s45         |       | Law enforcement processing: restriction of access (DPA 2018 s.45)
s45(4)(a)   |       | Avoid obstructing an official or legal inquiry, investigation or procedure (DPA 2018 s.45(4)(a))
s45(4)(b)   |       | Avoid prejudicing the prevention, detection, investigation or prosecution of offences (DPA 2018 s.45(4)(b))
s45(4)(c)   |       | Protect public security (DPA 2018 s.45(4)(c))
s45(4)(d)   |       | Protect national security (DPA 2018 s.45(4)(d))
s45(4)(e)   |       | Protect the rights and freedoms of others (DPA 2018 s.45(4)(e))
"""

# Equivalent provisions across regimes, used to say "FOISA's equivalent of FOIA s43(2) is
# s33(1)(b)" when a volunteer types the number from the wrong Act. Most specific first.
_EQUIVALENTS: tuple[dict[str, tuple[str, ...]], ...] = (
    {"foia": ("s12",), "foisa": ("s12",), "eir": ("r12(4)(b)",), "sar": ("art12(5)",)},
    {"foia": ("s12(1)",), "foisa": ("s12(1)",), "eir": ("r12(4)(b)",), "sar": ("art12(5)",)},
    {"foia": ("s14",), "foisa": ("s14",), "eir": ("r12(4)(b)",), "sar": ("art12(5)",)},
    {"foia": ("s14(1)",), "foisa": ("s14(1)",), "eir": ("r12(4)(b)",), "sar": ("art12(5)",)},
    {"foia": ("s14(2)",), "foisa": ("s14(2)",), "eir": ("r12(4)(b)",), "sar": ("art12(5)",)},
    {"foia": ("s21",), "foisa": ("s25",)},
    {"foia": ("s21(1)",), "foisa": ("s25(1)",)},
    {"foia": ("s22",), "foisa": ("s27(1)",)},
    {"foia": ("s22(1)",), "foisa": ("s27(1)",)},
    {"foia": ("s22A",), "foisa": ("s27(2)",)},
    {"foia": ("s22A(1)",), "foisa": ("s27(2)",)},
    {"foia": ("s24",), "foisa": ("s31(1)",), "eir": ("r12(5)(a)",)},
    {"foia": ("s24(1)",), "foisa": ("s31(1)",), "eir": ("r12(5)(a)",)},
    {"foia": ("s26",), "foisa": ("s31(4)",), "eir": ("r12(5)(a)",)},
    {"foia": ("s26(1)",), "foisa": ("s31(4)",), "eir": ("r12(5)(a)",)},
    {"foia": ("s27",), "foisa": ("s32",), "eir": ("r12(5)(a)",)},
    {"foia": ("s27(1)",), "foisa": ("s32(1)(a)",), "eir": ("r12(5)(a)",)},
    {"foia": ("s27(2)",), "foisa": ("s32(1)(b)",)},
    {"foia": ("s28",), "foisa": ("s28",)},
    {"foia": ("s28(1)",), "foisa": ("s28(1)",)},
    {"foia": ("s29",), "foisa": ("s33(2)",)},
    {"foia": ("s29(1)",), "foisa": ("s33(2)",)},
    {"foia": ("s30",), "foisa": ("s34",), "eir": ("r12(5)(b)",)},
    {"foia": ("s30(1)",), "foisa": ("s34(1)",), "eir": ("r12(5)(b)",)},
    {"foia": ("s30(2)",), "foisa": ("s34(4)",)},
    {"foia": ("s31",), "foisa": ("s35",), "eir": ("r12(5)(b)",), "sar": ("sch2p2", "s45")},
    {"foia": ("s31(1)(a)",), "foisa": ("s35(1)(a)",), "sar": ("sch2p2", "s45(4)(b)")},
    {"foia": ("s31(1)(b)",), "foisa": ("s35(1)(b)",), "sar": ("sch2p2", "s45(4)(b)")},
    {"foia": ("s31(1)(c)",), "foisa": ("s35(1)(c)",)},
    {"foia": ("s31(1)(d)",), "foisa": ("s35(1)(d)",), "sar": ("sch2p2",)},
    {"foia": ("s31(1)(e)",), "foisa": ("s35(1)(e)",), "sar": ("sch2p4",)},
    {"foia": ("s31(1)(f)",), "foisa": ("s35(1)(f)",)},
    {"foia": ("s31(1)(g)",), "foisa": ("s35(1)(g)",)},
    {"foia": ("s31(1)(h)",), "foisa": ("s35(1)(h)",)},
    {"foia": ("s32",), "foisa": ("s37",), "eir": ("r12(5)(b)",)},
    {"foia": ("s33",), "foisa": ("s40",)},
    {"foia": ("s33(2)",), "foisa": ("s40",)},
    {"foia": ("s35",), "foisa": ("s29",), "eir": ("r12(4)(e)",)},
    {"foia": ("s35(1)(a)",), "foisa": ("s29(1)(a)",), "eir": ("r12(4)(e)",)},
    {"foia": ("s35(1)(b)",), "foisa": ("s29(1)(b)",), "eir": ("r12(4)(e)",)},
    {"foia": ("s35(1)(c)",), "foisa": ("s29(1)(c)",)},
    {"foia": ("s35(1)(d)",), "foisa": ("s29(1)(d)",)},
    {"foia": ("s36",), "foisa": ("s30",), "eir": ("r12(4)(e)",)},
    {"foia": ("s36(2)(a)",), "foisa": ("s30(a)",)},
    {"foia": ("s36(2)(b)(i)",), "foisa": ("s30(b)(i)",), "eir": ("r12(4)(e)",)},
    {"foia": ("s36(2)(b)(ii)",), "foisa": ("s30(b)(ii)",), "eir": ("r12(4)(e)",)},
    {"foia": ("s36(2)(c)",), "foisa": ("s30(c)",)},
    {"foia": ("s37",), "foisa": ("s41",)},
    {"foia": ("s37(1)(a)",), "foisa": ("s41(a)",)},
    {"foia": ("s37(1)(b)",), "foisa": ("s41(b)",)},
    {"foia": ("s38",), "foisa": ("s39(1)",), "eir": ("r12(5)(a)",), "sar": ("sch3p5",)},
    {"foia": ("s38(1)",), "foisa": ("s39(1)",), "eir": ("r12(5)(a)",)},
    {"foia": ("s38(1)(a)",), "foisa": ("s39(1)",), "sar": ("sch3p5",)},
    {"foia": ("s38(1)(b)",), "foisa": ("s39(1)",), "eir": ("r12(5)(a)",)},
    {"foia": ("s39",), "foisa": ("s39(2)",)},
    {"foia": ("s39(1)",), "foisa": ("s39(2)",)},
    {"foia": ("s40",), "foisa": ("s38",), "eir": ("r13",), "sar": ("sch2p16",)},
    {"foia": ("s40(1)",), "foisa": ("s38(1)(a)",), "eir": ("r5(3)",)},
    {
        "foia": ("s40(2)",),
        "foisa": ("s38(1)(b)",),
        "eir": ("r13(1)",),
        "sar": ("sch2p16", "art15(4)"),
    },
    {"foia": ("s40(5A)", "s40(5B)"), "foisa": ("s18",), "eir": ("r13(5A)",)},
    {"foia": ("s41",), "foisa": ("s36(2)",), "eir": ("r12(5)(f)",)},
    {"foia": ("s41(1)",), "foisa": ("s36(2)",), "eir": ("r12(5)(f)",)},
    {"foia": ("s42",), "foisa": ("s36(1)",), "eir": ("r12(5)(b)",), "sar": ("sch2p19",)},
    {"foia": ("s42(1)",), "foisa": ("s36(1)",), "eir": ("r12(5)(b)",), "sar": ("sch2p19",)},
    {"foia": ("s43",), "foisa": ("s33",), "eir": ("r12(5)(e)",)},
    {"foia": ("s43(1)",), "foisa": ("s33(1)(a)",), "eir": ("r12(5)(e)",)},
    {"foia": ("s43(2)",), "foisa": ("s33(1)(b)",), "eir": ("r12(5)(e)",)},
    {"foia": ("s44",), "foisa": ("s26",)},
    {"foia": ("s44(1)(a)",), "foisa": ("s26(a)",)},
    {"foia": ("s44(1)(b)",), "foisa": ("s26(b)",)},
    {"foia": ("s44(1)(c)",), "foisa": ("s26(c)",)},
)

_NOT_HELD_ADVICE = "record it with '--outcome not-held'"

# Provisions people cite that are not exemptions. Keyed by family; {text} is what was typed.
_NOT_EXEMPTIONS: dict[str, dict[str, str]] = {
    "foia": {
        # FOIA s.1(1)(a): the duty to say whether information is held.
        "s1": "'{text}' is the right to be told whether information is held, not an exemption;"
        " if the body said it holds nothing, " + _NOT_HELD_ADVICE,
        "s9": "'{text}' is a fees notice, not an exemption; it pauses the clock (FOIA s.10(2))",
        "s10": "'{text}' is the time limit for replying, not an exemption",
        "s16": "'{text}' is the duty to advise and assist, not an exemption",
        "s17": "'{text}' is the refusal notice itself, not an exemption;"
        " log the exemptions it cites (a cost or vexatious refusal is s12 or s14)",
    },
    "foisa": {
        "s1": "'{text}' is the general entitlement to information, not an exemption;"
        " if the body said it holds nothing, " + _NOT_HELD_ADVICE,
        "s9": "'{text}' is a fees notice, not an exemption",
        "s10": "'{text}' is the time limit for replying, not an exemption",
        "s15": "'{text}' is the duty to advise and assist, not an exemption",
        "s16": "'{text}' is the refusal notice itself, not an exemption;"
        " log the exemptions it cites (a cost or vexatious refusal is s12 or s14)",
        # FOISA s.17: notice that information is not held.
        "s17": "'{text}' is a notice that information is not held: an outcome, not an"
        " exemption; " + _NOT_HELD_ADVICE,
    },
    "eir": {
        "r7": "'{text}' is the extension for complex requests (EIR reg 7(1)), not an exception",
        "r14": "'{text}' is the refusal notice itself, not an exception;"
        " log the exceptions it cites",
    },
    "sar": {},
}

_NOT_HELD_RE = re.compile(
    r"^(?:the\s+)?(?:info(?:rmation)?\s+|data\s+)?(?:is\s+)?(?:not|nothing)[\s_-]*held"
    r"(?:\s+info(?:rmation)?)?$|^nh$"
)

# A regime named before or after the provision: "FOIA s40(2)", "s.40(2) of the FOI Act".
_REGIME_WORDS: tuple[tuple[str, str], ...] = (
    ("foisa", r"foi\s*\(\s*scotland\s*\)\s*act(?:\s*2002)?|foi\s*\(?s\)?\s*a(?:\s*2002)?"),
    (
        "foia",
        r"freedom\s+of\s+information\s+act(?:\s*2000)?|foi\s*act(?:\s*2000)?|foia(?:\s*2000)?",
    ),
    ("eir", r"environmental\s+information\s+regulations(?:\s*2004)?|eirs?(?:\s*2004)?"),
    ("sar", r"(?:uk\s*)?gdpr|data\s+protection\s+act(?:\s*2018)?|dpa(?:\s*2018)?"),
)

_SCHEDULE_RE = re.compile(
    r"^(?:schedule|sched|sch)\.?\s*(?P<n>\d+)"
    r"(?:\s*,?\s*(?:part|pt)\.?\s*\d+)?"
    r"(?:\s*,?\s*(?:paragraph|para|p)\.?\s*(?P<p>\d+))?"
    r"(?P<rest>.*)$"
)
_PREFIXES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("art", re.compile(r"^(?:articles?|arts?)\.?\s*(?P<rest>\d.*)$")),
    ("r", re.compile(r"^(?:regulations?|regs?|r)\.?\s*(?P<rest>\d.*)$")),
    ("s", re.compile(r"^(?:sections?|sects?|secs?|ss|s|§)\.?\s*(?P<rest>\d.*)$")),
)
_BODY_RE = re.compile(r"^(?P<num>\d+)(?P<letter>[a-z])?\s*(?P<parts>(?:\(\s*[0-9a-z]+\s*\)\s*)*)$")
_PART_RE = re.compile(r"\(\s*([0-9a-z]+)\s*\)")
_FAMILY_RE = re.compile(r"^(sch\d+|[a-z]+\d+[A-Z]?)")
_DEFAULT_PREFIXES: dict[str, tuple[str, ...]] = {
    "foia": ("s",),
    "foisa": ("s",),
    "eir": ("r",),
    "sar": ("art", "s"),
}


def _family(code: str) -> str:
    """The section a code belongs to: 's40(2)' -> 's40', 'sch2p16' -> 'sch2'."""
    match = _FAMILY_RE.match(code)
    return match.group(1) if match else code


def _build(regime: str, table: str) -> tuple[Exemption, ...]:
    """Parse one catalogue table into entries, marking bare sections."""
    rows: list[tuple[str, str, str]] = []
    for line in table.strip().splitlines():
        code, flags, title = (cell.strip() for cell in line.split("|"))
        rows.append((code, flags, title))
    # A section is "bare" when it has two or more subsections one could have meant: "s40"
    # (own or third-party data?) but not "s12" (s12(1), plus its neither-confirm-nor-deny form).
    counts: dict[str, int] = {}
    for code, flags, _ in rows:
        if _family(code) != code and "N" not in flags.split():
            counts[_family(code)] = counts.get(_family(code), 0) + 1
    families = {family for family, n in counts.items() if n >= 2}
    entries = []
    for code, flags, title in rows:
        family = _family(code)
        entries.append(
            Exemption(
                regime=regime,
                code=code,
                title=title,
                absolute="A" in flags.split(),
                family=family,
                procedural="P" in flags.split(),
                ncnd="N" in flags.split(),
                bare=code == family and code in families,
            )
        )
    return tuple(entries)


_CATALOGUES: dict[str, tuple[Exemption, ...]] = {
    "foia": _build("foia", _FOIA),
    "eir": _build("eir", _EIR),
    "foisa": _build("foisa", _FOISA),
    "sar": _build("sar", _SAR),
}
_INDEX: dict[str, dict[str, Exemption]] = {
    regime: {ex.code: ex for ex in entries} for regime, entries in _CATALOGUES.items()
}


def _check_regime(regime: str) -> str:
    """Return the regime in lower case, or explain why it has no exemptions."""
    key = (regime or "").strip().lower()
    if key in REGIMES:
        return key
    if key == "none":
        raise ExemptionError(
            "this body is not subject to FOI (regime 'none'), so there are no exemptions to"
            " cite; keep its reply as a note, or ask the public body that commissions it"
        )
    raise ExemptionError(f"unknown regime '{regime}'; use one of {', '.join(REGIMES)}")


def _see(regime: str) -> str:
    """The pointer to the listing command that ends each message."""
    return f"(see 'foi exemptions list --regime {regime}')"


def catalogue(regime: str) -> list[Exemption]:
    """Every exemption of a regime, in the order of the Act."""
    return list(_CATALOGUES[_check_regime(regime)])


def lookup(code: str, regime: str) -> Exemption | None:
    """The entry for a canonical code as stored (e.g. 's40(2)'), or None."""
    return _INDEX[_check_regime(regime)].get(code)


def matching(query: str, regime: str) -> list[Exemption]:
    """Entries a report filter selects: 's40' gives the whole family, 's31(1)' its paragraphs."""
    regime = _check_regime(regime)
    target = normalise(query, regime)
    if target.code == target.family:
        return [ex for ex in _CATALOGUES[regime] if ex.family == target.family]
    return [
        ex
        for ex in _CATALOGUES[regime]
        if ex.code == target.code or ex.code.startswith(target.code + "(")
    ]


def equivalents(exemption: Exemption, regime: str) -> list[Exemption]:
    """The nearest provisions of another regime: FOIA s43(2) -> FOISA s33(1)(b)."""
    regime = _check_regime(regime)
    codes = _equivalent_codes(exemption.regime, exemption.code, regime)
    return [_INDEX[regime][code] for code in codes]


def _equivalent_codes(source: str, code: str, target: str) -> list[str]:
    """Codes in `target` equivalent to `code` of `source`, trying the code then its parents."""
    if source == target:
        return [code] if code in _INDEX[target] else []
    for candidate in _ancestors(code):
        for group in _EQUIVALENTS:
            if candidate in group.get(source, ()) and target in group:
                return list(group[target])
    return []


def _ancestors(code: str) -> list[str]:
    """A code and its parents, nearest first: s36(2)(b)(i), s36(2)(b), s36(2), s36."""
    chain = [code]
    while chain[-1].endswith(")"):
        chain.append(chain[-1][: chain[-1].rindex("(")])
    if chain[-1] != _family(code):
        chain.append(_family(code))
    return chain


@dataclass(frozen=True)
class _Parsed:
    """What was typed, reduced: the regime it named (if any), its prefix and its number."""

    regime: str | None
    prefix: str | None  # "s", "r", "art", "sch"; None when only a number was given
    body: str  # "40(2)"; the whole code for a schedule ("sch2p16")

    def codes(self, regime: str) -> list[str]:
        """Candidate canonical codes under one regime."""
        if self.prefix == "sch":
            return [self.body]
        prefixes = (self.prefix,) if self.prefix else _DEFAULT_PREFIXES[regime]
        return [prefix + self.body for prefix in prefixes]


def _simplify(text: str) -> str:
    """Lower case, NFKC, one space between words, no trailing full stop."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    return re.sub(r"\s+", " ", text).strip().rstrip(".").strip()


def _parts(text: str) -> str:
    """Canonical subsections: '( 5a )(b)' -> '(5A)(b)'."""
    out = []
    for part in _PART_RE.findall(text):
        if re.fullmatch(r"\d+[a-z]+", part):
            part = re.sub(r"[a-z]+", lambda m: m.group(0).upper(), part)
        out.append(f"({part})")
    return "".join(out)


def _parse(text: str) -> _Parsed | None:
    """Reduce a typed provision to its parts, or None if it is not shaped like one."""
    s = _simplify(text)
    named: str | None = None
    for regime, words in _REGIME_WORDS:
        start = re.match(rf"^(?:the\s+)?(?:{words})\b[\s,:]*", s)
        end = re.search(rf"[\s,]+(?:of\s+)?(?:the\s+)?(?:{words})$", s)
        if start:
            named, s = regime, s[start.end() :]
        elif end:
            named, s = regime, s[: end.start()]
        if named:
            break
    s = s.strip()
    schedule = _SCHEDULE_RE.match(s)
    if schedule:
        rest = schedule.group("rest").strip()
        if rest and not re.fullmatch(r"(?:\(\s*[0-9a-z]+\s*\)\s*)+", rest):
            return None
        code = f"sch{int(schedule.group('n'))}"
        if schedule.group("p"):
            code += f"p{int(schedule.group('p'))}"
        return _Parsed(named, "sch", code + _parts(rest))
    prefix: str | None = None
    for name, pattern in _PREFIXES:
        match = pattern.match(s)
        if match:
            prefix, s = name, match.group("rest")
            break
    body = _BODY_RE.match(s.strip())
    if not body:
        return None
    letter = (body.group("letter") or "").upper()
    return _Parsed(named, prefix, f"{int(body.group('num'))}{letter}{_parts(body.group('parts'))}")


def _close_matches(parsed: _Parsed | None, text: str, regime: str) -> list[str]:
    """Codes of the regime that look like what was typed, in catalogue order."""
    entries = _CATALOGUES[regime]
    picks: list[str] = []
    if parsed is not None:
        for candidate in parsed.codes(regime):
            # A subsection the catalogue lacks: offer its nearest listed parent first.
            for ancestor in _ancestors(candidate)[1:]:
                if ancestor in _INDEX[regime]:
                    picks.append(ancestor)
                    break
            picks += difflib.get_close_matches(
                candidate, [ex.code for ex in entries], n=3, cutoff=0.6
            )
    else:
        words = [w for w in re.findall(r"[a-z]+", _simplify(text)) if len(w) > 2]
        if words:
            picks += [ex.code for ex in entries if all(w in ex.title.lower() for w in words)]
    order = {ex.code: i for i, ex in enumerate(entries)}
    unique = sorted(set(picks), key=order.__getitem__)
    return unique[:4]


def normalise(text: str, regime: str) -> Exemption:
    """The catalogue entry for an exemption as typed ('section 40(2)', 'reg 12(4)(a)')."""
    regime = _check_regime(regime)
    shown = (text or "").strip()
    if not shown:
        raise ExemptionError(f"an exemption is empty; give one such as 's40(2)' {_see(regime)}")
    simple = _simplify(shown)
    if _NOT_HELD_RE.match(simple):
        also = " (and log r12(4)(a) too if the body cited it)" if regime == "eir" else ""
        raise ExemptionError(f"'{shown}' is an outcome, not an exemption; {_NOT_HELD_ADVICE}{also}")
    parsed = _parse(shown)
    noun = _ENTRY_NOUN[regime]
    name = REGIME_NAMES[regime]

    if parsed is not None and parsed.regime is not None and parsed.regime != regime:
        source = parsed.regime
        found = next((_INDEX[source][c] for c in parsed.codes(source) if c in _INDEX[source]), None)
        message = f"'{shown}' names {REGIME_NAMES[source]}, but this request is under {name}"
        if found is not None:
            same = _equivalent_codes(source, found.code, regime)
            if same:
                message += f"; did you mean {' or '.join(same)}?"
        raise ExemptionError(f"{message} {_see(regime)}")

    if parsed is not None:
        for code in parsed.codes(regime):
            if code in _INDEX[regime]:
                return _INDEX[regime][code]
        for code in parsed.codes(regime):
            advice = _NOT_EXEMPTIONS[regime].get(_family(code))
            if advice:
                raise ExemptionError(advice.format(text=shown))
        # The number of another Act? Only when the shape says so: a prefix ("reg 12(4)(a)")
        # or at least two levels ("12(4)(a)"); a bare "13" is more likely a typo.
        specific = parsed.prefix is not None or parsed.body.count("(") >= 2
        for source in REGIMES if specific else ():
            if source == regime:
                continue
            found = next(
                (_INDEX[source][c] for c in parsed.codes(source) if c in _INDEX[source]), None
            )
            if found is None:
                continue
            if found.code == "r12(4)(a)":
                raise ExemptionError(
                    f"'{shown}' is not {noun}; it is the EIR's 'information not held'"
                    f" exception: under {name}, record not held with '--outcome not-held'"
                )
            same = _equivalent_codes(source, found.code, regime)
            if same:
                raise ExemptionError(
                    f"'{shown}' is not {noun}; the {name} equivalent of"
                    f" {REGIME_NAMES[source]} {found.code} ({found.title}) is"
                    f" {' or '.join(same)} {_see(regime)}"
                )
            raise ExemptionError(
                f"'{shown}' is not {noun}; it is {_ENTRY_NOUN[source]} ({found.title}):"
                f" if the body answered under {REGIME_NAMES[source]}, change the"
                f" request's regime {_see(regime)}"
            )

    close = _close_matches(parsed, shown, regime)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise ExemptionError(f"'{shown}' is not {noun}{hint} {_see(regime)}")


_QUESTION_RE = re.compile(r"^\s*(?:q(?:uestion)?\s*)?(\d+)\s*:\s*(.*)$", re.IGNORECASE | re.DOTALL)


def parse_exemption_arg(text: str, regime: str) -> tuple[int | None, Exemption]:
    """Split '3:s43(2)' into (question 3, the exemption); 's12' applies to the whole response."""
    match = _QUESTION_RE.match(text or "")
    if not match:
        return None, normalise(text, regime)
    question = int(match.group(1))
    rest = match.group(2).strip()
    if question < 1:
        raise ExemptionError(f"'{text.strip()}': question numbers start at 1")
    if not rest:
        raise ExemptionError(
            f"'{text.strip()}' names question {question} but no exemption;"
            f" write it like '{question}:s40(2)'"
        )
    return question, normalise(rest, regime)
