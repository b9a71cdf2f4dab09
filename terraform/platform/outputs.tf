output "operator" {
  description = "What an operator needs: the API, the queues, the table, the bucket, the state machines, the fleet, and where data lands."
  value = {
    api_url                = module.api.api_url
    queue_url              = module.queue.jobs.url
    dlq_name               = module.queue.dlq.name
    table_name             = module.metadata.table.name
    bucket_name            = module.storage.bucket.name
    catalog_uri            = module.storage.catalog.uri
    state_machine_arn      = module.orchestration.state_machine_arn
    event_bus_name         = module.orchestration.event_bus.name
    autoscaling_group_name = module.workers.autoscaling_group_name
    worker_ami_id          = module.workers.ami_id
    alarm_topic_arn        = module.monitoring.alarm_topic_arn
    dashboard_name         = module.monitoring.dashboard_name
    reporting_endpoint     = module.reporting.endpoint
    reporting_users = var.reporting_enabled ? {
      master_secret_arn = module.reporting.master_secret_arn
      reader_secret_arn = module.reporting.reader_secret_arn
      loader_secret_arn = module.reporting.loader_secret_arn
    } : null
    landing_bucket_name    = module.etl.landing_bucket.name
    loads_table_name       = module.etl.ledger_table.name
    load_state_machine_arn = module.etl.load_state_machine_arn
    datasets_uri           = module.etl.datasets.uri
    event_streams          = module.ingestion.stream_names
    migration = var.migration == null ? null : {
      dms                = module.migration[0].dms
      datasync_task_arns = module.migration[0].datasync_task_arns
    }
  }
}
