"""The one family of errors meant for users; each message names the fix."""


class AssistantError(Exception):
    """A problem the user can fix; the CLI and the UI show its message, never a traceback."""


class CorpusError(AssistantError):
    """The corpus folder is missing, empty, or holds nothing readable."""


class IndexMissingError(AssistantError):
    """There is no index yet."""


class IndexDamagedError(AssistantError):
    """Index files are missing, truncated, altered, or of another format version."""


class ModelMismatchError(AssistantError):
    """The configured embedding model is not the one that built the index."""


class ModelLoadError(AssistantError):
    """The embedding model cannot be loaded offline."""


class IndexLockedError(AssistantError):
    """Another ingest is writing the same index folder."""
