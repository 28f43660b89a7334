"""Names of the languages mediators speak, for codes the pool stores ("nl", "pl").

The pool keeps ISO 639 codes; the screens show Dutch names ("Pools") and fall
back to the code for a language not named here.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _names() -> dict[str, str]:
    return {
        "nl": QCoreApplication.translate("languages", "Nederlands"),
        "en": QCoreApplication.translate("languages", "Engels"),
        "de": QCoreApplication.translate("languages", "Duits"),
        "fr": QCoreApplication.translate("languages", "Frans"),
        "es": QCoreApplication.translate("languages", "Spaans"),
        "it": QCoreApplication.translate("languages", "Italiaans"),
        "pt": QCoreApplication.translate("languages", "Portugees"),
        "pl": QCoreApplication.translate("languages", "Pools"),
        "tr": QCoreApplication.translate("languages", "Turks"),
        "ar": QCoreApplication.translate("languages", "Arabisch"),
        "ber": QCoreApplication.translate("languages", "Berbers"),
        "ru": QCoreApplication.translate("languages", "Russisch"),
        "uk": QCoreApplication.translate("languages", "Oekraïens"),
        "ro": QCoreApplication.translate("languages", "Roemeens"),
        "bg": QCoreApplication.translate("languages", "Bulgaars"),
        "hu": QCoreApplication.translate("languages", "Hongaars"),
        "cs": QCoreApplication.translate("languages", "Tsjechisch"),
        "sk": QCoreApplication.translate("languages", "Slowaaks"),
        "lt": QCoreApplication.translate("languages", "Litouws"),
        "el": QCoreApplication.translate("languages", "Grieks"),
        "sv": QCoreApplication.translate("languages", "Zweeds"),
        "da": QCoreApplication.translate("languages", "Deens"),
        "no": QCoreApplication.translate("languages", "Noors"),
        "fi": QCoreApplication.translate("languages", "Fins"),
        "hr": QCoreApplication.translate("languages", "Kroatisch"),
        "sr": QCoreApplication.translate("languages", "Servisch"),
        "bs": QCoreApplication.translate("languages", "Bosnisch"),
        "sq": QCoreApplication.translate("languages", "Albanees"),
        "fa": QCoreApplication.translate("languages", "Perzisch"),
        "ps": QCoreApplication.translate("languages", "Pasjtoe"),
        "ti": QCoreApplication.translate("languages", "Tigrinya"),
        "so": QCoreApplication.translate("languages", "Somalisch"),
        "am": QCoreApplication.translate("languages", "Amhaars"),
        "hi": QCoreApplication.translate("languages", "Hindi"),
        "ur": QCoreApplication.translate("languages", "Urdu"),
        "zh": QCoreApplication.translate("languages", "Chinees"),
        "ja": QCoreApplication.translate("languages", "Japans"),
        "id": QCoreApplication.translate("languages", "Indonesisch"),
        "pap": QCoreApplication.translate("languages", "Papiaments"),
        "srn": QCoreApplication.translate("languages", "Sranantongo"),
    }


def language_name(code: str) -> str:
    """The Dutch (or English) name of a language code; the code itself when unknown."""
    return _names().get(code, code)


def language_list(codes: tuple[str, ...] | list[str]) -> str:
    """Languages as a reader wants them: "Nederlands, Pools, Engels"."""
    return ", ".join(language_name(c) for c in codes)
