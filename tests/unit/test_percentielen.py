"""The report's percentiles from a histogram of tenths (workflows.rapportage.percentielen) equal percentile_cont's
rule over the times themselves: the value at rank floor(p * (n - 1)) plus the fraction of the step to the next."""
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.rapportage import percentielen


def _percentile_cont(waarden: list[float], p: float) -> float:
    waarden = sorted(waarden)
    pos = p * (len(waarden) - 1)
    laag = int(pos)
    hoog = waarden[laag + 1] if laag + 1 < len(waarden) else waarden[laag]
    return waarden[laag] + (hoog - waarden[laag]) * (pos - laag)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.integers(min_value=0, max_value=600), st.integers(min_value=1, max_value=40), max_size=60),
       st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=3))
def test_the_percentiles_of_a_histogram_are_those_of_its_times(emmers, ps):
    histogram = sorted(emmers.items())
    waarden = [float(t) / float(10) for t, n in histogram for _ in range(n)]
    verwacht = [_percentile_cont(waarden, p) if waarden else None for p in ps]
    assert percentielen(histogram, tuple(ps)) == verwacht


def test_an_empty_histogram_has_no_percentiles_and_one_case_is_its_own():
    assert percentielen([]) == [None, None]
    assert percentielen([(37, 1)]) == [3.7, 3.7]
    assert percentielen([(10, 1), (20, 1)]) == [1.5, 1.9]


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.integers(min_value=0, max_value=20_000), st.integers(min_value=1, max_value=2**31 - 1),
                       min_size=1, max_size=60), st.randoms(),
       st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=3))
def test_a_histogram_sent_as_one_integer_per_bucket_gives_the_same_percentiles(emmers, toeval, ps):
    """The report's SQL sends each bucket as tenths * EMMER + cases, in no order (workflows.rapportage._histogrammen):
    percentielen_uit_emmers() gives the percentiles of the histogram sorted by tenths."""
    from workflows.rapportage import EMMER, percentielen_uit_emmers

    getallen = [t * EMMER + n for t, n in emmers.items()]
    toeval.shuffle(getallen)
    assert percentielen_uit_emmers(",".join(map(str, getallen)), tuple(ps)) == percentielen(sorted(emmers.items()),
                                                                                            tuple(ps))
