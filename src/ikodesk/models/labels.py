"""User-facing labels of the enumerations, in Dutch (default) and English.

Kept as data below the UI so the command line, the reports and the screens
all name things the same way.
"""

from __future__ import annotations

from enum import StrEnum

from ikodesk.models import enums as e

_NL_LIST: list[tuple[StrEnum, str]] = [
    (e.Role.STUDENT, "Werkstudent"),
    (e.Role.JURIST, "Jurist"),
    (e.Role.MEDIATION, "Mediation Bureau"),
    (e.Role.MANAGER, "Manager"),
    (e.Role.ADMIN, "Beheerder"),
    (e.CaseCode.TRAVEL_CONSENT, "Toestemming vakantie"),
    (e.CaseCode.INTERNATIONAL_ABDUCTION, "Internationale kinderontvoering"),
    (e.CaseCode.INTERNATIONAL_CONTACT, "Internationale omgang"),
    (e.CaseCode.INTERNATIONAL_CHILD_PROTECTION, "Internationale kinderbescherming"),
    (e.CaseCode.PREVENTION, "Preventie"),
    (e.CaseCode.RELOCATION_CONSENT, "Toestemming vertrek"),
    (e.CaseCode.DOMESTIC_CONTACT_NONCOMPLIANCE, "Niet-nakoming omgang binnenland"),
    (e.CaseCode.HOLIDAY_CONSENT_REFUSED, "Geen toestemming voor vakantie"),
    (e.CaseCode.LAWFUL_RELOCATION, "Geoorloofde overbrenging"),
    (e.CaseCode.FAMILY_ABDUCTION, "Ontvoering door familie"),
    (e.CaseCode.MISSING_CHILD_HOTLINE, "Vermissing: 116000 hotline"),
    (e.CaseCode.OTHER_ADVICE, "Overig advies"),
    (e.CaseCode.NO_SUBSTANTIVE_ADVICE, "Niet tot inhoudelijk advies gekomen"),
    (e.CloseReason.RESOLVED, "Opgelost"),
    (e.CloseReason.INFORMED, "Voldoende geïnformeerd"),
    (e.CloseReason.UNREACHABLE, "Niet meer bereikbaar"),
    (e.CloseReason.OTHER, "Anders"),
    (e.RequesterKind.PARENT, "Ouder"),
    (e.RequesterKind.PROFESSIONAL, "Professional"),
    (e.RequesterKind.FAMILY, "Familie/kennis"),
    (e.ParentRelation.MOTHER, "Moeder"),
    (e.ParentRelation.FATHER, "Vader"),
    (e.FamilyRelation.FAMILY, "Familielid"),
    (e.FamilyRelation.STEP_PARTNER, "Stiefpartner"),
    (e.FamilyRelation.GRANDPARENT, "Grootouder"),
    (e.FamilyRelation.ACQUAINTANCE, "Kennis"),
    (e.ParentSide.TAKING, "Meenemende ouder"),
    (e.ParentSide.LEFT_BEHIND, "Achterblijvende ouder"),
    (e.ParentSide.POTENTIAL_TAKING, "Potentieel meenemende ouder"),
    (e.ParentSide.POTENTIAL_LEFT_BEHIND, "Potentieel achterblijvende ouder"),
    (e.OrganisationType.YOUTH_CARE, "Jeugdzorg"),
    (e.OrganisationType.CERTIFIED_INSTITUTION, "Gecertificeerde instelling"),
    (e.OrganisationType.SOCIAL_WORK, "Maatschappelijk werk"),
    (e.OrganisationType.FOSTER_PARENT, "Pleegouder"),
    (e.OrganisationType.VEILIG_THUIS, "Veilig Thuis"),
    (e.OrganisationType.POLICE, "Politie"),
    (e.OrganisationType.KMAR, "Koninklijke Marechaussee"),
    (e.OrganisationType.IND, "IND"),
    (e.OrganisationType.LAWYER, "Advocaat"),
    (e.OrganisationType.REFUGEE_SUPPORT, "Vluchtelingenwerk"),
    (e.OrganisationType.OTHER, "Overige professional"),
    (e.Direction.OUTGOING, "Uitgaand"),
    (e.Direction.INCOMING, "Inkomend"),
    (e.Direction.ABROAD, "Buiten Nederland"),
    (e.Direction.CHILD_ABROAD, "Kind in het buitenland"),
    (e.Direction.PARENT_ABROAD, "Ouder in het buitenland"),
    (e.Taker.MOTHER, "Moeder"),
    (e.Taker.FATHER, "Vader"),
    (e.Taker.FAMILY_MEMBER, "Familielid"),
    (e.Channel.PHONE, "Telefoon"),
    (e.Channel.EMAIL, "E-mail"),
    (e.Channel.FORM, "Contactformulier"),
    (e.Party.PARENT, "Ouder"),
    (e.Party.FAMILY, "Familie/kennis"),
    (e.Party.PROFESSIONAL, "Professional"),
    (e.MediationKind.IKO, "IKO"),
    (e.MediationKind.NIKO, "NIKO"),
    (e.ReferredBy.COURT, "Rechtbank"),
    (e.ReferredBy.LAWYER, "Advocaat"),
    (e.ReferredBy.PARENT, "Ouder"),
    (e.ReferredBy.OTHER, "Anders"),
    (e.MediationStatus.REQUESTED, "Aangevraagd"),
    (e.MediationStatus.NOT_STARTED, "Niet voortgezet"),
    (e.MediationStatus.RUNNING, "Loopt"),
    (e.MediationStatus.ENDED, "Afgerond"),
    (e.Intake.SUITABLE, "Geschikt"),
    (e.Intake.NOT_SUITABLE, "Niet geschikt"),
    (e.Outcome.FULL_AGREEMENT, "Volledige overeenkomst"),
    (e.Outcome.MIRROR_AGREEMENT, "Spiegelovereenkomst"),
    (e.Outcome.NO_AGREEMENT, "Geen overeenkomst"),
    (e.FailureReason.EMOTIONS, "Te hoog opgelopen emoties"),
    (e.FailureReason.OPPOSED_POSITIONS, "Tegengestelde standpunten"),
    (e.FailureReason.THIRD_PARTY_INFLUENCE, "Invloed van familie of advocaten"),
    (e.FailureReason.OTHER, "Anders"),
    (e.ActivityKind.WORK_VISIT, "Werkbezoek"),
    (e.ActivityKind.TRAINING_GIVEN, "Training/lezing gegeven"),
    (e.ActivityKind.LAWYER_MEETING, "Advocatenbijeenkomst"),
    (e.ActivityKind.WORKING_GROUP, "Werkgroep"),
    (e.ActivityKind.EXPERTISE, "Deskundigheidsbevordering"),
    (e.ActivityKind.OTHER, "Overig"),
]

_EN_LIST: list[tuple[StrEnum, str]] = [
    (e.Role.STUDENT, "Student"),
    (e.Role.JURIST, "Jurist"),
    (e.Role.MEDIATION, "Mediation Bureau"),
    (e.Role.MANAGER, "Manager"),
    (e.Role.ADMIN, "Administrator"),
    (e.CaseCode.TRAVEL_CONSENT, "Travel consent"),
    (e.CaseCode.INTERNATIONAL_ABDUCTION, "International child abduction"),
    (e.CaseCode.INTERNATIONAL_CONTACT, "International contact"),
    (e.CaseCode.INTERNATIONAL_CHILD_PROTECTION, "International child protection"),
    (e.CaseCode.PREVENTION, "Prevention"),
    (e.CaseCode.RELOCATION_CONSENT, "Relocation consent"),
    (e.CaseCode.DOMESTIC_CONTACT_NONCOMPLIANCE, "Domestic contact non-compliance"),
    (e.CaseCode.HOLIDAY_CONSENT_REFUSED, "Holiday consent refused"),
    (e.CaseCode.LAWFUL_RELOCATION, "Lawful relocation"),
    (e.CaseCode.FAMILY_ABDUCTION, "Abduction by family"),
    (e.CaseCode.MISSING_CHILD_HOTLINE, "Missing: 116000 hotline"),
    (e.CaseCode.OTHER_ADVICE, "Other advice"),
    (e.CaseCode.NO_SUBSTANTIVE_ADVICE, "No substantive advice"),
    (e.CloseReason.RESOLVED, "Resolved"),
    (e.CloseReason.INFORMED, "Sufficiently informed"),
    (e.CloseReason.UNREACHABLE, "No longer reachable"),
    (e.CloseReason.OTHER, "Other"),
    (e.RequesterKind.PARENT, "Parent"),
    (e.RequesterKind.PROFESSIONAL, "Professional"),
    (e.RequesterKind.FAMILY, "Family/acquaintance"),
    (e.ParentRelation.MOTHER, "Mother"),
    (e.ParentRelation.FATHER, "Father"),
    (e.ParentSide.TAKING, "Taking parent"),
    (e.ParentSide.LEFT_BEHIND, "Left-behind parent"),
    (e.ParentSide.POTENTIAL_TAKING, "Potential taking parent"),
    (e.ParentSide.POTENTIAL_LEFT_BEHIND, "Potential left-behind parent"),
    (e.Channel.PHONE, "Phone"),
    (e.Channel.EMAIL, "E-mail"),
    (e.Channel.FORM, "Contact form"),
    (e.Direction.OUTGOING, "Outgoing"),
    (e.Direction.INCOMING, "Incoming"),
    (e.Direction.ABROAD, "Abroad"),
    (e.Direction.CHILD_ABROAD, "Child abroad"),
    (e.Direction.PARENT_ABROAD, "Parent abroad"),
    (e.MediationKind.IKO, "IKO"),
    (e.MediationKind.NIKO, "NIKO"),
    (e.ReferredBy.COURT, "Court"),
    (e.ReferredBy.LAWYER, "Lawyer"),
    (e.ReferredBy.PARENT, "Parent"),
    (e.ReferredBy.OTHER, "Other"),
    (e.MediationStatus.REQUESTED, "Requested"),
    (e.MediationStatus.NOT_STARTED, "Not continued"),
    (e.MediationStatus.RUNNING, "Running"),
    (e.MediationStatus.ENDED, "Ended"),
    (e.Intake.SUITABLE, "Suitable"),
    (e.Intake.NOT_SUITABLE, "Not suitable"),
    (e.Outcome.FULL_AGREEMENT, "Full agreement"),
    (e.Outcome.MIRROR_AGREEMENT, "Mirror agreement"),
    (e.Outcome.NO_AGREEMENT, "No agreement"),
    (e.FailureReason.EMOTIONS, "Emotions ran too high"),
    (e.FailureReason.OPPOSED_POSITIONS, "Opposed positions"),
    (e.FailureReason.THIRD_PARTY_INFLUENCE, "Influence of family or lawyers"),
    (e.FailureReason.OTHER, "Other"),
]


# Keyed by (enum class, value): members of different enums share values
# ("mother", "other") and, being str, would otherwise collide as dict keys.
_NL = {(type(m), m.value): text for m, text in _NL_LIST}
_EN = {(type(m), m.value): text for m, text in _EN_LIST}


def label(value: StrEnum, lang: str = "nl") -> str:
    """The label of an enum member; English falls back to Dutch where not translated."""
    key = (type(value), value.value)
    if lang == "en" and key in _EN:
        return _EN[key]
    return _NL[key]


def all_labelled() -> list[StrEnum]:
    return [m for m, _ in _NL_LIST]
