"""Under mutmut only: the tests of this folder first.

mutmut runs, for each mutant, the tests that reach the mutated function, stopping at the first failure
(`-x`), in no particular order. The tests here were written against survivors and take milliseconds, so
running them first (those without a database before those with one) kills most mutants before a slow
integration test starts. Outside mutmut (no MUTANT_UNDER_TEST in the environment) the order is left alone.
"""
import os


def pytest_collection_modifyitems(session, config, items):
    if os.environ.get("MUTANT_UNDER_TEST"):
        items.sort(key=lambda item: ("/mutatie/" not in f"/{item.nodeid}",  # ours first, those without a
                                     "session" in getattr(item, "fixturenames", ())))  # database before the rest
