import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).parent.parent


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is installed by the [test] extra")
def test_ruff_finds_nothing():
    result = subprocess.run(["ruff", "check", "--no-cache", "."], cwd=PROJECT, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
