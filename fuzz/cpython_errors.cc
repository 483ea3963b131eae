#include "fuzz/cpython_errors.h"

#include <vector>

namespace dispatchlab::fuzz {

namespace {

struct ErrorPattern {
  ExcKind kind;
  absl::string_view pattern;
};

// Every error the modeled paths may raise, with CPython's wording. SystemError is absent on purpose:
// it means the interpreter broke its own contract (a NULL without an error, a result with one).
const std::vector<ErrorPattern>& ErrorTable() {
  static const std::vector<ErrorPattern> table = {
      // abstract.c
      {ExcKind::kTypeError, "'*' object does not support item assignment"},
      {ExcKind::kTypeError, "'*' object does not support indexing"},
      {ExcKind::kTypeError, "'*' object doesn't support slice assignment"},
      {ExcKind::kTypeError, "'*' object is not subscriptable"},
      {ExcKind::kTypeError, "'*' object is not iterable"},
      {ExcKind::kTypeError, "'*' object is not callable"},
      {ExcKind::kTypeError, "'*' object cannot be interpreted as an integer"},
      {ExcKind::kTypeError, "* is not a sequence"},
      {ExcKind::kTypeError, "object of type '*' has no len()"},
      {ExcKind::kTypeError, "sequence index must be integer, not '*'"},
      {ExcKind::kTypeError, "__index__ returned non-int (type *)"},
      {ExcKind::kTypeError, "list indices must be integers or slices, not *"},
      {ExcKind::kTypeError, "tuple indices must be integers or slices, not *"},
      {ExcKind::kIndexError, "list index out of range"},
      {ExcKind::kIndexError, "tuple index out of range"},
      {ExcKind::kIndexError, "list assignment index out of range"},
      {ExcKind::kIndexError, "index * is out of bounds for axis 0 with size *"},
      {ExcKind::kValueError, "slice step cannot be zero"},
      {ExcKind::kTypeError, "slice indices must be integers or None or have an __index__ method"},
      // typeobject.c, descrobject.c, call.c
      {ExcKind::kAttributeError, "__setitem__"},
      {ExcKind::kAttributeError, "__getitem__"},
      {ExcKind::kAttributeError, "__delitem__"},
      {ExcKind::kAttributeError, "__len__"},
      {ExcKind::kAttributeError, "__init__"},
      {ExcKind::kAttributeError, "__index__"},
      {ExcKind::kTypeError, "descriptor '*' requires a '*' object but received a '*'"},
      {ExcKind::kTypeError, "descriptor '*' for '*' objects doesn't apply to a '*' object"},
      {ExcKind::kTypeError, "descriptor '*' of '*' object needs an argument"},
      {ExcKind::kTypeError, "expected * argument*, got *"},
      {ExcKind::kTypeError, "__init__() should return None, not '*'"},
      {ExcKind::kValueError, "__len__() should return >= 0"},
      {ExcKind::kRecursionError, "maximum recursion depth exceeded*"},
      // _ctypes.c, cfield.c
      {ExcKind::kValueError, "Array length must be >= 0, not *"},
      {ExcKind::kOverflowError, "array too large"},
      {ExcKind::kIndexError, "invalid index"},
      {ExcKind::kTypeError, "Array does not support item deletion"},
      {ExcKind::kTypeError, "indices must be integer"},
      {ExcKind::kTypeError, "indices must be integers"},
      {ExcKind::kValueError, "Can only assign sequence of same size"},
      {ExcKind::kTypeError, "incompatible types, * instance instead of * instance"},
      {ExcKind::kTypeError, "must be real number, not *"},
      {ExcKind::kTypeError, "int expected instead of *"},
      // memoryobject.c, abstract.c (buffers)
      {ExcKind::kTypeError, "a bytes-like object is required, not '*'"},
      {ExcKind::kTypeError, "memoryview: cannot cast between two non-byte formats"},
      {ExcKind::kValueError,
       "memoryview: destination format must be a native single character format prefixed with an "
       "optional '@'"},
      {ExcKind::kTypeError, "memoryview: length is not a multiple of itemsize"},
      {ExcKind::kTypeError, "memoryview: invalid slice key"},
      {ExcKind::kTypeError, "memoryview: invalid type for format '*'"},
      {ExcKind::kValueError, "memoryview: invalid value for format '*'"},
      {ExcKind::kNotImplementedError, "memoryview: format * not supported"},
      {ExcKind::kNotImplementedError, "memoryview: unsupported format *"},
      {ExcKind::kIndexError, "index out of bounds on dimension 1"},
      {ExcKind::kTypeError, "cannot modify read-only memory"},
      {ExcKind::kTypeError, "cannot delete memory"},
      {ExcKind::kValueError, "memoryview assignment: lvalue and rvalue have different structures"},
      {ExcKind::kValueError, "operation forbidden on released memoryview object"},
      // allocation (multiprocessing.heap raises OSError from mmap)
      {ExcKind::kMemoryError, "*"},
      {ExcKind::kOSError, "*"},
  };
  return table;
}

}  // namespace

bool GlobMatch(absl::string_view pattern, absl::string_view text) {
  // Iterative glob with backtracking to the last '*'.
  size_t p = 0, t = 0, star = absl::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != absl::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool IsCPythonError(const ErrorState& error) {
  for (const ErrorPattern& row : ErrorTable()) {
    if (row.kind == error.kind && GlobMatch(row.pattern, error.message)) return true;
  }
  return false;
}

}  // namespace dispatchlab::fuzz
