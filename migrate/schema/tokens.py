"""A cursor over sqlglot's T-SQL tokens: the conversion reads DDL clause by clause with it, and
hands sqlglot each expression (a default, a check) to parse and write as MySQL."""

from __future__ import annotations

from sqlglot.dialects.tsql import TSQL
from sqlglot.tokenizer_core import Token, TokenType


class DdlError(ValueError):
    """DDL the conversion cannot read: the message names the line."""


def tokenize(text: str) -> list[Token]:
    """sqlglot's tokens, with its few two-word keywords (``PRIMARY KEY``) split into words."""
    try:
        tokens = TSQL().tokenize(text)
    except Exception as exc:  # sqlglot raises its own TokenError and ValueError
        raise DdlError(f"cannot read the DDL: {exc}") from exc
    return [word for token in tokens for word in _words(token, text)]


def _words(token: Token, text: str) -> list[Token]:
    if token.token_type in (TokenType.STRING, TokenType.IDENTIFIER) or " " not in token.text:
        return [token]
    words, at = [], token.start
    for part in text[token.start : token.end + 1].split():
        at = text.index(part, at)
        words.append(Token(TokenType.VAR, part, token.line, token.col, at, at + len(part) - 1))
        at += len(part)
    return words


class Cursor:
    def __init__(self, tokens: list[Token], text: str) -> None:
        self.tokens = tokens
        self.text = text
        self.at = 0

    @property
    def done(self) -> bool:
        return self.at >= len(self.tokens)

    def peek(self, ahead: int = 0) -> Token | None:
        at = self.at + ahead
        return self.tokens[at] if at < len(self.tokens) else None

    def word(self, ahead: int = 0) -> str:
        """The upper-cased text of a token ("" past the end): keywords are matched by their text."""
        token = self.peek(ahead)
        return token.text.upper() if token is not None and token.token_type != TokenType.STRING else ""

    def is_(self, *words: str) -> bool:
        return all(self.word(n) == w for n, w in enumerate(words))

    def accept(self, *words: str) -> bool:
        if self.is_(*words):
            self.at += len(words)
            return True
        return False

    def expect(self, *words: str) -> None:
        if not self.accept(*words):
            raise self.error(f"expected {' '.join(words)}")

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise self.error("the statement ends too early")
        self.at += 1
        return token

    def name(self) -> str:
        """An identifier, bracketed or not (sqlglot strips the brackets)."""
        token = self.take()
        if token.token_type in (TokenType.L_PAREN, TokenType.R_PAREN, TokenType.COMMA, TokenType.STRING):
            raise self.error(f"expected a name, found {token.text!r}", token)
        return token.text

    def dotted(self) -> list[str]:
        parts = [self.name()]
        while self.peek() is not None and self.peek().token_type == TokenType.DOT:  # type: ignore[union-attr]
            self.at += 1
            parts.append(self.name())
        return parts

    def group(self) -> tuple[int, int]:
        """Past a parenthesised group: the source offsets of what is inside the parentheses."""
        opening = self.take()
        if opening.token_type != TokenType.L_PAREN:
            raise self.error("expected (", opening)
        depth = 1
        while True:
            token = self.take()
            if token.token_type == TokenType.L_PAREN:
                depth += 1
            elif token.token_type == TokenType.R_PAREN:
                depth -= 1
                if depth == 0:
                    return opening.end + 1, token.start

    def group_text(self) -> str:
        start, end = self.group()
        return self.text[start:end].strip()

    def at_paren(self) -> bool:
        token = self.peek()
        return token is not None and token.token_type == TokenType.L_PAREN

    def at_comma(self) -> bool:
        token = self.peek()
        return token is not None and token.token_type == TokenType.COMMA

    def at_close(self) -> bool:
        token = self.peek()
        return token is not None and token.token_type == TokenType.R_PAREN

    def skip_until(self, *stops: TokenType) -> str:
        """Past tokens at this depth up to (not including) one of ``stops``: their source text."""
        first = self.at
        while not self.done and self.tokens[self.at].token_type not in stops:
            if self.tokens[self.at].token_type == TokenType.L_PAREN:
                self.group()
            else:
                self.at += 1
        if self.at == first:
            return ""
        return self.text[self.tokens[first].start : self.tokens[self.at - 1].end + 1].strip()

    def line(self, token: Token | None = None) -> int:
        token = token or self.peek() or (self.tokens[-1] if self.tokens else None)
        return token.line if token is not None else 1

    def error(self, what: str, token: Token | None = None) -> DdlError:
        return DdlError(f"line {self.line(token)}: {what}")
