"""`assistant bench`: speed, memory and scale against the LangChain-tutorial baseline (see evals/README.md).

Measurement only: nothing on the product path imports this package, and it reaches the product
through its public API and the stage hooks of `assistant.hooks`. No re-exports here, so that
importing one module (the CLI's `arguments`, or `serving` from a test) loads nothing else.
"""
