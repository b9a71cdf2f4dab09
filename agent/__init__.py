"""The snapshot agent: renders many SQS jobs at once per process and reports to Step Functions."""
