output "function_name" {
  description = "The reconciler Lambda (its logs name every item it repaired and why)."
  value       = module.function.function_name
}

output "dlq_name" {
  description = "The status changes the reconciler could not take (the alarm's dimension)."
  value       = module.dlq.name
}
