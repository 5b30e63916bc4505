"""The engine harness (private: use :mod:`pulumi_openai_run.testing`)."""
