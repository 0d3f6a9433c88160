"""Prefect flows: they only put the steps of pipeline/ and matchers/ in order."""
