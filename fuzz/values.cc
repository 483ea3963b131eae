#include "fuzz/values.h"

#include <cmath>
#include <cstring>
#include <iterator>
#include <limits>

#include "core/float.h"
#include "core/list.h"
#include "core/long.h"
#include "core/memoryview.h"
#include "core/ndarray.h"
#include "core/slice.h"
#include "core/tuple.h"
#include "dispatch/ctypes_array.h"
#include "dispatch/lookup.h"

namespace dispatchlab::fuzz {

namespace {

constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();

const int64_t kInteresting[] = {
    0,
    1,
    -1,
    2,
    -2,
    3,
    7,
    8,
    -5,
    -6,
    127,
    -128,
    255,
    256,
    257,
    -129,
    int64_t{std::numeric_limits<int32_t>::max()},
    int64_t{std::numeric_limits<int32_t>::min()},
    int64_t{1} << 32,
    (int64_t{1} << 32) + 1,
    kTaggedMax,
    kTaggedMin,
    kTaggedMax + 1,
    kTaggedMin - 1,
    kI64Max,
    kI64Min,
    kI64Min + 1,
    kI64Max / 4 + 1,
    int64_t{1} << 40,
    -(int64_t{1} << 40),
};

// Types whose descriptors the fuzzer fetches (and then calls, stores into type dictionaries, binds).
TypeObject* DescriptorOwner(uint8_t choice, const std::vector<TypeObject*>& array_types) {
  TypeObject* const kOwners[] = {&PyCArray_Type,       &PyList_Type, &PyTuple_Type, &PyArray_Type,
                                 &PyInt64ArrType_Type, &PyLong_Type, &PyCData_Type, &PyMemoryView_Type};
  const size_t n = std::size(kOwners) + array_types.size();
  const size_t i = choice % n;
  return i < std::size(kOwners) ? kOwners[i] : array_types[i - std::size(kOwners)];
}

}  // namespace

StrObject* DunderName(uint8_t choice) {
  const Identifiers& id = Id();
  StrObject* const kNames[kDunderNames] = {id.__setitem__, id.__getitem__, id.__delitem__, id.__len__,
                                           id.__init__,    id.__index__,   id.__call__};
  return kNames[choice % kDunderNames];
}

int64_t ValueMaker::Interesting() {
  const uint8_t b = in_->Byte();
  if (b < 240) return kInteresting[b % std::size(kInteresting)];
  return in_->I64();
}

Py_ssize_t ValueMaker::Index() {
  const uint8_t b = in_->Byte();
  if (b < 160) return static_cast<Py_ssize_t>(b % 20) - 6;
  return Interesting();
}

Py_ssize_t ValueMaker::Length(bool allow_huge) {
  const uint8_t b = in_->Byte();
  if (!allow_huge || b < 200) return b % 17;
  static const Py_ssize_t kHuge[] = {-1,
                                     -2,
                                     kI64Min,
                                     kI64Max,
                                     kI64Max / 4,
                                     kI64Max / 4 + 1,
                                     kI64Max / 8,
                                     kI64Max / 8 + 1,
                                     int64_t{1} << 40,
                                     int64_t{1} << 59};
  return kHuge[b % std::size(kHuge)];
}

Object* ValueMaker::Leaf() {
  switch (in_->Below(5)) {
    case 0:
      return PyLong_FromSsize_t(Interesting());
    case 1: {
      const int64_t v = Index();
      return FitsTagged(v) ? TagInt(v) : PyLong_FromSsize_t(v);
    }
    case 2: {
      static const double kFloats[] = {0.5,
                                       -1.0,
                                       3.0,
                                       1e300,
                                       -0.0,
                                       std::numeric_limits<double>::infinity(),
                                       std::numeric_limits<double>::quiet_NaN()};
      return PyFloat_FromDouble(kFloats[in_->Below(std::size(kFloats))]);
    }
    case 3:
      return NewInt64Scalar(Index());
    default:
      return Py_NewRef(Py_None);
  }
}

Object* ValueMaker::SliceArg() {
  if (in_->Below(3) == 0) return nullptr;  // None
  const int64_t v = Index();
  return FitsTagged(v) && in_->Bool() ? TagInt(v) : PyLong_FromSsize_t(v);
}

Object* ValueMaker::Slice() {
  Object* start = SliceArg();
  Object* stop = SliceArg();
  Object* step = SliceArg();
  Object* s = PySlice_New(start, stop, step);
  Py_XDECREF(start);
  Py_XDECREF(stop);
  Py_XDECREF(step);
  return s;
}

Object* ValueMaker::Key(Object* const* slots, int nslots) {
  switch (in_->Below(6)) {
    case 0:
    case 1: {
      const int64_t v = Index();
      return FitsTagged(v) && in_->Bool() ? TagInt(v) : PyLong_FromSsize_t(v);
    }
    case 2:
      return Slice();
    case 3:
      return NewInt64Scalar(Index());
    case 4:
      return Leaf();
    default: {
      Object* o = slots[in_->Below(static_cast<uint32_t>(nslots))];
      return Py_NewRef(o != nullptr ? o : Py_None);
    }
  }
}

Object* ValueMaker::Make(Object* const* slots, int nslots, const std::vector<TypeObject*>& array_types) {
  Object* from_slot = slots[in_->Below(static_cast<uint32_t>(nslots))];
  if (from_slot == nullptr) from_slot = Py_None;
  switch (in_->Below(12)) {
    case 0:
    case 1:
    case 2:
      return Leaf();
    case 3: {
      Object* list = PyList_New();
      if (list == nullptr) return nullptr;
      for (uint32_t k = in_->Below(9); k > 0; --k) {
        const bool reuse = in_->Below(4) == 0 && !PyList_Check(from_slot) && !PyTuple_Check(from_slot);
        Object* item = reuse ? Py_NewRef(from_slot) : Leaf();
        PyList_Append(list, item);
        Py_DECREF(item);
      }
      return list;
    }
    case 4: {
      const Py_ssize_t n = in_->Below(9);
      Object* tuple = PyTuple_New(n);
      if (tuple == nullptr) return nullptr;
      for (Py_ssize_t i = 0; i < n; ++i) PyTuple_SET_ITEM(tuple, i, Leaf());
      return tuple;
    }
    case 5: {
      std::vector<int64_t> items(in_->Below(9));
      for (int64_t& v : items) v = in_->Bool() ? Index() : Interesting();
      Object* array = NdArrayFromValues(items);
      if (array == nullptr || !in_->Bool()) return array;
      Object* narrow = NdArrayAsType(array, DType::kInt32);
      Py_DECREF(array);
      return narrow;
    }
    case 6:
      return Slice();
    case 7:
      return Py_NewRef(from_slot);
    case 8: {
      Object* d = _PyType_Lookup(DescriptorOwner(in_->Byte(), array_types), DunderName(in_->Byte()));
      return Py_NewRef(d != nullptr ? d : Py_None);
    }
    case 9:
      return PyMemoryView_FromObject(from_slot);
    case 10: {
      // A descriptor bound to a slot's object (descr.__get__(obj)): a method-wrapper, or an error.
      Object* d = _PyType_Lookup(DescriptorOwner(in_->Byte(), array_types), DunderName(in_->Byte()));
      if (d == nullptr || Py_TYPE(d)->tp_descr_get == nullptr) return Py_NewRef(Py_None);
      return Py_TYPE(d)->tp_descr_get(d, from_slot, AsObject(Py_TYPE(from_slot)));
    }
    default:
      return NewInt64Scalar(Interesting());
  }
}

StoredValue ExpectedStore(ItemKind kind, Object* value) {
  StoredValue out;
  int64_t as_int = 0;
  bool is_int = false;
  if (PyLong_Check(value)) {
    as_int = PyLong_Value(value);
    is_int = true;
  } else if (PyInt64Scalar_Check(value)) {
    as_int = reinterpret_cast<Int64ScalarObject*>(value)->value;
    is_int = true;
  }
  switch (kind) {
    case ItemKind::kInt32:
      if (!is_int) return out;
      out.bits = static_cast<int32_t>(static_cast<uint64_t>(as_int));
      break;
    case ItemKind::kInt64:
      if (!is_int) return out;
      out.bits = as_int;
      break;
    case ItemKind::kDouble: {
      double d = 0;
      if (is_int) {
        d = static_cast<double>(as_int);
      } else if (PyFloat_Check(value)) {
        d = PyFloat_AS_DOUBLE(value);
      } else {
        return out;
      }
      std::memcpy(&out.bits, &d, sizeof(d));
      break;
    }
  }
  out.valid = true;
  return out;
}

StoredValue ReadBack(Object* array, Py_ssize_t index) {
  const StgInfo* info = StgInfoOfType(Py_TYPE(array));
  const char* ptr = AsCData(array)->b_ptr + index * (info->size / info->length);
  StoredValue out;
  out.valid = true;
  if (info->kind == ItemKind::kInt32) {
    int32_t x;
    std::memcpy(&x, ptr, sizeof(x));
    out.bits = x;
  } else {
    std::memcpy(&out.bits, ptr, sizeof(out.bits));
  }
  return out;
}

void WriteBack(Object* array, Py_ssize_t index, const StoredValue& item) {
  const StgInfo* info = StgInfoOfType(Py_TYPE(array));
  char* ptr = AsCData(array)->b_ptr + index * (info->size / info->length);
  if (info->kind == ItemKind::kInt32) {
    const int32_t x = static_cast<int32_t>(item.bits);
    std::memcpy(ptr, &x, sizeof(x));
  } else {
    std::memcpy(ptr, &item.bits, sizeof(item.bits));
  }
}

std::string DescribeResult(Object* result) {
  if (result == nullptr) return "NULL";
  if (PyLong_Check(result)) return "int " + std::to_string(PyLong_Value(result));
  if (PyFloat_Check(result)) {
    int64_t bits;
    const double d = PyFloat_AS_DOUBLE(result);
    std::memcpy(&bits, &d, sizeof(bits));
    return "float " + std::to_string(bits);
  }
  return Py_TYPE(result)->tp_name;
}

}  // namespace dispatchlab::fuzz
