"""The trigger and status Lambdas behind the HTTP API (and EventBridge, for the trigger)."""
