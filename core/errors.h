// The error indicator of the simulated interpreter (CPython's PyErr_* family).
//
// Inside the simulated interpreter, functions follow CPython's convention on purpose: they return -1 or
// nullptr and set the indicator, because that convention is part of what is measured. The public C++ API
// turns the indicator into an absl::Status at its boundary (ErrorToStatus / FetchErrorAsStatus).
#ifndef DISPATCHLAB_CORE_ERRORS_H_
#define DISPATCHLAB_CORE_ERRORS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace dispatchlab {

// The exception classes the simulated code can raise (CPython's built-in names).
enum class ExcKind {
  kNone,
  kTypeError,
  kValueError,
  kIndexError,
  kNotImplementedError,
  kOverflowError,
  kMemoryError,
  kAttributeError,
  kRecursionError,
  kSystemError,
  kOSError,
  kNameError,
};
absl::string_view ExcName(ExcKind kind);  // "TypeError", ...

struct ErrorState {
  ExcKind kind = ExcKind::kNone;
  std::string message;
};

namespace internal {
extern ErrorState g_error;
}  // namespace internal

inline bool PyErr_Occurred() { return internal::g_error.kind != ExcKind::kNone; }
// Sets the indicator, replacing any error already set (as CPython's PyErr_SetString does).
void PyErr_SetString(ExcKind kind, absl::string_view message);
template <typename... Args>
void PyErr_Format(ExcKind kind, const absl::FormatSpec<Args...>& format, const Args&... args) {
  PyErr_SetString(kind, absl::StrFormat(format, args...));
}
void PyErr_Clear();
const ErrorState& CurrentError();
// True when the indicator holds `kind` (PyErr_ExceptionMatches).
bool PyErr_ExceptionMatches(ExcKind kind);

// "TypeError: message" (for reports and tests).
std::string FormatCurrentError();
// Converts the indicator into a Status (InvalidArgument for Type/Value/Index errors, ResourceExhausted for
// MemoryError, Internal otherwise) with message "TypeError: ...", and clears it. OK when nothing is set.
absl::Status FetchErrorAsStatus();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_ERRORS_H_
