"""The function a sweep calls: naming, importing, the sweep-file allow-list, and the fingerprint of its code.

A sweep's function is either a name, ``"package.module:function"``, or (from Python, e.g. a notebook) a plain
callable. A name is imported from the installed packages or, without any ``PYTHONPATH``, from a module in the
working directory or the sweep file's directory (those are appended to ``sys.path``, so they never shadow an
installed module). The Dask workers get the same directories, and a callable is shipped to them pickled by
value where it cannot be imported there (cloudpickle), so a notebook's function runs on a LocalCluster.

**Resume guarantee.** A run records the fingerprint of its function's code (:func:`code_fingerprint`); resuming
the run with a function whose code has changed is refused (the stored points came from the old code, and a run
never mixes points of two versions). The fingerprint covers the function's own source (or, without a source,
its bytecode), its default arguments and the values of its closure (plain data: numbers, strings, tuples, lists,
dicts, NumPy arrays), the module globals it names when they are immutable (numbers, strings, tuples of them —
a module's dicts, lists and arrays are often caches that fill as it runs), the functions it names (their
code, the same way, four levels deep), and for a ``functools.partial`` the bound arguments. It does not see
into classes, objects or imported modules the function uses: when you change one of those, use a new run name.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import inspect
import marshal
import os
import pathlib
import sys

# optolink functions that a sweep file may name without --allow-any-function
ALLOWED_FUNCTIONS = frozenset({
    "links.yields:die_margin",
    "links.yields:die_figures",
    "links.verdict:chip_point",
})


class FunctionNotAllowed(ValueError):
    """A sweep file names a function outside the allow-list and outside the user's directories."""


def check_function_spec(function) -> None:
    """A sweep function is a ``"package.module:function"`` string or a callable; anything else is refused."""
    if callable(function) and not isinstance(function, str):
        return
    if not isinstance(function, str) or function.count(":") != 1 or not all(function.split(":")):
        raise ValueError(f"function must be 'package.module:function' or a callable; got {function!r}")


def function_name(function) -> str:
    """``"module:qualname"`` of a callable (what the store records), or the name itself."""
    if isinstance(function, str):
        return function
    target = function.func if isinstance(function, functools.partial) else function
    module = getattr(target, "__module__", None) or type(target).__module__
    qualname = getattr(target, "__qualname__", None) or type(target).__qualname__
    return f"{module}:{qualname}"


def add_to_path(directories) -> None:
    """Append ``directories`` to ``sys.path`` (never in front: an installed module is never shadowed)."""
    for d in directories:
        d = str(d)
        if d and d not in sys.path:
            sys.path.append(d)


def resolve_function(path, directories=None):
    """The callable named ``"package.module:function"`` (a callable is returned as is). The module is imported
    from the installed packages or from ``directories`` (default: the working directory)."""
    if not isinstance(path, str):
        if not callable(path):
            raise ValueError(f"function {path!r} is not callable")
        return path
    module, _, attr = path.partition(":")
    add_to_path([os.getcwd()] if directories is None else directories)
    try:
        obj = importlib.import_module(module)
    except ImportError as exc:
        raise ValueError(f"function {path!r}: cannot import module {module!r} ({exc})") from None
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise ValueError(f"function {path!r}: module {module!r} has no {attr!r}")
        obj = getattr(obj, part)
    if not callable(obj):
        raise ValueError(f"function {path!r} is not callable")
    return obj


def module_directories(fn) -> list[str]:
    """The directory a worker needs on its path to import ``fn``'s module (none for ``__main__``)."""
    target = fn.func if isinstance(fn, functools.partial) else fn
    module = getattr(target, "__module__", None) or ""
    if not module or module == "__main__":
        return []
    where = _module_directory(module.split(".")[0])
    return [str(where)] if where is not None else []


_MAX_DEPTH = 4
_PLAIN = (int, float, complex, str, bytes, bool, type(None))


def code_fingerprint(fn) -> str:
    """A hash of the code of callable ``fn`` (see the module docstring for what it covers), 32 hex digits."""
    h = hashlib.sha256()
    _hash_callable(h, fn, 0, set())
    return h.hexdigest()[:32]


def _hash_callable(h, fn, depth: int, seen: set) -> None:
    if depth > _MAX_DEPTH or id(fn) in seen:
        return
    seen.add(id(fn))
    if isinstance(fn, functools.partial):
        h.update(b"partial")
        _hash_callable(h, fn.func, depth + 1, seen)
        for v in (*fn.args, *[x for kv in sorted(fn.keywords.items()) for x in kv]):
            _hash_value(h, v, depth + 1, seen)
        return
    if inspect.ismethod(fn):
        _hash_callable(h, fn.__func__, depth + 1, seen)
        return
    if not inspect.isfunction(fn):  # a callable object: the code of its class's __call__
        call = vars(type(fn)).get("__call__")
        h.update(function_name(type(fn)).encode())
        if inspect.isfunction(call):
            _hash_callable(h, call, depth + 1, seen)
        return
    h.update(fn.__qualname__.encode())
    try:
        source = inspect.getsource(fn)
    except (OSError, TypeError):  # no source (built at run time): the bytecode, which is what runs
        source = None
    h.update(source.encode() if source is not None else marshal.dumps(fn.__code__))
    for v in (*(fn.__defaults__ or ()), *[x for kv in sorted((fn.__kwdefaults__ or {}).items()) for x in kv]):
        _hash_value(h, v, depth + 1, seen)
    for name, cell in zip(fn.__code__.co_freevars, fn.__closure__ or (), strict=False):
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        h.update(name.encode())
        _hash_value(h, value, depth + 1, seen)
    for name in sorted(_global_names(fn.__code__)):
        # module-level names by value only when immutable: a module's dicts, lists and arrays are often caches
        # that fill as the function runs, and must not change its fingerprint between two calls
        if name in fn.__globals__ and _immutable(fn.__globals__[name]):
            h.update(name.encode())
            _hash_value(h, fn.__globals__[name], depth + 1, seen)


def _immutable(value) -> bool:
    if isinstance(value, _PLAIN) or inspect.isfunction(value) or isinstance(value, functools.partial):
        return True
    if isinstance(value, tuple | frozenset) and len(value) <= 10_000:
        return all(_immutable(v) for v in value)
    return False


def _global_names(code) -> set:
    names = set(code.co_names)
    for const in code.co_consts:  # nested functions, lambdas, comprehensions
        if inspect.iscode(const):
            names |= _global_names(const)
    return names


def _hash_value(h, value, depth: int, seen: set) -> None:
    """Plain data by value, functions by their code; anything else (modules, classes, objects) by nothing."""
    if isinstance(value, _PLAIN):
        h.update(f"{type(value).__name__}:{value!r}".encode())
    elif isinstance(value, tuple | list | frozenset | set) and len(value) <= 10_000:
        h.update(f"{type(value).__name__}[{len(value)}]".encode())
        for v in sorted(value, key=repr) if isinstance(value, set | frozenset) else value:
            _hash_value(h, v, depth, seen)
    elif isinstance(value, dict) and len(value) <= 10_000:
        h.update(f"dict[{len(value)}]".encode())
        for k in sorted(value, key=repr):
            _hash_value(h, k, depth, seen)
            _hash_value(h, value[k], depth, seen)
    elif type(value).__module__ == "numpy" and hasattr(value, "tobytes") and getattr(value, "size", 0) <= 10**7:
        h.update(f"{getattr(value, 'dtype', '')}{getattr(value, 'shape', '')}".encode() + value.tobytes())
    elif inspect.isfunction(value) or isinstance(value, functools.partial):
        _hash_callable(h, value, depth, seen)


def check_function_allowed(function: str, directories=()) -> None:
    """Refuse (:class:`FunctionNotAllowed`) a sweep function that is neither in ``ALLOWED_FUNCTIONS`` nor from a
    module living directly in one of ``directories``. The module is located, never imported, to decide."""
    check_function_spec(function)
    if not isinstance(function, str):
        raise TypeError("a sweep file names its function as 'package.module:function'")
    if function in ALLOWED_FUNCTIONS:
        return
    module = function.partition(":")[0]
    top = module.split(".")[0]
    hint = ("; sweep files are code: pass --allow-any-function (allow_any_function=True) to run it anyway")
    if top in sys.builtin_module_names or top in getattr(sys, "stdlib_module_names", ()):
        raise FunctionNotAllowed(f"function {function!r} is refused: {top!r} is part of Python's standard "
                                 f"library{hint}")
    where = _module_directory(top)
    dirs = {pathlib.Path(d).resolve() for d in directories}
    if where is None or where not in dirs:
        allowed = ", ".join(sorted(ALLOWED_FUNCTIONS))
        found = f"found in {where}" if where is not None else "not found"
        raise FunctionNotAllowed(
            f"function {function!r} is refused: module {top!r} is {found}, not in the working directory or the "
            f"sweep file's directory ({', '.join(str(d) for d in sorted(dirs))}) and the function is not one of "
            f"the optolink entry points ({allowed}){hint}")


def _module_directory(top: str) -> pathlib.Path | None:
    """The directory holding top-level module or package ``top``, as an import would find it (nothing runs)."""
    mod = sys.modules.get(top)
    if mod is not None:
        origin = getattr(mod, "__file__", None)
        locations = list(getattr(mod, "__path__", []) or [])
    else:
        try:
            found = importlib.util.find_spec(top)
        except (ImportError, ValueError):
            return None
        if found is None:
            return None
        origin = found.origin if found.has_location else None
        locations = list(found.submodule_search_locations or [])
    if locations:  # a package (regular or namespace): its directory's parent
        return pathlib.Path(locations[0]).resolve().parent
    if origin:
        return pathlib.Path(origin).resolve().parent
    return None
