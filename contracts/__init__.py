"""Contracts shared by the Lambdas, the agent and the sandbox (docs/design.md)."""
