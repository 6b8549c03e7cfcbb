"""Fixed demo personas: one CNIC per situation the helpline must handle.

Persona CNICs have a 7-digit serial starting with 99 (other adults of persona households
98); the synthetic generator's serials stay below 9,000,000, so they never collide.
docs/PERSONAS.md documents the same values; tests check that each persona shows what
it claims.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from bot.core.identifiers import format_cnic


@dataclass(frozen=True)
class MemberSpec:
    """Another member of a persona's household (ages relative to the seeding day)."""

    name: str
    gender: str
    relation: str
    age_years: int = 0
    age_months: int = 0
    disability: bool = False
    school_level: Optional[str] = None
    marital_status: str = "single"
    cnic: Optional[str] = None  # for adults without one, seed.py derives a 98-serial CNIC
    tax_payer: bool = False
    latest: Optional[tuple[str, Optional[str]]] = None  # a child's latest stipend (default paid)


@dataclass(frozen=True)
class Persona:
    """A demo beneficiary: who she is, her second factors and what she demonstrates."""

    key: str
    cnic: str
    name: str
    gender: str
    district: str
    tehsil: str
    phone: str
    cnic_issue_date: date
    date_of_birth: date
    shows: str
    in_registry: bool = True
    relation: str = "spouse"
    marital_status: str = "married"
    pmt_score: float = 25.0
    survey_date: date = date(2023, 9, 12)
    cnic_expiry_date: Optional[date] = None  # default: issue date + 10 years
    lifetime_cnic: bool = False  # senior citizens' cards do not expire
    government_employee: bool = False
    maternal_status: Optional[str] = None
    kafaalat: Optional[str] = None  # enrolment status
    kafaalat_reason: Optional[str] = None
    latest: Optional[tuple[str, Optional[str]]] = None  # latest Kafaalat instalment
    nashonuma_latest: Optional[tuple[str, Optional[str]]] = None  # the mother's own (default paid)
    # Which payment rounds have reached her: "current" (up to this quarter), "previous"
    # (this quarter's window has not paid her yet), "none" (newly enrolled).
    rounds: str = "current"
    enrolled_days_ago: Optional[int] = None  # default: enrolled in July 2021
    agent: str = "Madina Kiryana Store, Alipur"
    bank: str = "HBL"
    members: tuple[MemberSpec, ...] = field(default_factory=tuple)
    household_of: Optional[str] = None  # key of the persona whose household this one joins

    @property
    def formatted_cnic(self) -> str:
        return format_cnic(self.cnic)


_HUSBAND = "head"

PERSONAS: tuple[Persona, ...] = (
    Persona(
        key="paid",
        cnic="3230399000012",
        name="Shazia Bibi",
        gender="female",
        district="Muzaffargarh",
        tehsil="Alipur",
        phone="+923006100012",
        cnic_issue_date=date(2019, 3, 12),
        date_of_birth=date(1986, 5, 4),
        shows="Eligible (PMT 24.5) and latest Kafaalat instalment paid",
        pmt_score=24.5,
        kafaalat="active",
        latest=("paid", None),
        members=(
            MemberSpec(
                "Ghulam Rasool",
                "male",
                _HUSBAND,
                44,
                marital_status="married",
                cnic="3230399000131",
            ),
            MemberSpec("Ali Raza", "male", "son", 6),
        ),
    ),  # fmt: skip
    Persona(
        key="ready",
        cnic="3230399000024",
        name="Rukhsana Mai",
        gender="female",
        district="Muzaffargarh",
        tehsil="Jatoi",
        phone="+923006100024",
        cnic_issue_date=date(2020, 11, 2),
        date_of_birth=date(1990, 1, 15),
        shows="Latest instalment ready for collection at a campsite",
        pmt_score=18.2,
        kafaalat="active",
        latest=("ready_for_collection", None),
        agent="BISP Campsite, Govt Girls High School, Jatoi",
        bank="Bank Alfalah",
        members=(MemberSpec("Muhammad Aslam", "male", _HUSBAND, 38, marital_status="married"),),
    ),
    Persona(
        key="biometric",
        cnic="3230399000036",
        name="Allah Rakhi",
        gender="female",
        district="Muzaffargarh",
        tehsil="Muzaffargarh",
        phone="+923006100036",
        cnic_issue_date=date(2018, 7, 21),
        date_of_birth=date(1958, 2, 1),
        shows="Widow, 60+; latest instalment withheld: fingerprint (biometric) failure",
        relation="head",
        marital_status="widowed",
        pmt_score=21.0,
        kafaalat="active",
        latest=("withheld", "biometric_failure"),
        lifetime_cnic=True,
    ),
    Persona(
        key="cnic_expired",
        cnic="3230399000048",
        name="Naseem Akhtar",
        gender="female",
        district="Muzaffargarh",
        tehsil="Alipur",
        phone="+923006100048",
        cnic_issue_date=date(2013, 5, 20),
        cnic_expiry_date=date(2023, 5, 20),
        date_of_birth=date(1979, 9, 9),
        shows="Latest instalment withheld because her CNIC expired (renew at NADRA)",
        pmt_score=27.9,
        kafaalat="active",
        latest=("withheld", "cnic_expired"),
        members=(MemberSpec("Abdul Sattar", "male", _HUSBAND, 50, marital_status="married"),),
    ),
    Persona(
        key="pmt_above",
        cnic="3230399000050",
        name="Kausar Parveen",
        gender="female",
        district="Muzaffargarh",
        tehsil="Muzaffargarh",
        phone="+923006100050",
        cnic_issue_date=date(2021, 1, 30),
        date_of_birth=date(1984, 12, 3),
        shows="Not eligible: PMT 41.3 above the cut-off 32 (re-survey allowed)",
        pmt_score=41.3,
        survey_date=date(2022, 2, 14),
        members=(MemberSpec("Manzoor Hussain", "male", _HUSBAND, 45, marital_status="married"),),
    ),
    Persona(
        key="disability",
        cnic="3230399000062",
        name="Sughran Bibi",
        gender="female",
        district="Muzaffargarh",
        tehsil="Jatoi",
        phone="+923006100062",
        cnic_issue_date=date(2022, 6, 8),
        date_of_birth=date(1982, 4, 22),
        shows="PMT 34.6 with a differently-abled son: eligible under the 37 cut-off, paid",
        pmt_score=34.6,
        kafaalat="active",
        latest=("paid", None),
        agent="Bismillah Mobile Shop, Jatoi",
        members=(
            MemberSpec("Allah Ditta", "male", _HUSBAND, 47, marital_status="married"),
            MemberSpec("Bilal Ahmed", "male", "son", 15, disability=True),
        ),
    ),
    Persona(
        key="waitlisted",
        cnic="3230399000074",
        name="Zahida Parveen",
        gender="female",
        district="Muzaffargarh",
        tehsil="Alipur",
        phone="+923006100074",
        cnic_issue_date=date(2023, 2, 17),
        date_of_birth=date(1993, 8, 30),
        shows="Eligible (PMT 29.4) but on the waiting list until funds free up",
        pmt_score=29.4,
        survey_date=date(2024, 10, 5),
        kafaalat="waitlisted",
        kafaalat_reason="funds_exhausted",
        members=(MemberSpec("Shahid Iqbal", "male", _HUSBAND, 34, marital_status="married"),),
    ),
    Persona(
        key="government_employee",
        cnic="3230399000086",
        name="Farzana Kausar",
        gender="female",
        district="Muzaffargarh",
        tehsil="Muzaffargarh",
        phone="+923006100086",
        cnic_issue_date=date(2020, 9, 1),
        date_of_birth=date(1988, 3, 18),
        shows="Excluded: she is a government employee (PMT 30.1 would qualify otherwise)",
        pmt_score=30.1,
        government_employee=True,
        members=(MemberSpec("Tariq Mehmood", "male", _HUSBAND, 40, marital_status="married"),),
    ),
    Persona(
        key="transgender",
        cnic="3630299000097",
        name="Sanam Noor",
        gender="transgender",
        district="Multan",
        tehsil="Multan City",
        phone="+923006100097",
        cnic_issue_date=date(2021, 10, 11),
        date_of_birth=date(1987, 6, 6),
        shows="Transgender beneficiary (CNIC records transgender), active and paid",
        relation="head",
        marital_status="single",
        pmt_score=22.8,
        kafaalat="active",
        latest=("paid", None),
        agent="Usman Telecom, Multan City",
        bank="Bank Alfalah",
    ),
    Persona(
        key="taleemi_wazaif",
        cnic="3230399000102",
        name="Nasreen Bibi",
        gender="female",
        district="Muzaffargarh",
        tehsil="Alipur",
        phone="+923006100102",
        cnic_issue_date=date(2019, 12, 5),
        date_of_birth=date(1983, 10, 10),
        shows="Kafaalat family with Taleemi Wazaif children (primary, secondary, higher "
        "secondary), one child out of school, one too young",
        pmt_score=21.7,
        kafaalat="active",
        latest=("paid", None),
        members=(
            MemberSpec("Muhammad Iqbal", "male", _HUSBAND, 45, marital_status="married"),
            MemberSpec("Iqra", "female", "daughter", 17, school_level="higher_secondary"),
            MemberSpec("Hassan Ali", "male", "son", 14, school_level="secondary"),
            MemberSpec("Sana", "female", "daughter", 11),
            MemberSpec("Ayesha", "female", "daughter", 9, school_level="primary"),
            MemberSpec("Hamza Ali", "male", "son", 3),
        ),
    ),
    Persona(
        key="nashonuma",
        cnic="5440099000112",
        name="Zarghuna Bibi",
        gender="female",
        district="Quetta",
        tehsil="Quetta City",
        phone="+923006100112",
        cnic_issue_date=date(2022, 3, 23),
        date_of_birth=date(1996, 7, 19),
        shows="Nashonuma: lactating mother with a 7-month-old daughter in a Kafaalat family",
        pmt_score=26.3,
        maternal_status="lactating",
        kafaalat="active",
        latest=("paid", None),
        agent="Al-Noor Communication, Quetta City",
        bank="Bank Alfalah",
        members=(
            MemberSpec("Gul Khan", "male", _HUSBAND, 31, marital_status="married"),
            MemberSpec("Maryam", "female", "daughter", 0, 7),
            MemberSpec("Asad Khan", "male", "son", 5),
        ),
    ),
    Persona(
        key="not_in_registry",
        cnic="3230399999994",
        name="Ambreen Bibi",
        gender="female",
        district="Muzaffargarh",
        tehsil="Muzaffargarh",
        phone="+923006199994",
        cnic_issue_date=date(2021, 4, 4),
        date_of_birth=date(1995, 1, 1),
        shows="A valid CNIC that is not in the registry (register through a survey)",
        in_registry=False,
    ),
    Persona(
        key="husband",
        cnic="3230399000131",
        name="Ghulam Rasool",
        gender="male",
        district="Muzaffargarh",
        tehsil="Alipur",
        phone="+923006100131",
        cnic_issue_date=date(2018, 11, 27),
        date_of_birth=date(1982, 2, 10),
        shows="Husband of Shazia Bibi: household eligible, Kafaalat is paid to the woman",
        relation="head",
        household_of="paid",
    ),
    # One household for each payment state the personas above do not show.
    Persona(
        key="attendance",
        cnic="3230399000142",
        name="Parveen Akhtar",
        gender="female",
        district="Muzaffargarh",
        tehsil="Alipur",
        phone="+923006100142",
        cnic_issue_date=date(2019, 8, 14),
        date_of_birth=date(1985, 11, 2),
        shows="Kafaalat paid; her son's Taleemi Wazaif withheld: attendance below 70%, "
        "her daughter's stipend paid",
        pmt_score=23.6,
        kafaalat="active",
        latest=("paid", None),
        members=(
            MemberSpec("Khadim Hussain", "male", _HUSBAND, 43, marital_status="married"),
            MemberSpec(
                "Usman Ali",
                "male",
                "son",
                13,
                school_level="secondary",
                latest=("withheld", "attendance_below_70"),
            ),
            MemberSpec("Rabia", "female", "daughter", 10, school_level="primary"),
        ),
    ),
    Persona(
        key="spouse_tax_payer",
        cnic="3230399000154",
        name="Shamim Akhtar",
        gender="female",
        district="Muzaffargarh",
        tehsil="Muzaffargarh",
        phone="+923006100154",
        cnic_issue_date=date(2020, 6, 9),
        date_of_birth=date(1987, 4, 12),
        shows="Excluded: her husband pays income tax (PMT 28.0 would qualify otherwise)",
        pmt_score=28.0,
        members=(
            MemberSpec(
                "Naveed Akhtar", "male", _HUSBAND, 41, marital_status="married", tax_payer=True
            ),
        ),
    ),
    Persona(
        key="newly_enrolled",
        cnic="3230399000166",
        name="Rubina Kanwal",
        gender="female",
        district="Muzaffargarh",
        tehsil="Jatoi",
        phone="+923006100166",
        cnic_issue_date=date(2022, 1, 20),
        date_of_birth=date(1994, 2, 25),
        shows="Newly enrolled in Kafaalat: no payment yet, the first comes in the next window",
        pmt_score=19.8,
        survey_date=date(2025, 3, 3),
        kafaalat="active",
        rounds="none",
        enrolled_days_ago=20,
        members=(MemberSpec("Zafar Iqbal", "male", _HUSBAND, 33, marital_status="married"),),
    ),
    Persona(
        key="not_yet",
        cnic="3230399000178",
        name="Nusrat Bibi",
        gender="female",
        district="Muzaffargarh",
        tehsil="Muzaffargarh",
        phone="+923006100178",
        cnic_issue_date=date(2018, 4, 16),
        date_of_birth=date(1980, 7, 7),
        shows="Active; last quarter paid, this quarter's not yet: told when the next window opens",
        pmt_score=25.9,
        kafaalat="active",
        latest=("paid", None),
        rounds="previous",
        members=(MemberSpec("Muhammad Ramzan", "male", _HUSBAND, 48, marital_status="married"),),
    ),
    Persona(
        key="nashonuma_withheld",
        cnic="5440099000180",
        name="Bibi Gul",
        gender="female",
        district="Quetta",
        tehsil="Quetta City",
        phone="+923006100180",
        cnic_issue_date=date(2021, 12, 1),
        date_of_birth=date(1998, 3, 8),
        shows="Kafaalat paid; pregnant, her Nashonuma payment withheld: check-up missed",
        pmt_score=24.1,
        maternal_status="pregnant",
        kafaalat="active",
        latest=("paid", None),
        nashonuma_latest=("withheld", "nashonuma_visit_missed"),
        agent="Al-Noor Communication, Quetta City",
        bank="Bank Alfalah",
        members=(MemberSpec("Sher Khan", "male", _HUSBAND, 29, marital_status="married"),),
    ),
)


def persona(key: str) -> Persona:
    """The persona with `key` (KeyError when there is none)."""
    for p in PERSONAS:
        if p.key == key:
            return p
    raise KeyError(key)
