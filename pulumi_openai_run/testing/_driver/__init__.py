"""The offline lifecycle driver behind ``python -m pulumi_openai_run.testing.up`` (private)."""
