"""The publication decisions' named people and catalog, shared by the publication test modules."""

from motcua.catalog.tests.test_publication import catalog, org  # noqa: F401
