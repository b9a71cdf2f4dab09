"""``migrate``: the tools for the move off Azure (docs/migration.md).

``migrate schema SOURCE.sql`` converts SQL Server DDL to MySQL's. It writes the MySQL script and a
JSON report, prints what a person must act on, and exits 0 when nothing needs acting on, 1 when
something does (the script is still written), 2 when the input cannot be read.

``migrate verify --source URL --target URL`` compares tables row by row without writing to
either side. It prints one line per table, writes a JSON report, and exits 0 when everything
matches, 1 when something differs, 2 for bad arguments or a database it cannot reach, 130 when
interrupted (``--resume`` goes on from there).

``migrate reports SOURCE... --out DIR`` converts Power BI reports (.pbix with a PBIR layout,
.pbit, PBIP folders) to QuickSight data sets and dashboards. It writes one folder per report and
prints each one's coverage; exit 0 when every source was read (what did not convert is in the
findings), 2 with one line for a source that cannot be read at all; with ``--deploy GROUP_ARN``
each is also created or updated in QuickSight (exit 1 when one could not be); with ``--terraform
FILE.tf.json`` the converted reports are also written as Terraform for the ``reporting`` module
(exit 1 when they cannot be)."""

from __future__ import annotations

import argparse
import codecs
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from migrate.schema.convert import Conversion

OUT = Path("out/migration")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="migrate", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    schema = commands.add_parser("schema", help="convert SQL Server DDL (T-SQL) to MySQL DDL")
    schema.add_argument("source", type=Path, help="a T-SQL script (as SSMS or sqlpackage writes it)")
    schema.add_argument(
        "-o", "--output", type=Path, default=OUT / "schema.mysql.sql", help="the MySQL script"
    )
    schema.add_argument(
        "--report", type=Path, default=OUT / "schema-report.json", help="tables and findings as JSON"
    )
    verify = commands.add_parser("verify", help="prove that every row arrived intact (read-only)")
    verify.add_argument("--source", help="SQLAlchemy URL of the source (e.g. postgresql://…)")
    verify.add_argument("--target", help="SQLAlchemy URL of the target (e.g. mysql://…)")
    verify.add_argument(
        "--tables", default="", help="comma-separated names (default: every table of the target)"
    )
    verify.add_argument(
        "--files",
        action="append",
        default=[],
        metavar="azure://CONTAINER/PREFIX=s3://BUCKET/PREFIX",
        help="compare a Blob prefix with an S3 prefix (repeatable; Azure credentials from"
        " AZURE_STORAGE_CONNECTION_STRING)",
    )
    verify.add_argument("--source-schema", help="the source's schema (PostgreSQL: public by default)")
    verify.add_argument("--threads", type=int, default=4, help="queries at once on each side")
    verify.add_argument("-o", "--output", type=Path, default=OUT / "migration-verify.json", help="the report")
    verify.add_argument(
        "--state", type=Path, default=OUT / "verify-state.json", help="where progress is saved"
    )
    verify.add_argument("--resume", action="store_true", help="skip the tables an earlier run finished")
    verify.add_argument(
        "--reports",
        type=Path,
        nargs="+",
        metavar="SOURCE",
        help="prove each converted visual's numbers: the Power BI report(s), as given to migrate reports",
    )
    verify.add_argument(
        "--converted", type=Path, default=OUT / "reports", help="with --reports: migrate reports' --out"
    )
    verify.add_argument("--target-schema", help="with --reports: the migrated tables' schema or database")
    reports = commands.add_parser("reports", help="convert Power BI reports to QuickSight (no AWS call)")
    reports.add_argument(
        "sources", type=Path, nargs="+", help=".pbix, .pbit, a PBIP folder, or a folder of them"
    )
    reports.add_argument("--out", type=Path, default=OUT / "reports", help="one folder per report")
    reports.add_argument("--account", default="111122223333", help="the AWS account the inputs name")
    reports.add_argument("--region", default="eu-west-1", help="QuickSight's region")
    reports.add_argument(
        "--data-source", default="reporting", help="the QuickSight data source id over RDS MySQL"
    )
    reports.add_argument(
        "--database", default="reporting", help="the MySQL database the tables were migrated into"
    )
    reports.add_argument(
        "--catalog-datasource", default="reporting", help="the report catalog's name for that database"
    )
    reports.add_argument(
        "--tables-by-name",
        action="store_true",
        help="a table read from a file or the web was loaded by the data track under its model name",
    )
    reports.add_argument(
        "--deploy",
        metavar="PRINCIPAL",
        help="create or update each report in QuickSight, readable by this group's ARN",
    )
    reports.add_argument(
        "--images-at",
        metavar="S3_URL",
        help="s3://bucket/prefix where --deploy uploads the reports' own images for QuickSight",
    )
    reports.add_argument(
        "--terraform",
        type=Path,
        metavar="FILE.tf.json",
        help="also write them as Terraform: terraform/modules/reporting/migrated_reports.tf.json",
    )
    args = parser.parse_args(argv)
    if args.command == "reports":
        return _reports(args)
    if args.command == "verify" and args.reports:
        if not args.target:
            parser.error(
                "--reports needs --target (the migrated database), and --source (what Power BI read)"
                " unless every report is a PBIX"
            )
        return _verify_reports(args)
    if args.command == "verify":
        if args.threads < 1:
            parser.error("--threads must be at least 1")
        if bool(args.source) != bool(args.target) or not (args.source or args.files):
            parser.error("give --source and --target (tables), or --files, or both")
        from migrate.verify.cli import verify_command

        return verify_command(args)
    return _schema(args.source, args.output, args.report)


def _schema(source: Path, output: Path, report: Path) -> int:
    try:
        from migrate.schema.convert import convert
        from migrate.schema.tokens import DdlError
    except ImportError as exc:  # the worker AMI installs the wheel without the migrate extra
        print(
            f"migrate schema needs the migrate extra (pip install 'snapshot-engine[migrate]'): {exc}",
            file=sys.stderr,
        )
        return 2
    try:
        conversion = convert(read_script(source))
    except (OSError, UnicodeDecodeError, DdlError) as exc:
        print(f"migrate schema: {source}: {exc}", file=sys.stderr)
        return 2
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(conversion.ddl, encoding="utf-8")
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(_report(source, output, conversion), indent=2) + "\n", encoding="utf-8")
    for finding in conversion.findings:
        print(finding.line())
    actions = len(conversion.findings.actions)
    print(
        f"migrate schema: {len(conversion.tables)} tables -> {output};"
        f" {actions} to act on, {len(conversion.findings) - actions} notes; report {report}"
    )
    return 0 if conversion.complete else 1


def _reports(args: argparse.Namespace) -> int:
    from migrate.reports.convert.datasets import Target
    from migrate.reports.convert.images import ImagesAt
    from migrate.reports.read.errors import UnreadableReport
    from migrate.reports.run import migrate_report, sources

    arn = f"arn:aws:quicksight:{args.region}:{args.account}:datasource/{args.data_source}"
    try:
        images_at = ImagesAt.parse(args.images_at) if args.images_at is not None else None
    except ValueError as exc:
        print(f"migrate reports: --images-at {exc}", file=sys.stderr)
        return 2
    target = Target(args.account, args.region, arn, args.database, args.tables_by_name, images_at)
    try:
        found = sources(args.sources)
    except UnreadableReport as exc:
        print(f"migrate reports: {exc}", file=sys.stderr)
        return 2
    unreadable = failed = 0
    folders = []
    for source in found:
        try:
            written = migrate_report(source, args.out, target, args.catalog_datasource)
        except (UnreadableReport, OSError) as exc:
            print(f"migrate reports: {exc}", file=sys.stderr)
            unreadable += 1
            continue
        folders.append(written.folder)
        print(f"{written.report}: {written.coverage}; {written.findings} findings -> {written.folder}")
        if args.deploy and not _deployed(written.folder, args):
            failed += 1
    if args.terraform and not _terraform_written(folders, args.terraform):
        failed += 1
    return 2 if unreadable else 1 if failed else 0


def _terraform_written(folders: list[Path], path: Path) -> bool:
    from migrate.reports.deploy import NotDeployable
    from migrate.reports.terraform import write_terraform

    try:
        written = write_terraform(folders, path)
    except (NotDeployable, OSError) as exc:
        print(f"migrate reports: no Terraform written: {exc}", file=sys.stderr)
        return False
    count = sum(len(v) for v in written.resources.values())
    print(f"terraform: {count} resources -> {path}")
    for dropped in written.dropped:
        print(f"  the AWS provider has no block for {dropped}: deploy it with --deploy to keep it")
    return True


def _deployed(folder: Path, args: argparse.Namespace) -> bool:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from migrate.reports.deploy import NotDeployable, deploy

    try:
        quicksight = boto3.client("quicksight", region_name=args.region)
        done = deploy(folder, quicksight, args.deploy, boto3.client("s3", region_name=args.region))
    except (NotDeployable, ClientError, BotoCoreError) as exc:
        print(f"migrate reports: not deployed: {exc}", file=sys.stderr)
        return False
    data_sets = ", ".join(f"{k} {v}" for k, v in done.data_sets.items())
    print(
        f"  deployed: data sets {data_sets}; dashboard {done.dashboard}; {done.images} images uploaded;"
        f" readable by {args.deploy}"
    )
    return True


def _verify_reports(args: argparse.Namespace) -> int:
    from migrate.reports.read.errors import UnreadableReport
    from migrate.reports.verify.run import verify_reports, write_summary

    output = args.output if args.output != OUT / "migration-verify.json" else OUT / "reports-verify.json"
    try:
        found, summary = verify_reports(
            args.reports, args.converted, args.source, args.target, (args.source_schema, args.target_schema)
        )
    except (UnreadableReport, ValueError, OSError, sa_errors()) as exc:
        print(f"migrate verify: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    write_summary(output, summary)
    different = 0
    for name, results in found.items():
        for result in results:
            print(f"{name}: {result.line()}")
            different += result.status == "different"
        counts = [
            f"{sum(r.status == s for r in results)} {s}" for s in ("equal", "different", "not comparable")
        ]
        print(f"{name}: {', '.join(counts)}")
    print(f"migrate verify --reports: report {output}")
    return 1 if different else 0


def sa_errors() -> type[Exception]:
    import sqlalchemy as sa

    return sa.exc.SQLAlchemyError


def read_script(source: Path) -> str:
    """SSMS saves scripts as UTF-16 with a byte-order mark, sqlpackage as UTF-8 (with or without)."""
    raw = source.read_bytes()
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    return raw.decode("utf-8-sig")


def _report(source: Path, output: Path, conversion: Conversion) -> dict[str, object]:
    return {
        "source": str(source),
        "output": str(output),
        "tables": conversion.tables,
        "complete": conversion.complete,
        "findings": [f.as_json() for f in conversion.findings],
    }


if __name__ == "__main__":
    sys.exit(main())
