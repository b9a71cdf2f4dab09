# Passed to terraform init by make plan/apply/destroy ENV=dev. Create the state bucket first.
bucket       = "snapshot-engine-tfstate-dev"
key          = "snapshot-engine/dev.tfstate"
region       = "eu-west-1"
encrypt      = true
use_lockfile = true
