"""The fake OpenAI API (private: use :mod:`pulumi_openai_run.testing`)."""
