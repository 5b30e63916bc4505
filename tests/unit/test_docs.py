"""The README's field tables are the ones the field tables generate."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_openai_run.docs import TABLES, field_table, markers

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_field_table_is_generated_from_the_schema() -> None:
    text = README.read_text()
    table = text.split("<!-- fields:begin -->\n", 1)[1].split("\n<!-- fields:end -->", 1)[0]
    assert table == field_table(), "run `python -m pulumi_openai_run.docs` and paste it into README.md"


@pytest.mark.parametrize("resource", [name for name in TABLES if name != "run"])
def test_readme_has_each_resources_generated_table(resource: str) -> None:
    begin, end = markers(resource)
    text = README.read_text()
    assert begin in text and end in text, f"README.md lacks the {resource} table's markers"
    table = text.split(begin + "\n", 1)[1].split("\n" + end, 1)[0]
    assert table == field_table(TABLES[resource], resource), (
        f"run `python -m pulumi_openai_run.docs {resource}` and paste it into README.md")
