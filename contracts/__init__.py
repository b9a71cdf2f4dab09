"""Contracts shared by the Lambdas, the agent and the sandbox (DESIGN.md)."""
