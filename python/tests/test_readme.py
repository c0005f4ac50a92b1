"""The Python examples of README.md and python/README.md run as written
(on the default engine, and on every engine of the wheel where the example
names one)."""

import pathlib
import re
import subprocess
import sys

import pytest
import wiretls

REPO = pathlib.Path(__file__).resolve().parents[2]


def python_blocks(path: pathlib.Path) -> list:
    return re.findall(r"```python\n(.*?)```", path.read_text(), flags=re.S)


@pytest.mark.parametrize("readme", ["README.md", "python/README.md"])
def test_readme_examples_run(readme, tmp_path):
    blocks = python_blocks(REPO / readme)
    assert blocks, f"no python example in {readme}"
    for i, block in enumerate(blocks):
        for engine in wiretls.ENGINES:
            # The examples name "openssl" or no engine; run them with each engine of this wheel.
            code = block.replace('engine="openssl"', f'engine="{engine}"')
            script = tmp_path / f"example{i}_{engine}.py"
            script.write_text(code)
            done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
            tls13_only = "TLS13_" in code and "engine=" in code
            if tls13_only and "TLSv1.3" not in wiretls.capabilities(engine)["server_versions"]:
                # A TLS 1.3 suite against a server that cannot do TLS 1.3
                # (native-tls on Linux): the typed refusal, not a pass.
                assert "protocol_version" in done.stderr, done.stderr
                continue
            assert done.returncode == 0, f"{readme} example {i} on {engine}:\n{done.stderr}"
            assert "TLSv1." in done.stdout, done.stdout
