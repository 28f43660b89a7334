"""Which new passwords are accepted: at least 12 characters and hard to guess.

The strength is estimated by zxcvbn (dictionaries of common passwords, names
and words, keyboard patterns, repeats, sequences, dates), told about the
words an attacker would try first here: the username, the application and the
centre's words, and a few Dutch password words its English dictionaries lack.
A password needs score >= 3 ("safely unguessable": about 10^8 guesses, far
beyond what the login throttle of services.logins lets through).

zxcvbn's feedback is English; `EXPLANATIONS` turns it into a Dutch sentence.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 12
MIN_SCORE = 3
_MAX_ANALYSED = 72  # zxcvbn refuses longer input; the first 72 characters decide

# What an attacker tries first against this application (lower case).
CONTEXT_WORDS = (
    "ikodesk",
    "iko",
    "kinderontvoering",
    "ontvoering",
    "jura",
    "jurist",
    "juridisch",
    "mediation",
    "centrum",
    "expertisecentrum",
    "beheer",
    "beheerder",
    "wachtwoord",
    "welkom",
    "geheim",
)

# zxcvbn's warnings and suggestions (English, by their text) as Dutch sentences.
EXPLANATIONS: dict[str, str] = {
    "Straight rows of keys are easy to guess.": (
        "Rijen toetsen naast elkaar zijn makkelijk te raden."
    ),
    "Short keyboard patterns are easy to guess.": (
        "Korte toetsenbordpatronen zijn makkelijk te raden."
    ),
    'Repeats like "aaa" are easy to guess.': "Herhalingen zoals 'aaa' zijn makkelijk te raden.",
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': (
        "Herhalingen zoals 'abcabcabc' zijn nauwelijks moeilijker te raden dan 'abc'."
    ),
    'Sequences like "abc" or "6543" are easy to guess.': (
        "Reeksen zoals 'abc' of '6543' zijn makkelijk te raden."
    ),
    "Recent years are easy to guess.": "Recente jaartallen zijn makkelijk te raden.",
    "Dates are often easy to guess.": "Datums zijn vaak makkelijk te raden.",
    "This is a top-10 common password.": "Dit is een van de tien meest gebruikte wachtwoorden.",
    "This is a top-100 common password.": "Dit is een van de honderd meest gebruikte wachtwoorden.",
    "This is a very common password.": "Dit is een veelgebruikt wachtwoord.",
    "This is similar to a commonly used password.": ("Dit lijkt op een veelgebruikt wachtwoord."),
    "A word by itself is easy to guess.": "Eén los woord is makkelijk te raden.",
    "Names and surnames by themselves are easy to guess.": (
        "Voor- en achternamen zijn op zichzelf makkelijk te raden."
    ),
    "Common names and surnames are easy to guess.": (
        "Veelvoorkomende voor- en achternamen zijn makkelijk te raden."
    ),
    "Use a few words, avoid common phrases.": (
        "Gebruik een paar woorden, geen bekende uitdrukking."
    ),
    "Add another word or two. Uncommon words are better.": (
        "Voeg nog een of twee woorden toe; ongebruikelijke woorden zijn beter."
    ),
    "Use a longer keyboard pattern with more turns.": (
        "Vermijd toetsenbordpatronen, of maak ze veel langer met meer bochten."
    ),
    "Avoid repeated words and characters.": "Vermijd herhaalde woorden en tekens.",
    "Avoid sequences.": "Vermijd reeksen.",
    "Avoid recent years.": "Vermijd recente jaartallen.",
    "Avoid years that are associated with you.": "Vermijd jaartallen die bij u horen.",
    "Avoid dates and years that are associated with you.": (
        "Vermijd datums en jaartallen die bij u horen."
    ),
    "Capitalization doesn't help very much.": "Hoofdletters helpen weinig.",
    "All-uppercase is almost as easy to guess as all-lowercase.": (
        "Alles in hoofdletters is bijna even makkelijk te raden als alles in kleine letters."
    ),
    "Reversed words aren't much harder to guess.": (
        "Omgekeerde woorden zijn nauwelijks moeilijker te raden."
    ),
    "Predictable substitutions like '@' instead of 'a' don't help very much.": (
        "Voorspelbare vervangingen zoals '@' voor 'a' helpen weinig."
    ),
}
GENERAL_ADVICE = (
    "Kies bijvoorbeeld drie of vier woorden die niet bij elkaar horen, met iets ertussen."
)


def _context(username: str, extra: tuple[str, ...]) -> list[str]:
    words = [*CONTEXT_WORDS, *extra]
    if username:
        words.append(username.lower())
        words.extend(part for part in username.lower().replace("-", ".").split(".") if part)
    return words


def password_problem(
    password: str, *, username: str = "", extra: tuple[str, ...] = ()
) -> str | None:
    """A Dutch explanation of why a new password is not acceptable, or None."""
    if password.strip() != password:
        return "Het wachtwoord mag niet beginnen of eindigen met een spatie."
    if len(password) < MIN_PASSWORD_LENGTH:
        return (
            f"Het wachtwoord moet minstens {MIN_PASSWORD_LENGTH} tekens lang zijn. "
            + GENERAL_ADVICE
        )
    if len(username) >= 3 and username.lower() in password.lower():
        return "Het wachtwoord mag de gebruikersnaam niet bevatten. " + GENERAL_ADVICE
    result = zxcvbn(password[:_MAX_ANALYSED], user_inputs=_context(username, extra))
    if int(result["score"]) >= MIN_SCORE:
        return None
    feedback = result["feedback"]
    sentences = ["Dit wachtwoord is te makkelijk te raden."]
    for english in [feedback.get("warning") or "", *feedback.get("suggestions", [])]:
        dutch = EXPLANATIONS.get(english)
        if dutch and dutch not in sentences:
            sentences.append(dutch)
    if len(sentences) == 1 or not any(s.startswith(("Voeg", "Gebruik")) for s in sentences):
        sentences.append(GENERAL_ADVICE)
    return " ".join(sentences)
