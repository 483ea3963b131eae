// The values the fuzzer feeds the object model, and what a ctypes array must hold after storing one.
//
// Values are drawn from CPython's interesting cases: small and cached ints, tagged immediates at the edges
// of their range, ints that overflow an int32 or a Py_ssize_t index, floats (NaN, inf), numpy-like scalars
// and arrays (int64 and int32), None, lists and tuples of those, slices with any start/stop/step (0
// included), memoryviews, the wrapper descriptors of the built-in types and method-wrappers bound from them.
#ifndef DISPATCHLAB_FUZZ_VALUES_H_
#define DISPATCHLAB_FUZZ_VALUES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/object.h"
#include "core/str.h"
#include "dispatch/ctypes_types.h"
#include "fuzz/byte_reader.h"

namespace dispatchlab::fuzz {

// The dunder names the fuzzer looks up, edits and calls.
inline constexpr int kDunderNames = 7;
StrObject* DunderName(uint8_t choice);

class ValueMaker {
 public:
  explicit ValueMaker(ByteReader* in) : in_(in) {}

  // A new reference to a fresh value, or to an object already in `slots` (never a list or tuple inside a
  // list or tuple, so no reference cycle can form: dispatchlab has no cycle collector). nullptr with an
  // error when making it failed (memoryview of a non-exporter, a descriptor bound to a wrong object).
  Object* Make(Object* const* slots, int nslots, const std::vector<TypeObject*>& array_types);
  // A new reference to a key: an int (small, negative, huge), a numpy-like scalar, a slice, None, a float,
  // or a slot's object.
  Object* Key(Object* const* slots, int nslots);
  // An index: mostly small (-6..13), sometimes one of the interesting edges.
  Py_ssize_t Index();
  // An array length: 0..16; with allow_huge also negative, and the edges where length * itemsize
  // overflows (only a few distinct huge values, so the type cache stays small).
  Py_ssize_t Length(bool allow_huge);
  int64_t Interesting();

 private:
  Object* Leaf();
  Object* Slice();
  Object* SliceArg();

  ByteReader* in_;
};

// An item of a ctypes array as raw bits (int32 sign-extended, int64, or a double's bit pattern).
struct StoredValue {
  bool valid = false;
  int64_t bits = 0;
  bool operator==(const StoredValue& o) const { return valid == o.valid && bits == o.bits; }
  bool operator!=(const StoredValue& o) const { return !(*this == o); }
};

// What an item of `kind` holds after a successful store of `value` (CPython's i_set / q_set / d_set: ints
// modulo 2^32 or 2^64, objects with __index__ through it, floats only into c_double). Invalid when the
// store must fail.
StoredValue ExpectedStore(ItemKind kind, Object* value);
// The item at `index` of a ctypes array, read from its buffer (0 <= index < length).
StoredValue ReadBack(Object* array, Py_ssize_t index);
// Puts back an item read by ReadBack.
void WriteBack(Object* array, Py_ssize_t index, const StoredValue& item);
// A result object as text that is equal across layer combinations: "int 7", "float <bits>", or the type.
std::string DescribeResult(Object* result);

}  // namespace dispatchlab::fuzz

#endif  // DISPATCHLAB_FUZZ_VALUES_H_
