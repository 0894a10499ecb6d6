"""From a question to a checked, cited Answer: lexicon and question understanding, routing, the table tool, retrieval, composing, phrasing and the numeric check."""
