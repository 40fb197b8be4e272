"""Krippendorff's alpha, percent agreement and machine-vs-human scores on data with known answers."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.validate.reliability import (
    binary_scores,
    krippendorff_alpha,
    percent_agreement,
    reliability_matrix,
    reliability_table,
)

NAN = np.nan
# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", section C: 4 observers, 12 units,
# with missing values. Published results: nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def long_codes(matrix, question="q") -> pd.DataFrame:
    rows = [(u, f"c{c}", v) for c, r in enumerate(matrix) for u, v in enumerate(r) if v == v]
    return pd.DataFrame(rows, columns=["unit", "coder", "code"]).assign(question=question)


@pytest.mark.parametrize("level,expected", [("nominal", 0.743), ("ordinal", 0.815),
                                            ("interval", 0.849), ("ratio", 0.797)])
def test_alpha_matches_krippendorff_2011_example(level, expected):
    assert krippendorff_alpha(long_codes(KRIPPENDORFF_2011), level=level) == pytest.approx(expected, abs=5e-4)


def test_alpha_perfect_chance_and_systematic_disagreement():
    perfect = long_codes([[0, 1, 0, 1], [0, 1, 0, 1]])
    assert krippendorff_alpha(perfect) == 1.0
    opposite = long_codes([[0, 1, 0, 1], [1, 0, 1, 0]])
    assert krippendorff_alpha(opposite) < 0
    # no variation at all: alpha is undefined, not 1
    assert np.isnan(krippendorff_alpha(long_codes([[1, 1, 1], [1, 1, 1]])))


def test_percent_agreement_by_hand():
    # 2 coders, agree on 3 of 4 units
    assert percent_agreement(long_codes([[1, 0, 1, 1], [1, 0, 1, 0]])) == 0.75
    # 3 coders on one unit, votes 1,1,0: 1 of 3 pairs agree
    assert percent_agreement(long_codes([[1], [1], [0]])) == pytest.approx(1 / 3)
    # units coded by a single coder are not pairable and do not count
    assert percent_agreement(long_codes([[1, 0], [1, NAN]])) == 1.0


def test_rare_category_high_agreement_low_alpha():
    # the prevalence paradox: coders agree on 18 of 20 units, but never on the rare "yes"
    a = [0] * 18 + [1, 0]
    b = [0] * 18 + [0, 1]
    codes = long_codes([a, b])
    assert percent_agreement(codes) == 0.9
    assert krippendorff_alpha(codes) < 0


def test_duplicate_codes_are_an_error():
    codes = pd.DataFrame({"unit": [1, 1, 1], "coder": ["a", "a", "b"], "code": [1, 0, 1]})
    with pytest.raises(ValueError, match="twice"):
        reliability_matrix(codes)


def test_reliability_table_groups_levels_and_interval():
    codes = pd.concat([long_codes(KRIPPENDORFF_2011, "nom"), long_codes(KRIPPENDORFF_2011, "int")])
    t = reliability_table(codes, level={"nom": "nominal", "int": "interval"}, n_boot=300, seed=1)
    t = t.set_index("question")
    assert t.loc["nom", "alpha"] == pytest.approx(0.743, abs=5e-4)
    assert t.loc["int", "alpha"] == pytest.approx(0.849, abs=5e-4)
    for q in ("nom", "int"):
        assert t.loc[q, "alpha_low"] <= t.loc[q, "alpha"] <= t.loc[q, "alpha_high"]
        assert t.loc[q, "agreement_low"] <= t.loc[q, "agreement"] <= t.loc[q, "agreement_high"]
    assert t.loc["nom", "n_units"] == 11  # unit 12 has one code only
    assert t.loc["nom", "n_coders"] == 4
    # deterministic with a seed
    t2 = reliability_table(codes, level={"nom": "nominal", "int": "interval"}, n_boot=300, seed=1)
    assert t2.set_index("question").loc["nom", "alpha_low"] == t.loc["nom", "alpha_low"]


def test_bootstrap_interval_narrows_with_more_units():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 2, 400)
    noisy = np.where(rng.random(400) < 0.15, 1 - truth, truth)
    small = long_codes([truth[:40], noisy[:40]])
    large = long_codes([truth, noisy])
    ts = reliability_table(small, n_boot=300).iloc[0]
    tl = reliability_table(large, n_boot=300).iloc[0]
    assert (tl.alpha_high - tl.alpha_low) < (ts.alpha_high - ts.alpha_low)


def test_binary_scores_against_hand_computed_values():
    pred = pd.DataFrame({"doc_id": list("abcdef"), "frame": "x",
                         "present": [True, True, True, False, False, False]})
    gold = pd.DataFrame({"doc_id": list("abcdef"), "frame": "x",
                         "present": [True, True, False, True, False, False]})
    s = binary_scores(pred, gold).iloc[0]
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx(2 / 3)
    assert s.f1 == pytest.approx(2 / 3)
    assert s.accuracy == pytest.approx(4 / 6)
    # always-yes floor: prevalence 0.5 -> precision .5, recall 1 -> F1 2/3
    assert s.always_yes_f1 == pytest.approx(2 / 3)
    assert s.n == 6 and s.n_unmatched == 0


def test_binary_scores_counts_unmatched_units():
    pred = pd.DataFrame({"doc_id": ["a", "b", "z"], "frame": "x", "present": [True, False, True]})
    gold = pd.DataFrame({"doc_id": ["a", "b"], "frame": "x", "present": [True, False]})
    s = binary_scores(pred, gold).iloc[0]
    assert s.n == 2 and s.n_unmatched == 1 and s.f1 == 1.0
