// Integers: boxed ints with CPython's small-int cache (-5..256), and the conversions the store path uses
// (CPython: Objects/longobject.c). Our ints hold an int64; a tagged immediate is also an int.
#ifndef DISPATCHLAB_CORE_LONG_H_
#define DISPATCHLAB_CORE_LONG_H_

#include <cstdint>

#include "core/object.h"

namespace dispatchlab {

struct IntObject {
  Object ob_base;
  int64_t value;
};

inline constexpr int64_t kSmallIntMin = -5;   // NSMALLNEGINTS
inline constexpr int64_t kSmallIntMax = 256;  // NSMALLPOSINTS - 1

inline bool PyLong_CheckExact(const Object* o) { return Py_TYPE(o) == &PyLong_Type; }
inline bool PyLong_Check(const Object* o) { return PyType_HasFeature(Py_TYPE(o), Py_TPFLAGS_LONG_SUBCLASS); }

// A new reference to an int: the cached object for -5..256 (no allocation), else a new boxed int
// (counted as boxed_ints). Returns nullptr with MemoryError.
Object* PyLong_FromSsize_t(Py_ssize_t value);
inline Object* PyLong_FromLong(int64_t value) { return PyLong_FromSsize_t(value); }

// The value of an int or a tagged immediate. `o` must satisfy PyLong_Check.
inline int64_t PyLong_Value(const Object* o) {
  return IsTagged(o) ? UntagInt(o) : reinterpret_cast<const IntObject*>(o)->value;
}
// _PyLong_AsUnsignedLongMask (Objects/longobject.c): the value of an int modulo 2^64. Checks its
// argument again (null or not an int: SystemError "bad argument to internal function", returns
// (unsigned long)-1). CPython reads the digits; the model's int holds an int64.
uint64_t _PyLong_AsUnsignedLongMask(const Object* vv);
// PyLong_AsUnsignedLongMask (Objects/longobject.c), its int half: null is a SystemError, an int goes to
// _PyLong_AsUnsignedLongMask. CPython's other half (a non-int through _PyNumber_Index, then
// _PyLong_AsUnsignedLongMask and a DECREF) needs the number protocol, in dispatch/
// (layers::conversion::NumberIndexMask); a non-int here is the same SystemError. Both are real calls in
// CPython (an exported function called from _ctypes' shared object), so they are out of line here too.
uint64_t PyLong_AsUnsignedLongMask(const Object* op);

// Whether `o` is one of the cached small ints (used by tests and counts).
bool IsSmallIntObject(const Object* o);

void InitLongType();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_LONG_H_
