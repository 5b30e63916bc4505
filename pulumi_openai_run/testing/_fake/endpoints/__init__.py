"""One module per API area; each gives the routes it serves (``routes(...) -> list[Route]``)."""
