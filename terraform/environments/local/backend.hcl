# Passed to terraform init by make plan/apply/destroy ENV=local. Nothing to set: the local
# backend keeps its default, terraform.tfstate beside this file (git ignores it). Restarting the
# sandbox empties moto, so delete that file then too.
