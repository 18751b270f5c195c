"""The QuickBooks Online query language.

    SELECT * | COUNT(*) FROM Entity [WHERE cond AND cond ...] [ORDERBY field [ASC|DESC], ...]
        [STARTPOSITION n] [MAXRESULTS m]
    cond := field (= | < | > | <= | >= | !=) value | field IN (value, ...) | field LIKE 'text%'

One entity, AND only: OR, joins, GROUP BY and anything unparsable raise a 4000 fault. Keywords are
case-insensitive, entity names case-sensitive (as Intuit's), field names case-insensitive (a choice).
String comparison is case-insensitive (a choice; it matches how QuickBooks compares names).
`SELECT *, Sku FROM Item` (what python-quickbooks' `Item.all()` sends) is accepted: extra fields
after `*` are ignored. "ORDER BY" (two words, also sent by python-quickbooks) is accepted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import faults
from .clock import parse_time
from .entities import SPECS

DEFAULT_PAGE = 100
MAX_PAGE = 1000  # larger MAXRESULTS are capped silently

TOKEN = re.compile(r"""
    \s*(?:
      (?P<string>'(?:\\.|[^'\\])*')
    | (?P<number>-?\d+(?:\.\d+)?)
    | (?P<op><=|>=|!=|<>|=|<|>)
    | (?P<punct>[(),*])
    | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
    )""", re.VERBOSE)


@dataclass
class Condition:
    field: str
    op: str
    values: list


@dataclass
class Query:
    entity: str
    count: bool = False
    fields: list[str] = field(default_factory=list)  # empty means *
    where: list[Condition] = field(default_factory=list)
    order: list[tuple[str, bool]] = field(default_factory=list)  # (field, descending)
    start: int = 1
    max_results: int = DEFAULT_PAGE


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    text = text.strip().rstrip(";")
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise faults.query_error(f"Encountered unexpected character at position {pos}: {text[pos:pos + 10]!r}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def next(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise faults.query_error("Unexpected end of query")
        self.i += 1
        return token

    def keyword(self, *words: str) -> bool:
        token = self.peek()
        if token and token[0] == "word" and token[1].upper() in words:
            self.i += 1
            return True
        return False

    def expect_keyword(self, word: str) -> None:
        if not self.keyword(word):
            raise faults.query_error(f"Expected {word} near {self.peek()[1] if self.peek() else 'end of query'}")

    def expect(self, kind: str, value: str | None = None) -> str:
        token = self.next()
        if token[0] != kind or (value is not None and token[1] != value):
            raise faults.query_error(f"Encountered {token[1]!r} where {value or kind} was expected")
        return token[1]

    def literal(self) -> Any:
        kind, text = self.next()
        if kind == "string":
            return re.sub(r"\\(.)", r"\1", text[1:-1])
        if kind == "number":
            return float(text) if "." in text else int(text)
        if kind == "word" and text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise faults.query_error(f"Expected a value, found {text!r}")

    def parse(self) -> Query:
        self.expect_keyword("SELECT")
        count, fields = False, []
        token = self.peek()
        if token and token[0] == "word" and token[1].upper() == "COUNT":
            self.next()
            self.expect("punct", "(")
            self.expect("punct", "*")
            self.expect("punct", ")")
            count = True
        elif token and token[0] == "punct" and token[1] == "*":
            self.next()
            while self.peek() == ("punct", ","):  # "SELECT *, Sku": extra fields are ignored
                self.next()
                self.expect("word")
        else:
            fields.append(self.expect("word"))
            while self.peek() == ("punct", ","):
                self.next()
                fields.append(self.expect("word"))
        self.expect_keyword("FROM")
        entity = self.expect("word")
        if entity not in SPECS:
            raise faults.query_error(f"Invalid entity name {entity!r} (entity names are case-sensitive)")
        query = Query(entity=entity, count=count, fields=fields)
        if self.keyword("WHERE"):
            query.where.append(self.condition())
            while True:
                if self.keyword("AND"):
                    query.where.append(self.condition())
                elif self.peek() and self.peek()[0] == "word" and self.peek()[1].upper() == "OR":
                    raise faults.query_error("OR is not supported; only AND can join conditions")
                else:
                    break
        if self.keyword("ORDERBY") or (self.keyword("ORDER") and self._by()):
            while True:
                name = self.expect("word")
                descending = False
                if self.keyword("DESC"):
                    descending = True
                else:
                    self.keyword("ASC")
                query.order.append((name, descending))
                if self.peek() == ("punct", ","):
                    self.next()
                    continue
                break
        seen: set[str] = set()
        while self.peek() and self.peek()[0] == "word" and self.peek()[1].upper() in ("STARTPOSITION", "MAXRESULTS"):
            word = self.next()[1].upper()  # either order, each at most once
            if word in seen:
                raise faults.query_error(f"{word} given twice")
            seen.add(word)
            if word == "STARTPOSITION":
                query.start = self.positive_int(word)
            else:
                query.max_results = min(self.positive_int(word), MAX_PAGE)
        if self.peek() is not None:
            raise faults.query_error(f"Unexpected {self.peek()[1]!r}")
        return query

    def _by(self) -> bool:
        self.expect_keyword("BY")
        return True

    def positive_int(self, what: str) -> int:
        kind, text = self.next()
        if kind != "number" or "." in text or int(text) < 1:
            raise faults.query_error(f"{what} must be a positive integer")
        return int(text)

    def condition(self) -> Condition:
        name = self.expect("word")
        if name.upper() in ("AND", "OR", "ORDERBY"):
            raise faults.query_error(f"Expected a field name, found {name}")
        if self.keyword("IN"):
            self.expect("punct", "(")
            values = [self.literal()]
            while self.peek() == ("punct", ","):
                self.next()
                values.append(self.literal())
            self.expect("punct", ")")
            return Condition(name, "IN", values)
        if self.keyword("LIKE"):
            value = self.literal()
            if not isinstance(value, str):
                raise faults.query_error("LIKE needs a quoted string")
            return Condition(name, "LIKE", [value])
        kind, op = self.next()
        if kind != "op":
            raise faults.query_error(f"Expected an operator after {name}, found {op!r}")
        return Condition(name, "!=" if op == "<>" else op, [self.literal()])


def parse(text: str) -> Query:
    if not text or not text.strip():
        raise faults.query_error("Empty query")
    return _Parser(text).parse()


# -- evaluation -------------------------------------------------------------------------------------
def field_value(doc: dict, path: str) -> Any:
    value: Any = doc
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        if part in value:
            value = value[part]
        else:
            lowered = {k.lower(): k for k in value}
            key = lowered.get(part.lower())
            value = value[key] if key else None
    if isinstance(value, dict):
        # CustomerRef = '5' compares the Id; PrimaryEmailAddr / PrimaryPhone compare their text
        for key in ("value", "Address", "FreeFormNumber"):
            if key in value:
                return value[key]
    return value


def _comparable(left: Any, right: Any) -> tuple[Any, Any] | None:
    if left is None:
        return None
    if isinstance(right, bool) or isinstance(left, bool):
        return (str(left).lower() == "true") if not isinstance(left, bool) else left, right
    if isinstance(right, (int, float)):
        try:
            return float(left), float(right)
        except (TypeError, ValueError):
            return None
    left_text, right_text = str(left), str(right)
    if re.match(r"\d{4}-\d{2}-\d{2}T", left_text) or re.match(r"\d{4}-\d{2}-\d{2}T", right_text):
        try:
            return parse_time(left_text), parse_time(right_text)
        except ValueError:
            pass
    if left_text.isdigit() and right_text.isdigit():  # Ids compare as numbers
        return int(left_text), int(right_text)
    return left_text.casefold(), right_text.casefold()


def _like(value: Any, pattern: str) -> bool:
    if value is None:
        return False
    regex = "^" + ".*".join(re.escape(p) for p in pattern.split("%")) + "$"
    return re.match(regex, str(value), re.IGNORECASE | re.DOTALL) is not None


def matches(doc: dict, cond: Condition) -> bool:
    value = field_value(doc, cond.field)
    if cond.op == "LIKE":
        return _like(value, cond.values[0])
    if cond.op == "IN":
        for candidate in cond.values:
            pair = _comparable(value, candidate)
            if pair and pair[0] == pair[1]:
                return True
        return False
    pair = _comparable(value, cond.values[0])
    if pair is None:
        return False
    left, right = pair
    try:
        return {"=": left == right, "!=": left != right, "<": left < right, ">": left > right,
                "<=": left <= right, ">=": left >= right}[cond.op]
    except TypeError:
        return False


def _sort_key(value: Any):
    if value is None:
        return (0, "")
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, (int, float)):
        return (1, float(value))
    text = str(value)
    if text.isdigit():
        return (1, float(text))
    if re.match(r"\d{4}-\d{2}-\d{2}T", text):
        try:
            return (2, parse_time(text).timestamp())
        except ValueError:
            pass
    return (3, text.casefold())


def run(query: Query, docs: list[dict]) -> dict:
    """Evaluate against the entity's live objects (Id order); returns the QueryResponse body."""
    conditions = list(query.where)
    if SPECS[query.entity].name_list and not any(c.field.lower() == "active" for c in conditions):
        docs = [d for d in docs if d.get("Active", True) is True]  # name lists: active only by default
    selected = [d for d in docs if all(matches(d, c) for c in conditions)] if conditions else docs
    if query.count:
        return {"totalCount": len(selected)}
    for name, descending in reversed(query.order):
        selected.sort(key=lambda d: _sort_key(field_value(d, name)), reverse=descending)
    page = selected[query.start - 1: query.start - 1 + query.max_results]
    if not page:
        return {}
    if query.fields:
        wanted = {f.lower() for f in query.fields} | {"id"}
        rows = [{k: v for k, v in d.items() if k.lower() in wanted} for d in page]
    else:
        rows = list(page)  # stored documents are never mutated in place (see store.py): no copy needed
    return {query.entity: rows, "startPosition": query.start, "maxResults": len(rows)}
