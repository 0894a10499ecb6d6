"""One small error hierarchy. Messages say what is wrong, for which file, and what to do."""


class AssistantError(Exception):
    """Base of every error the CLI turns into one line and a non-zero exit."""


class ConfigError(AssistantError):
    pass


class IngestError(AssistantError):
    """A report could not be loaded or parsed. Carries the file it concerns."""

    def __init__(self, file: str, problem: str):
        self.file = file
        self.problem = problem
        super().__init__(f"{file}: {problem}")


class StoreError(AssistantError):
    pass


class StoreMismatchError(StoreError):
    """The store was built with another embedder/chunker/parser version than the code expects."""


class ModelError(AssistantError):
    pass
