"""Names of the languages mediators speak, for codes the pool stores ("nl", "pl").

The pool keeps ISO 639 codes; the screens show Dutch names ("Pools") and fall
back to the code for a language not named here.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _names() -> dict[str, str]:
    t = QCoreApplication.translate
    return {
        "nl": t("languages", "Nederlands"),
        "en": t("languages", "Engels"),
        "de": t("languages", "Duits"),
        "fr": t("languages", "Frans"),
        "es": t("languages", "Spaans"),
        "it": t("languages", "Italiaans"),
        "pt": t("languages", "Portugees"),
        "pl": t("languages", "Pools"),
        "tr": t("languages", "Turks"),
        "ar": t("languages", "Arabisch"),
        "ber": t("languages", "Berbers"),
        "ru": t("languages", "Russisch"),
        "uk": t("languages", "Oekraïens"),
        "ro": t("languages", "Roemeens"),
        "bg": t("languages", "Bulgaars"),
        "hu": t("languages", "Hongaars"),
        "cs": t("languages", "Tsjechisch"),
        "sk": t("languages", "Slowaaks"),
        "lt": t("languages", "Litouws"),
        "el": t("languages", "Grieks"),
        "sv": t("languages", "Zweeds"),
        "da": t("languages", "Deens"),
        "no": t("languages", "Noors"),
        "fi": t("languages", "Fins"),
        "hr": t("languages", "Kroatisch"),
        "sr": t("languages", "Servisch"),
        "bs": t("languages", "Bosnisch"),
        "sq": t("languages", "Albanees"),
        "fa": t("languages", "Perzisch"),
        "ps": t("languages", "Pasjtoe"),
        "ti": t("languages", "Tigrinya"),
        "so": t("languages", "Somalisch"),
        "am": t("languages", "Amhaars"),
        "hi": t("languages", "Hindi"),
        "ur": t("languages", "Urdu"),
        "zh": t("languages", "Chinees"),
        "ja": t("languages", "Japans"),
        "id": t("languages", "Indonesisch"),
        "pap": t("languages", "Papiaments"),
        "srn": t("languages", "Sranantongo"),
    }


def language_name(code: str) -> str:
    """The Dutch (or English) name of a language code; the code itself when unknown."""
    return _names().get(code, code)


def language_list(codes: tuple[str, ...] | list[str]) -> str:
    """Languages as a reader wants them: "Nederlands, Pools, Engels"."""
    return ", ".join(language_name(c) for c in codes)
