"""Hypothesis settings for the property tests of member-input parsers."""

from __future__ import annotations

import os

from hypothesis import settings

# Budget: 200 examples per property, no per-example deadline (a first call may build caches), derandomized so
# a run is repeatable, no example database in the work tree. About 15 s for every property test together.
settings.register_profile("coalition", max_examples=200, deadline=None, derandomize=True, database=None)
# A longer hunt on demand: HYPOTHESIS_PROFILE=hunt (5,000 examples each, random).
settings.register_profile("hunt", max_examples=5000, deadline=None, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "coalition"))
