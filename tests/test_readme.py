"""The README's Python example runs as written (documentation that cannot rot)."""

import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_examples_run():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "README has no Python example"
    for code in blocks:
        namespace: dict = {}
        exec(compile(code, str(README), "exec"), namespace)  # noqa: S102 - our own documentation
        assert namespace  # the example defined its objects
    assert "mzm" in namespace and namespace["mzm"].eo_bandwidth() > 0
