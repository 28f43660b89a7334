"""Enumerations of the domain. Values are the exchange format's strings."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    STUDENT = "student"
    JURIST = "jurist"
    MEDIATION = "mediation"
    MANAGER = "manager"
    ADMIN = "admin"


class CaseCode(StrEnum):
    TRAVEL_CONSENT = "travel_consent"
    INTERNATIONAL_ABDUCTION = "international_abduction"
    INTERNATIONAL_CONTACT = "international_contact"
    INTERNATIONAL_CHILD_PROTECTION = "international_child_protection"
    PREVENTION = "prevention"
    RELOCATION_CONSENT = "relocation_consent"
    DOMESTIC_CONTACT_NONCOMPLIANCE = "domestic_contact_noncompliance"
    HOLIDAY_CONSENT_REFUSED = "holiday_consent_refused"
    LAWFUL_RELOCATION = "lawful_relocation"
    FAMILY_ABDUCTION = "family_abduction"
    MISSING_CHILD_HOTLINE = "missing_child_hotline"
    OTHER_ADVICE = "other_advice"
    NO_SUBSTANTIVE_ADVICE = "no_substantive_advice"


LINE1_CODES: tuple[CaseCode, ...] = (CaseCode.TRAVEL_CONSENT,)
# Order of DOMAIN.md: the order forms and reports list the codes in.
LINE2_CODES: tuple[CaseCode, ...] = tuple(c for c in CaseCode if c is not CaseCode.TRAVEL_CONSENT)


def line_of(code: CaseCode) -> int:
    return 1 if code in LINE1_CODES else 2


# The codes whose cases carry the dates that start the Hague and Brussels IIb clocks
# (exchange format 1.1): abduction by a parent or by family. Access cases fall under
# Art. 21 of the Convention, which has no one-year rule.
CLOCK_CODES: tuple[CaseCode, ...] = (CaseCode.INTERNATIONAL_ABDUCTION, CaseCode.FAMILY_ABDUCTION)


class CloseReason(StrEnum):
    RESOLVED = "resolved"
    INFORMED = "informed"
    UNREACHABLE = "unreachable"
    OTHER = "other"


class RequesterKind(StrEnum):
    PARENT = "parent"
    PROFESSIONAL = "professional"
    FAMILY = "family"


class ParentRelation(StrEnum):
    MOTHER = "mother"
    FATHER = "father"


class FamilyRelation(StrEnum):
    FAMILY = "family"
    STEP_PARTNER = "step_partner"
    GRANDPARENT = "grandparent"
    ACQUAINTANCE = "acquaintance"


class ParentSide(StrEnum):
    TAKING = "taking"
    LEFT_BEHIND = "left_behind"
    POTENTIAL_TAKING = "potential_taking"
    POTENTIAL_LEFT_BEHIND = "potential_left_behind"


class OrganisationType(StrEnum):
    YOUTH_CARE = "youth_care"
    CERTIFIED_INSTITUTION = "certified_institution"
    SOCIAL_WORK = "social_work"
    FOSTER_PARENT = "foster_parent"
    VEILIG_THUIS = "veilig_thuis"
    POLICE = "police"
    KMAR = "kmar"
    IND = "ind"
    LAWYER = "lawyer"
    REFUGEE_SUPPORT = "refugee_support"
    OTHER = "other"


class PersonRole(StrEnum):
    REQUESTER = "requester"
    OTHER_PARENT = "other_parent"


class Direction(StrEnum):
    OUTGOING = "outgoing"
    INCOMING = "incoming"
    ABROAD = "abroad"
    CHILD_ABROAD = "child_abroad"
    PARENT_ABROAD = "parent_abroad"


class Taker(StrEnum):
    MOTHER = "mother"
    FATHER = "father"
    FAMILY_MEMBER = "family_member"


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    FORM = "form"


class Party(StrEnum):
    PARENT = "parent"
    FAMILY = "family"
    PROFESSIONAL = "professional"


class MediationKind(StrEnum):
    IKO = "iko"
    NIKO = "niko"


class ReferredBy(StrEnum):
    COURT = "court"
    LAWYER = "lawyer"
    PARENT = "parent"
    OTHER = "other"


class MediationStatus(StrEnum):
    REQUESTED = "requested"
    NOT_STARTED = "not_started"
    RUNNING = "running"
    ENDED = "ended"


class Intake(StrEnum):
    SUITABLE = "suitable"
    NOT_SUITABLE = "not_suitable"


class Outcome(StrEnum):
    FULL_AGREEMENT = "full_agreement"
    MIRROR_AGREEMENT = "mirror_agreement"
    NO_AGREEMENT = "no_agreement"


class FailureReason(StrEnum):
    EMOTIONS = "emotions"
    OPPOSED_POSITIONS = "opposed_positions"
    THIRD_PARTY_INFLUENCE = "third_party_influence"
    OTHER = "other"


class ClockKind(StrEnum):
    """The Hague 1980 and Brussels IIb clocks of an abduction case (`ikodesk deadlines`)."""

    ART12_ONE_YEAR = "art12_one_year"
    ART4_AGE16 = "art4_age16"
    ART11_SIX_WEEKS = "art11_six_weeks"
    B2B_APPEAL_SIX_WEEKS = "b2b_appeal_six_weeks"


class ActivityKind(StrEnum):
    WORK_VISIT = "work_visit"
    TRAINING_GIVEN = "training_given"
    LAWYER_MEETING = "lawyer_meeting"
    WORKING_GROUP = "working_group"
    EXPERTISE = "expertise"
    OTHER = "other"


class Action(StrEnum):
    """Everything the audit log records, by the name it records it under.

    Most are actions the access policy decides (`services.access.ROLE_ACTIONS`);
    the `EVENT_ACTIONS` below are recorded events no role is granted. The
    labels (Dutch and English) are in `models.labels`, the one place the
    command line and the screens take them from.
    """

    CASE_READ = "case.read"
    CASE_CREATE = "case.create"
    CASE_UPDATE = "case.update"
    CASE_LIST = "case.list"
    CASE_SEARCH = "case.search"
    CASE_EXPORT = "case.export"
    CASE_PRINT = "case.print"
    CONTACT_CREATE = "contact.create"
    # While a case is typed: does what was typed amount to a family the centre knows
    # (conflict detection's rules)? Audited with what it answered.
    FAMILY_CHECK = "case.family_check"
    MEDIATION_READ = "mediation.read"
    MEDIATION_WRITE = "mediation.write"
    # Counts without dossier contents: the mediator pool's caseload, totals.
    MEDIATION_AGGREGATE = "mediation.aggregate"
    # The basic facts of a case linked to a mediation (CASE_FACT_COLUMNS).
    CASE_FACTS = "case.facts"
    USER_MANAGE = "user.manage"
    REFERENCE_MANAGE = "reference.manage"
    FIGURES_VIEW = "figures.view"
    # Storing a year's computed figures as its published figures (issue #14).
    FIGURES_FREEZE = "figures.freeze"
    REPORT_PRINT = "report.print"
    # The narrative chapters of the annual report (Voorwoord, ...).
    REPORT_TEXT_WRITE = "report.text"
    # Database-wide settings: "registratie volledig vanaf", the report logo.
    SETTINGS_MANAGE = "settings.manage"
    EXPORT_ALL = "export.all"
    IMPORT = "import"
    BACKUP = "backup"
    AUDIT_VIEW = "audit.view"
    # Noting the audit chain's head as a code to keep outside the database.
    AUDIT_ANCHOR = "audit.anchor"
    CONFLICTS_VIEW = "conflicts.view"
    CONFLICTS_REVIEW = "conflicts.review"
    # The running Hague/Brussels IIb clocks of cases, by reference (no names): the list
    # (scoped by the policy, walls apply) and the counts per clock (no references).
    DEADLINES_VIEW = "deadlines.view"
    DEADLINES_COUNT = "deadlines.count"
    # An access request (AVG art. 15): finding what is held on one person and
    # writing it out, with everyone else's data redacted (administrators).
    SUBJECT_ACCESS = "subject.access"
    # Retention (AVG, issue #18): the periods and their preview, the run that removes
    # personal data (with a second administrator's approval), the destruction
    # register, and legal holds that keep a case's personal data past its period.
    RETENTION_MANAGE = "retention.manage"
    RETENTION_RUN = "retention.run"
    RETENTION_REGISTER = "retention.register"
    LEGAL_HOLD = "retention.hold"
    # Events, not permissions (EVENT_ACTIONS): a login attempt that failed, a
    # command the gate refused without --user, a check of every case for conflicts.
    LOGIN = "login"
    COMMAND = "command"
    CONFLICTS_SCAN = "conflicts.scan"
    # Four eyes (issue #18): a second administrator approved an action (recorded as
    # the approver), or an approval was refused (recorded as the one who asked).
    APPROVAL = "approval"


# Recorded in the audit log, never granted to a role (see Action).
EVENT_ACTIONS = frozenset({Action.LOGIN, Action.COMMAND, Action.CONFLICTS_SCAN, Action.APPROVAL})
