"""Gold-question evaluation: our assistant beside a naive llama-index baseline."""
