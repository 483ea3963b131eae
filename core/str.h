// Interned names (CPython: interned str objects, _Py_ID). Names are compared by pointer, so a type
// dictionary keyed by them hashes a pointer, as CPython's method cache hashes the name's address (3.11+).
#ifndef DISPATCHLAB_CORE_STR_H_
#define DISPATCHLAB_CORE_STR_H_

#include <string>

#include "absl/strings/string_view.h"
#include "core/object.h"

namespace dispatchlab {

struct StrObject {
  Object ob_base;
  std::string value;
};

extern TypeObject PyUnicode_Type;

// The one immortal StrObject for `name` (created on first use).
StrObject* Intern(absl::string_view name);

// Names the simulated interpreter looks up by identity (CPython's _Py_ID(...)).
struct Identifiers {
  StrObject* __setitem__;
  StrObject* __getitem__;
  StrObject* __delitem__;
  StrObject* __len__;
  StrObject* __init__;
  StrObject* __call__;
  StrObject* __get__;
  StrObject* __index__;
};
namespace internal {
// Interned when the program starts (a dynamic initializer of core/str.cc), before main: CPython's _Py_ID
// strings are static objects, so naming one costs nothing at run time. Not for use by other static
// initializers.
extern const Identifiers g_identifiers;
}  // namespace internal
inline const Identifiers& Id() { return internal::g_identifiers; }

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_STR_H_
