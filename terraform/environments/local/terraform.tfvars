# The sandbox: moto's fixed account and region. Sized like dev.
region      = "us-east-1"
account_id  = "123456789012"
environment = "local"
max_workers = 4
spot        = true
agent_settings = {
  concurrency = "64"
}
catalog_dir = "sandbox/catalog" # the sandbox's own catalog, as make up serves it
