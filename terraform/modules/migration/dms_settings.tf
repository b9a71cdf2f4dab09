# The table mappings and task settings DMS runs with, generated from var.tables.schemas.
locals {
  schemas = local.tables_on ? var.tables.schemas : {}
  selections = flatten([
    for schema in sort(keys(local.schemas)) : concat(
      [for table in local.schemas[schema].include : { action = "include", schema = schema, table = table }],
      [for table in local.schemas[schema].exclude : { action = "exclude", schema = schema, table = table }],
    )
  ])
  table_mappings = jsonencode({
    rules = concat(
      [
        for index, rule in local.selections : {
          rule-type      = "selection"
          rule-id        = tostring(index + 1)
          rule-name      = "${rule.action}-${rule.schema}-${index + 1}"
          object-locator = { schema-name = rule.schema, table-name = rule.table }
          rule-action    = rule.action
        }
      ],
      # MySQL has no schemas inside a database: every source schema lands in the reporting database.
      [
        for index, schema in sort(keys(local.schemas)) : {
          rule-type      = "transformation"
          rule-id        = tostring(1000 + index + 1)
          rule-name      = "into-reporting-${schema}"
          rule-target    = "schema"
          object-locator = { schema-name = schema }
          rule-action    = "rename"
          value          = try(var.target.database_name, "")
        }
      ],
    )
  })
  replication_settings = jsonencode({
    TargetMetadata = {
      SupportLobs        = true
      FullLobMode        = false
      LimitedSizeLobMode = true
      LobMaxSize         = try(var.tables.lob_max_size_kb, 0)
    }
    FullLoadSettings = {
      # The tables are migrate schema's: DMS must keep them (its own DDL loses types and checks),
      # and a full load run again starts from empty tables instead of adding duplicates.
      TargetTablePrepMode = "TRUNCATE_BEFORE_LOAD"
      MaxFullLoadSubTasks = 8
      CommitRate          = 10000
    }
    ValidationSettings = {
      EnableValidation     = true
      ValidationMode       = "ROW_LEVEL"
      ThreadCount          = 5
      PartitionSize        = 10000
      FailureMaxCount      = 10000
      TableFailureMaxCount = 1000
      # SQL Server's collations and MySQL's utf8mb4 order text differently.
      HandleCollationDiff = true
      SkipLobColumns      = false
    }
    Logging = { EnableLogging = true }
    ErrorBehavior = {
      DataErrorPolicy        = "LOG_ERROR"
      TableErrorPolicy       = "SUSPEND_TABLE"
      ApplyErrorInsertPolicy = "LOG_ERROR"
    }
  })
}
