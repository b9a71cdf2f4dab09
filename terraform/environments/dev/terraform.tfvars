# Replace account_id with the dev account before the first plan.
region       = "eu-west-1"
account_id   = "111111111111"
environment  = "dev"
max_workers  = 4
spot         = true
alarm_emails = []
agent_settings = {
  concurrency = "64"
}
