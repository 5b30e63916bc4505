"""The README's field table is the one the field table generates."""

from __future__ import annotations

from pathlib import Path

from pulumi_openai_run.docs import field_table

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_field_table_is_generated_from_the_schema() -> None:
    text = README.read_text()
    table = text.split("<!-- fields:begin -->\n", 1)[1].split("\n<!-- fields:end -->", 1)[0]
    assert table == field_table(), "run `python -m pulumi_openai_run.docs` and paste it into README.md"
