"""The snapshot agent: renders many SQS jobs at once per process and reports to Step Functions."""

from agent.arrow_memory import use_system_allocator

use_system_allocator()  # before any batch is allocated, in every process that imports the agent
