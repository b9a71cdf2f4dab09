# Replace account_id with the prod account before the first plan.
region       = "eu-west-1"
account_id   = "222222222222"
environment  = "prod"
max_workers  = 20
spot         = false
alarm_emails = []
agent_settings = {
  concurrency = "64"
}
reporting_enabled = true
