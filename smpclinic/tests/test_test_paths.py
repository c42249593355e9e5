"""Every app's tests run: `pytest` with no arguments (what `make test` and CI run) collects
the folders listed in pytest.ini's testpaths, so an app missing there would never be
tested."""

import configparser
from pathlib import Path

from django.conf import settings


def test_every_folder_of_tests_is_on_the_test_paths():
    root = Path(settings.BASE_DIR)
    config = configparser.ConfigParser()
    config.read(root / "pytest.ini")
    listed = set(config["pytest"]["testpaths"].split())
    with_tests = {
        path.parent.name
        for path in root.glob("*/tests")
        if path.is_dir() and any(path.glob("test_*.py"))
    }
    assert with_tests - listed == set()
