"""Web processes never load the computation's numpy and scikit-learn (about 120 MB each): only
the worker that computes does."""

import subprocess
import sys

PROGRAM = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
import django
django.setup()
import config.asgi, config.urls, analysis.scheduling, analysis.tasks, analysis.views
heavy = sorted(m for m in ("numpy", "scipy", "sklearn") if m in sys.modules)
print(",".join(heavy) or "none")
"""


def test_serving_pages_loads_no_numpy():
    found = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert found == "none"


def test_computing_does():
    program = PROGRAM.replace("analysis.views", "analysis.views, analysis.compute")
    found = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert "numpy" in found
