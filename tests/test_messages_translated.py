"""Every message raised or flashed from Python goes through gettext.

A Chinese literal handed straight to an exception, a flashed message, a form error or a JSON
error body reads Chinese to an English user, and the catalogue never sees it. This test reads
every project module with `ast` and lists each such literal as `path:line: text`.

What counts as a message (a "sink"):
  (a) any argument of the call in `raise X(...)`, whatever X is (ApplicationError, Conflict,
      PermissionDenied, Http404, CommandError, TypeError...);
  (b) any argument of `messages.success/info/warning/error/debug/add_message(...)`;
  (c) any argument of `<anything>.add_error(...)` and of `ValidationError(...)` wherever it is
      built (raised, appended to a list, returned);
  (d) a name such a sink uses, followed to where it is set: a local variable of the same
      function, a module-level constant of the same module, or one imported from a project module
      (`raise ApplicationError(SOME_CONST % {...})` with `SOME_CONST = "中文…"` is flagged at the
      constant's line), or a parameter of the function, followed to what the calls in the same
      module pass for it (a helper that flashes the text it is given);
  (e) JSON and message bodies: every argument of `JsonResponse(...)`, and the value of a
      "message"/"error"/"detail"/"warning"/"notice" key of any dict literal.
Inside a sink, a literal is fine when it is the argument of gettext, gettext_lazy, ngettext,
pgettext (or their `_` alias and lazy forms); `_("…%(name)s") % {...}` is fine, while a Chinese
literal among the `%` values (a date written as f"{y}年{m}月") is not. Text the portal writes into
official documents (the 考核通报's reasons, the exporters' cells) is not handed to a sink, so it is
not flagged: those stay Chinese whatever the language, by design (assessment/compile.py).

A second rule: the msgid given to gettext must be a plain literal. An f-string, a `%`/`+`/
`.format()` built string can never match a catalogue entry, so it is never translated; and a
msgid looked up at run time (`_(TABLE[key])`) needs each value of the table marked where it is
set (gettext_lazy or gettext_noop), else it is never extracted.

Not followed: attributes (`self.message`), loop variables, what another function returns.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings

APPS = (
    "qualitycity",
    "responsibilities",
    "programmes",
    "targets",
    "plandocs",
    "reports",
    "dashboards",
    "assessment",
    "interfaces",
)
SKIPPED_DIRS = {"tests", "migrations", "bench", "__pycache__"}

# Files whose flagged messages stay as they are on purpose, with the reason. Keep it short: a
# message a user sees in the portal is never a reason to be here.
ALLOWED = {
    # ImproperlyConfigured raised while the settings module loads, for whoever deploys the portal:
    # the translation machinery is not set up yet at that point (gettext raises
    # AppRegistryNotReady), and each message already says it in Chinese and in English.
    "qualitycity/settings.py": "settings errors are bilingual and raised before translations load",
}

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# name → positions of the arguments that are msgids
GETTEXT = {
    "_": (0,),
    "gettext": (0,),
    "gettext_lazy": (0,),
    "gettext_noop": (0,),
    "ngettext": (0, 1),
    "ngettext_lazy": (0, 1),
    "pgettext": (1,),
    "pgettext_lazy": (1,),
    "npgettext": (1, 2),
    "npgettext_lazy": (1, 2),
}
MESSAGE_LEVELS = {"debug", "info", "success", "warning", "error", "add_message"}
MESSAGE_KEYS = {"message", "error", "detail", "warning", "notice"}


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _is_gettext(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GETTEXT


def _is_sink_call(node: ast.Call) -> bool:
    func = node.func
    name = _called_name(func)
    if name in ("add_error", "ValidationError", "JsonResponse"):
        return True
    return (
        isinstance(func, ast.Attribute)
        and func.attr in MESSAGE_LEVELS
        and isinstance(func.value, ast.Name)
        and func.value.id == "messages"
    )


def _call_arguments(call: ast.Call) -> list[ast.expr]:
    return [*call.args, *(k.value for k in call.keywords)]


def _text_of(node: ast.expr) -> str:
    if isinstance(node, ast.Constant):
        return node.value
    return "".join(v.value if isinstance(v, ast.Constant) else "{…}" for v in node.values)


def _message_parts(node: ast.expr) -> list[ast.expr]:
    """The parts of an expression that end up in its text: not a condition's test, not the
    object a method is called on (a compiled pattern), not a subscript's key."""
    if isinstance(node, ast.IfExp):
        return [node.body, node.orelse]
    if isinstance(node, ast.BoolOp):
        return node.values
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.Call):
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        # "…{}".format(x) and "、".join(...) put the literal itself into the text, and
        # MESSAGES.get(key) one of the table's values
        own = (
            [receiver]
            if isinstance(receiver, (ast.Constant, ast.JoinedStr))
            or (receiver is not None and node.func.attr == "get")
            else []
        )
        return [*own, *_call_arguments(node)]
    if isinstance(node, ast.Dict):
        return [v for v in node.values if v is not None]
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return node.elts
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
        return [node.elt]
    if isinstance(node, ast.Lambda):  # a message passed as a callable: success=lambda r: …
        return [node.body]
    if isinstance(node, (ast.Subscript, ast.Starred, ast.FormattedValue)):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return node.values
    return []


class Module:
    """One parsed project file: its path, its tree, its module-level constants and imports."""

    def __init__(self, path: Path, root: Path):
        self.path = path
        self.rel = path.relative_to(root).as_posix()
        self.tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        self.parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
        parts = list(path.relative_to(root).with_suffix("").parts)
        self.is_package = parts[-1] == "__init__"
        self.dotted = ".".join(parts[:-1] if self.is_package else parts)
        self.constants: dict[str, list[ast.expr]] = {}
        self.imports: dict[str, tuple[str, str]] = {}  # local name → (module, name)
        for stmt in self.tree.body:
            for target, value in _assignments(stmt):
                self.constants.setdefault(target, []).append(value)
            if isinstance(stmt, ast.ImportFrom):
                source = self._absolute(stmt)
                for alias in stmt.names:
                    self.imports[alias.asname or alias.name] = (source, alias.name)

    def _absolute(self, stmt: ast.ImportFrom) -> str:
        if not stmt.level:
            return stmt.module or ""
        package = self.dotted.split(".") if self.is_package else self.dotted.split(".")[:-1]
        base = package[: len(package) - (stmt.level - 1)]
        return ".".join([*base, *([stmt.module] if stmt.module else [])])

    def function_of(self, node: ast.AST) -> ast.AST | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return node
        return None


def _parameters(function: ast.FunctionDef) -> list[str]:
    a = function.args
    return [p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs]]


def _passed(module: Module, function: ast.FunctionDef, parameter: str) -> list[ast.expr]:
    """What the calls of `function` in its own module pass as `parameter` (a helper that flashes
    the message it is given, called with a literal)."""
    positional = [p.arg for p in [*function.args.posonlyargs, *function.args.args]]
    values = []
    for call in ast.walk(module.tree):
        if not isinstance(call, ast.Call) or _called_name(call.func) != function.name:
            continue
        names = positional
        if isinstance(call.func, ast.Attribute) and names[:1] in (["self"], ["cls"]):
            names = names[1:]
        values += [arg for name, arg in zip(names, call.args, strict=False) if name == parameter]
        values += [k.value for k in call.keywords if k.arg == parameter]
    return values


def _assignments(stmt: ast.AST):
    if isinstance(stmt, ast.Assign):
        for target in stmt.targets:
            if isinstance(target, ast.Name):
                yield target.id, stmt.value
    elif (
        isinstance(stmt, (ast.AnnAssign, ast.AugAssign))
        and stmt.value is not None
        and isinstance(stmt.target, ast.Name)
    ):
        yield stmt.target.id, stmt.value


class Scanner:
    def __init__(self, root: Path):
        self.root = root
        self.modules: dict[str, Module] = {}
        for app in APPS:
            folder = root / app
            if not folder.is_dir():
                continue
            for path in sorted(folder.rglob("*.py")):
                if SKIPPED_DIRS & set(path.relative_to(root).parts):
                    continue
                module = Module(path, root)
                self.modules[module.dotted] = module
        self.found: set[tuple[str, int, str]] = set()
        self.untranslatable: set[tuple[str, int, str]] = set()

    def run(self) -> None:
        for module in self.modules.values():
            for node in ast.walk(module.tree):
                if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                    for arg in _call_arguments(node.exc):
                        self.message(module, arg, set())
                elif isinstance(node, ast.Call) and _is_sink_call(node):
                    for arg in _call_arguments(node):
                        self.message(module, arg, set())
                elif isinstance(node, ast.Dict):
                    for key, value in zip(node.keys, node.values, strict=True):
                        if isinstance(key, ast.Constant) and key.value in MESSAGE_KEYS:
                            self.message(module, value, set())
                if _is_gettext(node):
                    self.msgid_is_literal(module, node)

    def message(self, module: Module, node: ast.expr, seen: set, into: set | None = None) -> None:
        """Flags every Chinese literal that reaches the message `node` without gettext."""
        if (module.rel, id(node)) in seen:
            return
        seen.add((module.rel, id(node)))
        if _is_gettext(node):
            return  # its msgid is checked by msgid_is_literal
        if isinstance(node, (ast.Constant, ast.JoinedStr)):
            text = _text_of(node)
            if isinstance(text, str) and CJK.search(text):
                (self.found if into is None else into).add((module.rel, node.lineno, text))
                return
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            self.name(module, node, seen, into)
            return
        for part in _message_parts(node):
            self.message(module, part, seen, into)

    def name(self, module: Module, node: ast.Name, seen: set, into: set | None) -> None:
        function = module.function_of(node)
        if function is not None:
            local = [
                value
                for stmt in ast.walk(function)
                if module.function_of(stmt) is function
                for target, value in _assignments(stmt)
                if target == node.id
            ]
            for value in local:
                self.message(module, value, seen, into)
            if local:
                return
            if node.id in _parameters(function):
                for value in _passed(module, function, node.id):
                    self.message(module, value, seen, into)
                return
        for value in module.constants.get(node.id, []):
            self.message(module, value, seen, into)
        if node.id in module.imports:
            source, name = module.imports[node.id]
            other = self.modules.get(source)
            if other is not None:
                for value in other.constants.get(name, []):
                    self.message(other, value, seen, into)

    def msgid_is_literal(self, module: Module, call: ast.Call) -> None:
        """A msgid built at run time (f-string, %, +, .format) never matches a catalogue entry."""
        for position in GETTEXT[call.func.id]:
            if position >= len(call.args):
                continue
            arg = call.args[position]
            if isinstance(arg, ast.Constant):
                continue
            built = any(
                isinstance(n, ast.JoinedStr) or (isinstance(n, ast.Constant) and isinstance(n.value, str))
                for n in ast.walk(arg)
            )
            if built:
                self.untranslatable.add((module.rel, arg.lineno, ast.unparse(arg)[:80]))
            # a msgid looked up at run time (`_(TABLE[key])`) is translated only if each value
            # it can take is marked for the catalogue (gettext_noop/gettext_lazy where it is set)
            unmarked: set[tuple[str, int, str]] = set()
            self.message(module, arg, set(), unmarked)
            # (the call's own line is listed once, as the expression above)
            self.untranslatable |= {u for u in unmarked if not built or u[:2] != (module.rel, arg.lineno)}


def _scan() -> Scanner:
    scanner = Scanner(Path(settings.BASE_DIR))
    scanner.run()
    return scanner


def _listing(found) -> list[str]:
    return [f"{path}:{line}: {text}" for path, line, text in sorted(found)]


def test_every_message_raised_or_flashed_goes_through_gettext():
    found = {f for f in _scan().found if f[0] not in ALLOWED}
    assert _listing(found) == []


def test_a_gettext_msgid_is_a_plain_literal():
    assert _listing(_scan().untranslatable) == []


def test_every_allowed_file_still_needs_its_place():
    # an entry whose file no longer has anything flagged is stale, and would hide a new message
    flagged = {path for path, _line, _text in _scan().found}
    assert sorted(set(ALLOWED) - flagged) == []


def test_the_scanner_sees_each_kind_of_message(tmp_path):
    # given a project with one message of each kind, and one of each that is fine
    app = tmp_path / "reports"
    app.mkdir()
    (app / "texts.py").write_text('SHARED = "共享的消息"\n', encoding="utf-8")
    (app / "views.py").write_text(
        "from django.contrib import messages\n"
        "from django.utils.translation import gettext as _\n"
        "from .texts import SHARED\n"
        'CONST = "常量消息%(x)s"\n'
        'FINE = _("已翻译")\n'
        "def view(request, form, d):\n"
        '    messages.success(request, "已保存")\n'
        '    messages.error(request, _("未保存"))\n'
        '    form.add_error(None, f"第{d}行有误")\n'
        '    raise ApplicationError(CONST % {"x": 1})\n'
        "def other(d):\n"
        '    message = "局部消息"\n'
        "    raise Conflict(message)\n"
        "def third(d):\n"
        '    raise ApplicationError(_("截止于%(date)s") % {"date": f"{d.year}年"})\n'
        "def fourth():\n"
        "    raise ValueError(SHARED)\n"
        "def fifth():\n"
        '    return {"message": "出错了", "title": "标题"}\n'
        "def sixth(n):\n"
        '    raise ApplicationError(_(f"第{n}行"))\n'
        "def seventh():\n"
        "    raise ApplicationError(FINE)\n"
        "def eighth(n):\n"
        '    lines.append(f"扣{n}分")\n'
        "def _refused(request, text, success):\n"
        "    messages.error(request, text)\n"
        "    messages.success(request, success(1) if callable(success) else success)\n"
        "def ninth(request):\n"
        '    _refused(request, "不能退回", success=lambda r: "已退回")\n'
        '    _refused(request, text=_("不能提交"), success=_("已提交"))\n'
        'TABLE = {"a": "未标记", "b": gettext_noop("已标记")}\n'
        "def tenth(key):\n"
        "    raise ApplicationError(_(TABLE[key]))\n",
        encoding="utf-8",
    )
    # when
    scanner = Scanner(tmp_path)
    scanner.run()
    # then
    assert _listing(scanner.found) == [
        "reports/texts.py:1: 共享的消息",
        "reports/views.py:4: 常量消息%(x)s",
        "reports/views.py:7: 已保存",
        "reports/views.py:9: 第{…}行有误",
        "reports/views.py:12: 局部消息",
        "reports/views.py:15: {…}年",
        "reports/views.py:19: 出错了",
        "reports/views.py:30: 不能退回",
        "reports/views.py:30: 已退回",
    ]
    assert _listing(scanner.untranslatable) == [
        "reports/views.py:21: f'第{n}行'",
        "reports/views.py:32: 未标记",
    ]
