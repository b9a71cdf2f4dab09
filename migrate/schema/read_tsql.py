"""Reads a T-SQL script (batches split by GO) into tables: CREATE TABLE, CREATE INDEX and the
ALTER TABLE statements SQL Server's own scripting writes (keys, foreign keys, defaults, checks).
Everything else is a finding: views, procedures and the like are for a person to rewrite."""

from __future__ import annotations

import itertools
import re

from sqlglot.tokenizer_core import TokenType

from migrate.schema.expressions import mysql_check, mysql_default
from migrate.schema.findings import Findings
from migrate.schema.model import Check, Column, ForeignKey, Key, Table
from migrate.schema.tokens import Cursor, DdlError, tokenize
from migrate.schema.type_map import mysql_type

GO = re.compile(r"^[ \t]*GO(?:[ \t]+\d+)?[ \t]*;?[ \t]*$", re.IGNORECASE | re.MULTILINE)
# Statements that set the session up, not the schema: nothing to convert.
SESSION = {"SET", "USE", "BEGIN", "END", "PRINT", "COMMIT", "GO"}
# Objects that must be alone in their batch and that a person rewrites for MySQL.
PROGRAMS = {"VIEW", "PROCEDURE", "PROC", "FUNCTION", "TRIGGER"}
STARTS_AFTER_ALTER_OR_DROP = {
    "TABLE", "VIEW", "PROCEDURE", "PROC", "FUNCTION", "INDEX", "TRIGGER", "SCHEMA", "TYPE",
    "SEQUENCE", "SYNONYM", "DATABASE", "AUTHORIZATION",
}  # fmt: skip
# The tokens that end a column or table element, and an index's filter.
_ELEMENT_END = (TokenType.COMMA, TokenType.R_PAREN)
_INDEX_OPTION_END = (TokenType.WITH, TokenType.ON, TokenType.SEMICOLON)
REFERENTIAL = {"CASCADE": "CASCADE", "NO ACTION": "NO ACTION", "SET NULL": "SET NULL"}


class Schema:
    def __init__(self, findings: Findings) -> None:
        self.tables: dict[str, Table] = {}
        self.findings = findings

    def find(self, parts: list[str]) -> Table | None:
        return self.tables.get(parts[-1].lower())

    def read(self, script: str) -> None:
        start = 0
        for match in [*GO.finditer(script), None]:
            end = match.start() if match else len(script)
            padding = "\n" * script.count("\n", 0, start)  # so token lines are the script's lines
            self._batch(padding + script[start:end])
            start = match.end() if match else end

    def _batch(self, text: str) -> None:
        tokens = tokenize(text)
        if not tokens:
            return
        cursor = Cursor(tokens, text)
        if cursor.word() in {"CREATE", "ALTER"} and (
            cursor.word(1) in PROGRAMS or (cursor.is_("CREATE", "OR", "ALTER") and cursor.word(3) in PROGRAMS)
        ):
            kind = cursor.word(1) if cursor.word(1) != "OR" else cursor.word(3)
            self.findings.action(
                f"line {cursor.line()}",
                f"{kind} {_object_name(cursor)} is not converted: rewrite it for MySQL",
            )
            return
        for statement in _statements(cursor):
            self._statement(statement)

    def _statement(self, cursor: Cursor) -> None:
        words = (cursor.word(), cursor.word(1))
        if words[0] in SESSION or words[0] == ";":
            return
        if words[0] == "IF":
            self.findings.note(
                f"line {cursor.line()}", "an IF guard is ignored; the statement it guards is converted"
            )
            return
        if words == ("CREATE", "TABLE"):
            self._create_table(cursor)
        elif words[0] == "CREATE" and "INDEX" in _words_until(cursor, "ON"):
            self._create_index(cursor)
        elif words == ("ALTER", "TABLE"):
            self._alter_table(cursor)
        elif words == ("CREATE", "SCHEMA"):
            self.findings.note(
                f"line {cursor.line()}", "CREATE SCHEMA is not converted: tables go into one database"
            )
        else:
            self.findings.action(
                f"line {cursor.line()}", f"{_statement_head(cursor)} … is not converted: do it by hand"
            )

    # CREATE TABLE

    def _create_table(self, cursor: Cursor) -> None:
        cursor.expect("CREATE", "TABLE")
        parts = cursor.dotted()
        table = Table(parts[-2] if len(parts) > 1 else None, parts[-1])
        if table.name.lower() in self.tables:
            self.findings.action(
                table.where,
                f"a second table named {table.name} (schemas become one database): not created; rename one",
            )
            return
        if not cursor.at_paren():
            raise cursor.error("expected ( after the table's name")
        cursor.take()
        while True:
            self._table_element(cursor, table)
            if cursor.accept(","):
                continue
            if cursor.at_close():
                cursor.take()
                break
            if cursor.done:
                raise cursor.error(f"table {table.where} ends before its closing )")
            raise cursor.error("expected , or ) between a table's columns")
        self._table_options(cursor, table)
        self.tables[table.name.lower()] = table

    def _table_element(self, cursor: Cursor, table: Table) -> None:
        if cursor.accept("CONSTRAINT"):
            self._table_constraint(cursor, table, cursor.name())
        elif cursor.word() in {"PRIMARY", "UNIQUE", "FOREIGN", "CHECK"}:
            self._table_constraint(cursor, table, None)
        elif cursor.accept("PERIOD", "FOR", "SYSTEM_TIME"):
            cursor.group()
            self._temporal(table)
        elif cursor.accept("INDEX"):
            name = cursor.name()
            unique = cursor.accept("UNIQUE")
            _skip_clustering(cursor)
            if cursor.accept("HASH"):
                self.findings.note(f"{table.where}.{name}", "a hash index becomes a B-tree index")
            key = _key(name, cursor.group_text())
            (table.uniques if unique else table.indexes).append(key)
            _skip_storage(cursor)
        else:
            column = self._column(cursor, table)
            if column is not None:
                table.columns.append(column)

    def _column(self, cursor: Cursor, table: Table) -> Column | None:
        name = cursor.name()
        where = f"{table.where}.{name}"
        if cursor.accept("AS"):
            expression = cursor.skip_until(*_ELEMENT_END)
            self.findings.action(
                where,
                f"computed column (AS {expression}) is not created: DMS does not migrate computed columns;"
                " add it after the load as a generated column (GENERATED ALWAYS AS (…))",
            )
            return None
        type_parts = cursor.dotted()
        type_name = (
            type_parts[-1] if len(type_parts) == 1 or type_parts[0].lower() == "sys" else ".".join(type_parts)
        )
        params: tuple[str, ...] = ()
        if cursor.at_paren():
            params = tuple(p.strip().upper() for p in cursor.group_text().split(","))
        mapped = mysql_type(type_name, params, where, self.findings)
        column = Column(name, mapped) if mapped is not None else None
        constraint: str | None = None
        while not (cursor.done or cursor.at_comma() or cursor.at_close()):
            if cursor.accept("CONSTRAINT"):
                constraint = cursor.name()
                continue
            self._column_option(cursor, table, column, name, constraint)
            constraint = None
        return column

    def _column_option(
        self, cursor: Cursor, table: Table, column: Column | None, name: str, constraint: str | None
    ) -> None:
        where = f"{table.where}.{name}"
        if cursor.accept("NOT", "NULL"):
            if column:
                column.nullable = False
        elif cursor.accept("NULL"):
            pass
        elif cursor.accept("IDENTITY"):
            seed, step = (1, 1)
            if cursor.at_paren():
                seed, step = (int(v) for v in cursor.group_text().split(","))
            if column:
                column.auto_increment = True
            if seed != 1:
                table.auto_increment_start = seed
            if step != 1:
                self.findings.action(where, f"IDENTITY steps by {step}: MySQL's AUTO_INCREMENT steps by 1")
        elif cursor.accept("NOT", "FOR", "REPLICATION"):
            pass
        elif cursor.accept("DEFAULT"):
            text = _default_text(cursor)
            if column:
                column.default = mysql_default(text, column, where, self.findings)
        elif cursor.accept("PRIMARY", "KEY"):
            _skip_clustering(cursor)
            table.primary_key = Key(constraint, (name,))
            _skip_storage(cursor)
        elif cursor.accept("UNIQUE"):
            _skip_clustering(cursor)
            table.uniques.append(Key(constraint, (name,)))
            _skip_storage(cursor)
        elif cursor.accept("CHECK"):
            cursor.accept("NOT", "FOR", "REPLICATION")
            self._check(table, constraint, cursor.group_text(), where)
        elif cursor.word() in {"FOREIGN", "REFERENCES"}:
            cursor.accept("FOREIGN", "KEY")
            self._references(cursor, table, constraint, (name,))
        elif cursor.accept("INDEX"):
            index = cursor.name()
            unique = cursor.accept("UNIQUE")
            _skip_clustering(cursor)
            if cursor.accept("HASH"):
                self.findings.note(f"{table.where}.{index}", "a hash index becomes a B-tree index")
            _skip_storage(cursor)
            (table.uniques if unique else table.indexes).append(Key(index, (name,)))
        elif cursor.accept("COLLATE"):
            collation = cursor.name().upper()
            if column and ("_CS" in collation or collation.endswith(("_BIN", "_BIN2"))):
                column.binary_collation = True
        elif cursor.accept("SPARSE"):
            self.findings.action(
                where, "SPARSE: MySQL has no sparse columns; an ordinary NULL column takes its room"
            )
        elif cursor.accept("ROWGUIDCOL"):
            self.findings.note(where, "ROWGUIDCOL is dropped (a SQL Server replication marker)")
        elif cursor.accept("FILESTREAM"):
            self.findings.action(
                where, "FILESTREAM data is stored in the column itself (LONGBLOB): check its size"
            )
        elif cursor.accept("GENERATED", "ALWAYS", "AS", "ROW"):
            cursor.take()  # START or END
            cursor.accept("HIDDEN")
            self._temporal(table)
        elif cursor.accept("MASKED", "WITH"):
            cursor.group()
            self.findings.action(
                where, "dynamic data masking is dropped: MySQL shows the column to every reader"
            )
        elif cursor.accept("ENCRYPTED", "WITH"):
            cursor.group()
            self.findings.action(
                where, "Always Encrypted: DMS reads only ciphertext; decrypt before the move"
            )
        else:
            raise cursor.error(f"unexpected {cursor.take().text!r} in column {name}")

    def _table_constraint(self, cursor: Cursor, table: Table, name: str | None) -> None:
        where = f"{table.where}.{name}" if name else table.where
        if cursor.accept("PRIMARY", "KEY"):
            _skip_clustering(cursor)
            table.primary_key = _key(name, cursor.group_text())
            _skip_storage(cursor)
        elif cursor.accept("UNIQUE"):
            _skip_clustering(cursor)
            table.uniques.append(_key(name, cursor.group_text()))
            _skip_storage(cursor)
        elif cursor.accept("FOREIGN", "KEY"):
            columns = _key(None, cursor.group_text()).columns
            self._references(cursor, table, name, columns)
        elif cursor.accept("CHECK"):
            cursor.accept("NOT", "FOR", "REPLICATION")
            self._check(table, name, cursor.group_text(), where)
        elif cursor.accept("DEFAULT"):
            text = _default_text(cursor)
            cursor.expect("FOR")
            column = table.column(cursor.name())
            if column is None:
                raise cursor.error(f"DEFAULT FOR a column {table.where} does not have")
            column.default = mysql_default(text, column, f"{table.where}.{column.name}", self.findings)
        else:
            raise cursor.error(f"unexpected {cursor.take().text!r} in a constraint of {table.where}")

    def _references(self, cursor: Cursor, table: Table, name: str | None, columns: tuple[str, ...]) -> None:
        cursor.expect("REFERENCES")
        target = cursor.dotted()[-1]
        references = _key(None, cursor.group_text()).columns if cursor.at_paren() else columns
        actions: dict[str, str | None] = {"DELETE": None, "UPDATE": None}
        while cursor.accept("ON"):
            event = cursor.take().text.upper()
            action = " ".join(
                cursor.take().text.upper() for _ in range(2 if cursor.word() in {"SET", "NO"} else 1)
            )
            if action == "SET DEFAULT":
                self.findings.action(
                    f"{table.where}.{name or '/'.join(columns)}",
                    "ON … SET DEFAULT: InnoDB refuses it; NO ACTION kept",
                )
                action = "NO ACTION"
            actions[event] = REFERENTIAL.get(action, action)
        cursor.accept("NOT", "FOR", "REPLICATION")
        table.foreign_keys.append(
            ForeignKey(name, columns, target, references, actions["DELETE"], actions["UPDATE"])
        )

    def _check(self, table: Table, name: str | None, text: str, where: str) -> None:
        condition = mysql_check(text, where, self.findings)
        if condition is not None:
            table.checks.append(Check(name, condition))

    def _table_options(self, cursor: Cursor, table: Table) -> None:
        while not cursor.done and not cursor.accept(";"):
            if cursor.accept("WITH"):
                options = cursor.group_text().upper()
                if "MEMORY_OPTIMIZED" in options and "ON" in options:
                    self.findings.action(
                        table.where,
                        "a memory-optimised table (DMS does not migrate them): created as an InnoDB table;"
                        " move its data another way",
                    )
                if "SYSTEM_VERSIONING" in options:
                    self._temporal(table)
            elif cursor.word() in {"ON", "TEXTIMAGE_ON", "FILESTREAM_ON"}:
                cursor.take()
                cursor.name()
            else:
                raise cursor.error(f"unexpected {cursor.take().text!r} after table {table.where}")

    def _temporal(self, table: Table) -> None:
        what = (
            "a system-versioned (temporal) table: MySQL has none; its period columns are ordinary"
            " DATETIME columns and its history table is not kept up to date (DMS does not migrate"
            " temporal tables as such)"
        )
        if not any(f.where == table.where and f.what == what for f in self.findings):
            self.findings.action(table.where, what)

    # CREATE INDEX

    def _create_index(self, cursor: Cursor) -> None:
        cursor.expect("CREATE")
        unique = cursor.accept("UNIQUE")
        clustered = cursor.accept("CLUSTERED")
        cursor.accept("NONCLUSTERED")
        line = f"line {cursor.line()}"
        if cursor.word() in {"COLUMNSTORE", "SPATIAL", "XML", "FULLTEXT", "PRIMARY"}:
            kind = " ".join(_words_until(cursor, "INDEX"))
            self.findings.action(line, f"a {kind} index is not converted: MySQL has none of that kind")
            return
        cursor.expect("INDEX")
        name = cursor.name()
        cursor.expect("ON")
        parts = cursor.dotted()
        table = self.find(parts)
        where = f"{'.'.join(parts)}.{name}"
        if table is None:
            self.findings.action(where, "an index on a table this script does not create: not created")
            return
        key = _key(name, cursor.group_text())
        if clustered:
            self.findings.note(
                where,
                "a clustered index: InnoDB clusters rows by the primary key, so it is a secondary index",
            )
        if cursor.accept("INCLUDE"):
            included = cursor.group_text()
            self.findings.note(
                where, f"INCLUDE ({included}) is dropped: MySQL indexes carry no extra columns"
            )
        if cursor.accept("WHERE"):
            predicate = cursor.skip_until(*_INDEX_OPTION_END)
            if unique:
                self.findings.action(
                    where,
                    f"a filtered unique index (WHERE {predicate}): MySQL has no partial index; not created,"
                    " enforce it another way",
                )
                return
            self.findings.note(where, f"filter WHERE {predicate} dropped: the index covers every row")
        _skip_storage(cursor)
        (table.uniques if unique else table.indexes).append(key)

    # ALTER TABLE

    def _alter_table(self, cursor: Cursor) -> None:
        cursor.expect("ALTER", "TABLE")
        parts = cursor.dotted()
        table = self.find(parts)
        where = ".".join(parts)
        if table is None:
            self.findings.action(where, "ALTER TABLE on a table this script does not create: not converted")
            return
        nocheck = cursor.accept("WITH", "NOCHECK")
        cursor.accept("WITH", "CHECK")
        if cursor.word() in {"CHECK", "NOCHECK"}:
            if cursor.word() == "NOCHECK":
                self.findings.note(where, "a constraint disabled at the source is enabled in MySQL")
            return
        if not cursor.accept("ADD"):
            self.findings.action(where, f"ALTER TABLE … {cursor.word()} is not converted: do it by hand")
            return
        if nocheck:
            self.findings.note(where, "WITH NOCHECK: the source never checked its existing rows; MySQL will")
        while True:
            if cursor.accept("CONSTRAINT"):
                self._table_constraint(cursor, table, cursor.name())
            elif cursor.word() in {"PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "DEFAULT"}:
                self._table_constraint(cursor, table, None)
            else:
                column = self._column(cursor, table)
                if column is not None:
                    table.columns.append(column)
            if not cursor.accept(","):
                break


def _statements(cursor: Cursor) -> list[Cursor]:
    """The batch's statements: each starts at a statement keyword outside parentheses."""
    starts = [0]
    depth = 0
    for at, token in enumerate(cursor.tokens):
        text = token.text.upper()
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
        if depth or at == starts[-1]:
            continue
        following = cursor.tokens[at + 1].text.upper() if at + 1 < len(cursor.tokens) else ""
        previous = cursor.tokens[at - 1].text.upper() if at else ""
        if (
            text == ";"
            or (
                text in {"CREATE", "IF", "USE", "PRINT", "EXEC", "EXECUTE", "INSERT", "GRANT", "DECLARE"}
                and previous not in {"ON", "WITH"}
            )
            or (text == "SET" and previous not in {"DELETE", "UPDATE", "ON"})
            or (text in {"ALTER", "DROP"} and following in STARTS_AFTER_ALTER_OR_DROP)
        ):
            starts.append(at)
    starts.append(len(cursor.tokens))
    statements = []
    for begin, end in itertools.pairwise(starts):
        tokens = [t for t in cursor.tokens[begin:end] if t.text != ";"]
        if tokens:
            statements.append(Cursor(tokens, cursor.text))
    return statements


def _words_until(cursor: Cursor, stop: str) -> list[str]:
    words = []
    for n in range(len(cursor.tokens) - cursor.at):
        word = cursor.word(n)
        if word == stop:
            break
        words.append(word)
    return words


def _object_name(cursor: Cursor) -> str:
    cursor.at = 4 if cursor.is_("CREATE", "OR", "ALTER") else 2
    return ".".join(cursor.dotted())


def _statement_head(cursor: Cursor) -> str:
    """The statement's first words as written, e.g. ``CREATE SEQUENCE [Sequences].[CustomerID]``."""
    tokens = cursor.tokens[cursor.at : cursor.at + 6]
    if not tokens:
        return ""
    return cursor.text[tokens[0].start : tokens[-1].end + 1].split("(")[0].strip()


def _key(name: str | None, text: str) -> Key:
    columns, descending = [], []
    for part in _split_top_level(text):
        inner = Cursor(tokenize(part), part)
        columns.append(inner.name())
        descending.append(inner.accept("DESC"))
    return Key(name, tuple(columns), tuple(descending))


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [p.strip() for p in [*parts, current] if p.strip()]


def _default_text(cursor: Cursor) -> str:
    if cursor.at_paren():
        return cursor.group_text()
    first = cursor.take()
    if first.text == "-":
        return f"-{cursor.take().text}"
    if cursor.at_paren():
        start, end = cursor.group()
        return f"{first.text}({cursor.text[start:end]})"
    return cursor.text[first.start : first.end + 1]


def _skip_clustering(cursor: Cursor) -> None:
    """CLUSTERED or NONCLUSTERED: InnoDB always clusters by the primary key."""
    if not cursor.accept("CLUSTERED"):
        cursor.accept("NONCLUSTERED")


def _skip_storage(cursor: Cursor) -> None:
    """An index's or constraint's WITH (…) and ON <filegroup>: storage, nothing MySQL has."""
    while True:
        after = cursor.peek(1)
        if cursor.is_("WITH") and after is not None and after.token_type == TokenType.L_PAREN:
            cursor.take()
            cursor.group()
        elif cursor.word() == "ON" and cursor.word(1) not in {"DELETE", "UPDATE"}:
            cursor.take()
            cursor.name()
            if cursor.at_paren():
                cursor.group()
        else:
            return


__all__ = ["DdlError", "Schema"]
