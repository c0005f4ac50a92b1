"""`python -m wiretls` runs."""

import subprocess
import sys

import wiretls


def test_python_dash_m_wiretls_runs():
    done = subprocess.run(
        [sys.executable, "-m", "wiretls"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, (done.stdout, done.stderr)
    out = done.stdout
    assert out.strip(), "it prints something"
    assert "TLSv1." in out or any(engine in out for engine in wiretls.ENGINES), out


def test_version_string():
    assert isinstance(wiretls.__version__, str) and wiretls.__version__
