#include "core/errors.h"

#include "absl/strings/str_cat.h"

namespace dispatchlab {
namespace internal {
ErrorState g_error;
}  // namespace internal

absl::string_view ExcName(ExcKind kind) {
  switch (kind) {
    case ExcKind::kNone:
      return "NoError";
    case ExcKind::kTypeError:
      return "TypeError";
    case ExcKind::kValueError:
      return "ValueError";
    case ExcKind::kIndexError:
      return "IndexError";
    case ExcKind::kNotImplementedError:
      return "NotImplementedError";
    case ExcKind::kOverflowError:
      return "OverflowError";
    case ExcKind::kMemoryError:
      return "MemoryError";
    case ExcKind::kAttributeError:
      return "AttributeError";
    case ExcKind::kRecursionError:
      return "RecursionError";
    case ExcKind::kSystemError:
      return "SystemError";
    case ExcKind::kOSError:
      return "OSError";
    case ExcKind::kNameError:
      return "NameError";
  }
  return "Exception";
}

void PyErr_SetString(ExcKind kind, absl::string_view message) {
  internal::g_error.kind = kind;
  internal::g_error.message.assign(message.data(), message.size());
}

void PyErr_Clear() {
  internal::g_error.kind = ExcKind::kNone;
  internal::g_error.message.clear();
}

const ErrorState& CurrentError() { return internal::g_error; }

bool PyErr_ExceptionMatches(ExcKind kind) { return internal::g_error.kind == kind; }

std::string FormatCurrentError() {
  // As CPython's traceback prints it: "MemoryError" alone when the message is empty.
  if (internal::g_error.message.empty()) return std::string(ExcName(internal::g_error.kind));
  return absl::StrCat(ExcName(internal::g_error.kind), ": ", internal::g_error.message);
}

absl::Status FetchErrorAsStatus() {
  if (!PyErr_Occurred()) return absl::OkStatus();
  std::string text = FormatCurrentError();
  ExcKind kind = internal::g_error.kind;
  PyErr_Clear();
  switch (kind) {
    case ExcKind::kTypeError:
    case ExcKind::kValueError:
    case ExcKind::kIndexError:
    case ExcKind::kOverflowError:
      return absl::InvalidArgumentError(text);
    case ExcKind::kMemoryError:
    case ExcKind::kOSError:
      return absl::ResourceExhaustedError(text);
    case ExcKind::kNotImplementedError:
      return absl::UnimplementedError(text);
    default:
      return absl::InternalError(text);
  }
}

}  // namespace dispatchlab
