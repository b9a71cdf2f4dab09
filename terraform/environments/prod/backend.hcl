# Passed to terraform init by make plan/apply/destroy ENV=prod. Create the state bucket first.
bucket       = "snapshot-engine-tfstate-prod"
key          = "snapshot-engine/prod.tfstate"
region       = "eu-west-1"
encrypt      = true
use_lockfile = true
