"""The index folder, one idea a module: layout (format, names, manifest), build, write, read, status.

Nothing is re-exported here, so the query path (`assistant.index.read`) loads neither the builder
nor the writer: import from the module that holds the name.
"""
