from __future__ import annotations

import pytest

from parallax.language import detect_language

ENGLISH = (
    "Officials in the northern province said on Tuesday that the new water pipeline had "
    "been finished ahead of schedule, and that it would supply three villages which have "
    "relied on trucks for years. The governor told reporters the project was paid for by "
    "a regional fund."
)
FRENCH = (
    "Les autorités de la province ont annoncé mardi que la nouvelle conduite d'eau était "
    "terminée avec un mois d'avance. Selon le gouverneur, elle doit alimenter trois villages "
    "qui dépendent depuis des années des camions pour leur approvisionnement."
)
GERMAN = (
    "Die Behörden der Provinz teilten am Dienstag mit, dass die neue Wasserleitung früher "
    "als geplant fertig wurde. Nach Angaben des Gouverneurs soll sie drei Dörfer versorgen, "
    "die seit Jahren auf Lastwagen angewiesen sind und auch im Winter kaum Wasser haben."
)
SPANISH = (
    "Las autoridades de la provincia anunciaron el martes que la nueva tubería de agua fue "
    "terminada antes de lo previsto. Según el gobernador, el proyecto abastecerá a tres "
    "pueblos que durante años dependieron de camiones para recibir agua potable."
)
RUSSIAN = (
    "Власти провинции сообщили во вторник, что новый водопровод был завершён раньше срока. "
    "По словам губернатора, он обеспечит водой три деревни, которые годами зависели от "
    "грузовиков."
)
ARMENIAN = (
    "Մարզի իշխանությունները երեքշաբթի հայտնեցին, որ նոր ջրատարը ավարտվել է ժամկետից շուտ։ "
    "Մարզպետի խոսքով՝ այն ջուր կմատակարարի երեք գյուղերի։"
)
ARABIC = "أعلنت سلطات المحافظة يوم الثلاثاء أن خط المياه الجديد قد اكتمل قبل الموعد المحدد."
AZERBAIJANI = (
    "Vilayət rəhbərliyi çərşənbə axşamı bildirib ki, yeni su kəməri vaxtından əvvəl "
    "tamamlanıb. Qubernatorun sözlərinə görə, bu layihə üç kəndi su ilə təmin edəcək və "
    "onun üçün ayrılan vəsait artıq xərclənib, amma işlər hələ də davam edir."
)


def test_english_news_prose() -> None:
    assert detect_language(ENGLISH) == "en"


def test_short_english_text() -> None:
    assert detect_language("Two people were hurt in the blast.") == "en"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (FRENCH, "fr"),
        (GERMAN, "de"),
        (SPANISH, "es"),
        (RUSSIAN, "ru"),
        (ARMENIAN, "hy"),
        (ARABIC, "ar"),
        (AZERBAIJANI, "az"),
    ],
)
def test_other_languages_are_not_english(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_no_letters_is_undetermined() -> None:
    assert detect_language("12 345 — 2024-03-05") == "und"
    assert detect_language("") == "und"


def test_other_script_is_undetermined() -> None:
    assert detect_language("東京で新しい橋が開通した。多くの人が集まった。") == "und"
