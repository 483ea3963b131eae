# The real side of `dispatchlab cpython`: the seed's statements, run on a real CPython.
#
# Each case is exactly the Python of the project's reference measurements (docs/puzzle.md, "The CPython
# figures `run` quotes") and of the scenario of the same name in experiments/scenarios/scenarios.cc, whose
# `cpython_case` column lists exactly these cases (a test checks it). Its sources are made once, outside the
# measured calls, as the model's ScenarioInput does: l = numpy.random.randint(0, 10, size=n) (int64), and
# l.tolist() for the list cases.
# Every call's result is checked against the source values.
#
#   python3 cases.py info                      the interpreter, numpy, _ctypes, the machine (one JSON line)
#   python3 cases.py list                      the cases and what each needs (JSON)
#   python3 cases.py time CASE --n=N [--min-time=S] [--calls=K]
#       one warm-up call, then calls until S seconds (at least K calls) are measured; each call and the
#       release of its result timed, the result verified outside the timing. Prints {"case","n","calls","ns_per_element","max_rss_kb"}.
#   python3 cases.py count CASE --n=N --calls=K
#       exactly K calls (for callgrind's marginal method: (Ir[3 calls] - Ir[1 call]) / 2 / n); the first
#       result is verified (it is the same statement on the same input every time; verifying the others
#       would be counted in the marginal).
#
# Runs unchanged on CPython 3.6 .. 3.13 (no f-strings); the list and tuple-of-list cases and sct_alloc need
# no numpy. Exit
# status 2 with one line on stderr for bad arguments or an interpreter that cannot run the case.
from __future__ import print_function

import json
import platform
import sys

SEED = 20151122

# name -> (needs numpy, the statement it runs, shown in the default set)
CASES = [
    ("sct_alloc", False, "RawArray(c_int, n)", False),
    ("sct_init", True, "RawArray(c_int, l)", True),
    ("sct_subscript", True, "sh = RawArray(c_int, n); sh[:] = l", True),
    ("ct_init", True, "(c_int * n)(*l)", False),
    ("ct_subscript", True, "a = (c_int * n)(); a[:] = l", False),
    ("sct_subscript_tuple", True, "sh = RawArray(c_int, n); sh[:] = tuple(l)", True),
    ("sct_init_list", False, "RawArray(c_int, l.tolist())", True),
    ("sct_subscript_list", False, "sh = RawArray(c_int, n); sh[:] = l.tolist()", True),
    ("sct_init_tuple", False, "RawArray(c_int, tuple(l.tolist()))", False),
    ("sct_buffer_copy", True, "sh = RawArray(c_int64, n); memoryview(sh).cast('B').cast('l')[:] = l", False),
    ("sct_buffer_convert", True,
     "sh = RawArray(c_int, n); memoryview(sh).cast('B').cast('i')[:] = np.array(l, dtype=np.int32)", False),
]


# The cases whose source is the list l.tolist() (the others read l, or nothing: sct_alloc).
LIST_CASES = ("sct_init_list", "sct_subscript_list", "sct_init_tuple")


def fail(message):
    sys.stderr.write("cases.py: " + message + "\n")
    sys.exit(2)


def numpy_or_none():
    try:
        import numpy
        return numpy, None
    except Exception as e:  # ImportError, or a broken installation
        return None, "%s: %s" % (type(e).__name__, e)


def ctypes_or_none():
    try:
        import _ctypes
        import ctypes
        from multiprocessing import sharedctypes
        return _ctypes, None
    except Exception as e:
        return None, "%s: %s" % (type(e).__name__, e)


def info():
    numpy, numpy_error = numpy_or_none()
    _ctypes, ctypes_error = ctypes_or_none()
    return {
        "implementation": platform.python_implementation(),
        "version": platform.python_version(),
        "version_info": list(sys.version_info[:3]),
        "executable": sys.executable,
        "numpy": numpy.__version__ if numpy is not None else None,
        "numpy_error": numpy_error,
        "ctypes": getattr(_ctypes, "__file__", "built-in") if _ctypes is not None else None,
        "ctypes_error": ctypes_error,
        "machine": platform.machine(),
        "compiler": platform.python_compiler(),
    }


def make_case(name, n):
    """The zero-argument function of one case, and the values its result must hold."""
    import ctypes as ct
    from multiprocessing import sharedctypes as sct
    np = None
    needs_numpy = [c[1] for c in CASES if c[0] == name][0]
    if needs_numpy:
        np, error = numpy_or_none()
        if np is None:
            fail("%s needs numpy, which does not import here (%s)" % (name, error))
        np.random.seed(SEED)
        # int64 already on Linux: copy=False keeps a second 8n-byte array out of the peak RSS
        l = np.random.randint(0, 10, size=n).astype(np.int64, copy=False)
        values = l  # verify() reads it in chunks: no n-element list beside the array
        lst = None
    elif name in LIST_CASES:
        import random
        rng = random.Random(SEED)
        # Exactly n slots, as l.tolist() makes (a comprehension would over-allocate by ~1/8).
        lst = [0] * n
        for i in range(n):
            lst[i] = rng.randrange(10)
        values = lst  # the list source, made once (the model's ScenarioInput::list)
        l = None
    else:
        l = lst = values = None  # sct_alloc reads no source
    c_int, c_int64 = ct.c_int, ct.c_int64
    RawArray = sct.RawArray

    def sct_alloc():
        return RawArray(c_int, n)

    def sct_init():
        return RawArray(c_int, l)

    def sct_subscript():
        sh = RawArray(c_int, n)
        sh[:] = l
        return sh

    def ct_init():
        return (c_int * n)(*l)

    def ct_subscript():
        a = (c_int * n)()
        a[:] = l
        return a

    def sct_subscript_tuple():
        sh = RawArray(c_int, n)
        sh[:] = tuple(l)
        return sh

    def sct_init_list():
        return RawArray(c_int, lst)

    def sct_subscript_list():
        sh = RawArray(c_int, n)
        sh[:] = lst
        return sh

    def sct_init_tuple():
        return RawArray(c_int, tuple(lst))

    def sct_buffer_copy():
        sh = RawArray(c_int64, n)
        memoryview(sh).cast('B').cast('l')[:] = l
        return sh

    def sct_buffer_convert():
        sh = RawArray(c_int, n)
        memoryview(sh).cast('B').cast('i')[:] = np.array(l, dtype=np.int32)
        return sh

    expected = None if name == "sct_alloc" else values  # None: all zeros
    return locals()[name], expected


# Elements compared per step: verification reads the result and the source in slices of this size, so
# that it adds no n-element copy to the peak RSS the `time` command reports (the statement's own memory).
VERIFY_CHUNK = 1 << 16


def verify(name, result, expected):
    n = len(result)
    if expected is not None and len(expected) != n:
        fail("%s: the result differs from the source values" % name)
    for lo in range(0, n, VERIFY_CHUNK):
        hi = min(lo + VERIFY_CHUNK, n)
        want = [0] * (hi - lo) if expected is None else expected[lo:hi]
        if not isinstance(want, list):
            want = want.tolist()  # a numpy slice
        if result[lo:hi] != want:
            fail("%s: the result differs from the source values" % name)


def parse(argv):
    if len(argv) < 2:
        fail("usage: cases.py info | list | time CASE --n=N [--min-time=S] [--calls=K] | count CASE --n=N --calls=K")
    command, rest = argv[1], argv[2:]
    positionals = [a for a in rest if not a.startswith("--")]
    flags = {}
    for a in rest:
        if a.startswith("--"):
            key, _, value = a[2:].partition("=")
            flags[key] = value
    return command, positionals, flags


def number(flags, key, default, convert, low):
    text = flags.get(key, default)
    if text is None:
        fail("--%s is required" % key)
    try:
        value = convert(text)
    except ValueError:
        fail("--%s: '%s' is not a number" % (key, text))
    if value < low:
        fail("--%s: %s is below %s" % (key, text, low))
    return value


def max_rss_kb():
    try:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    except Exception:
        return None


def main(argv):
    command, positionals, flags = parse(argv)
    if command == "info":
        print(json.dumps(info(), sort_keys=True))
        return
    if command == "list":
        print(json.dumps({"cases": [{"case": c[0], "needs_numpy": c[1], "statement": c[2], "default": c[3]}
                                    for c in CASES]}, sort_keys=True))
        return
    if command not in ("time", "count"):
        fail("unknown command '%s' (info, list, time, count)" % command)
    if len(positionals) != 1 or positionals[0] not in [c[0] for c in CASES]:
        fail("give one case among: " + ", ".join(c[0] for c in CASES))
    name = positionals[0]
    n = number(flags, "n", None, int, 1)
    _, error = ctypes_or_none()
    if error is not None:
        fail("ctypes does not import here (%s)" % error)
    run, expected = make_case(name, n)
    if command == "count":
        calls = number(flags, "calls", None, int, 1)
        verify(name, run(), expected)
        for _ in range(calls - 1):
            run()
        print(json.dumps({"case": name, "n": n, "calls": calls}, sort_keys=True))
        return
    import time
    min_time = number(flags, "min-time", "0.05", float, 0.0)
    min_calls = number(flags, "calls", "1", int, 1)
    clock = time.perf_counter
    verify(name, run(), expected)  # warm-up
    total, calls = 0.0, 0
    while calls < min_calls or total < min_time:
        start = clock()
        result = run()
        total += clock() - start
        verify(name, result, expected)
        start = clock()
        del result  # the `del sh` is part of a call, as in timeit's loop and the model's ScenarioResult
        total += clock() - start
        calls += 1
    print(json.dumps({"case": name, "n": n, "calls": calls, "ns_per_element": total * 1e9 / calls / n,
                      "max_rss_kb": max_rss_kb()}, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv)
