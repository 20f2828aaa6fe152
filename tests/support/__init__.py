"""Plain helpers shared by the tests, imported by package name (``from tests.support.hostile import ...``).

Fixtures live in the ``conftest.py`` nearest to the tests that use them; what is here are
builders and constants that a test calls or a parametrisation needs at collection time.
"""
