"""Installing the platform prints no deprecation warning from setuptools."""

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

PYPROJECT = Path(__file__).resolve().parents[4] / "pyproject.toml"


def test_license_is_an_spdx_expression_that_the_build_backend_reads():
    """PEP 639: ``project.license`` as a table is deprecated (setuptools warns on every
    ``pip install``); a plain SPDX string needs setuptools 77 or newer to build."""
    config = tomllib.loads(PYPROJECT.read_text())
    assert config["project"]["license"] == "EUPL-1.2"
    setuptools = next(
        Requirement(r) for r in config["build-system"]["requires"] if r.startswith("setuptools")
    )
    assert all(
        Version("77") <= Version(s.version) for s in setuptools.specifier if ">" in s.operator
    )
    assert not setuptools.specifier.contains("76.9")
