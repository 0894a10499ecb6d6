"""Read side: retrieve, table tool, route, compose, verify, cite."""
