"""An estimated measure is reported in words and in the reader's number format, never by its id."""

from __future__ import annotations

from carenet_graph.analysis.engine import Approximation
from carenet_graph.analysis.methods import approximation_sentence
from carenet_graph.locale import Locale


def _approx(bound_kind: str, confidence: float | None) -> Approximation:
    return Approximation(measure="betweenness", method="KADABRA", bound=0.0125, bound_kind=bound_kind,
                         confidence=confidence, per_actor=True, samples=1234, citation="Borassi & Natale 2019")


def test_absolute_error_in_german_words_and_numbers() -> None:
    text = approximation_sentence(_approx("absolute error", 0.95), Locale("de"))
    assert "1.234" in text and "0,012" in text and "95\u00a0%" in text  # 0.0125 rounds half to even
    assert text.startswith(Locale("de").t("measure_betweenness"))


def test_relative_standard_error_as_a_percentage() -> None:
    english = approximation_sentence(_approx("relative standard error", None), Locale("en"))
    assert english.startswith("Bridging (betweenness) is estimated from 1,234 sampled actors")
    assert "1.25%" in english
    assert "1,25\u00a0%" in approximation_sentence(_approx("relative standard error", None), Locale("sv"))
