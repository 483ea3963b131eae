// A numpy-like one-dimensional array of int64 (or int32) and its scalar type (numpy 1.24's behaviour):
// reading an element through the sequence protocol creates a new scalar object (`boxing` layer on) or
// returns a tagged immediate (off). The scalar is *not* an int: it converts through nb_index (`__index__`),
// which returns a fresh int each call. The array exports its memory through the buffer protocol with
// numpy's formats ('l' for int64, 'i' for int32).
#ifndef DISPATCHLAB_CORE_NDARRAY_H_
#define DISPATCHLAB_CORE_NDARRAY_H_

#include <cstdint>
#include <vector>

#include "core/object.h"

namespace dispatchlab {

enum class DType : char { kInt64 = 'l', kInt32 = 'i' };

struct NdArrayObject {
  Object ob_base;
  Py_ssize_t length;
  DType dtype;
  void* data;  // owned: length * itemsize bytes
};
struct Int64ScalarObject {
  Object ob_base;
  int64_t value;
};
extern TypeObject PyArray_Type;
extern TypeObject PyInt64ArrType_Type;

inline bool PyArray_Check(const Object* o) { return Py_TYPE(o) == &PyArray_Type; }
inline bool PyInt64Scalar_Check(const Object* o) { return Py_TYPE(o) == &PyInt64ArrType_Type; }
inline NdArrayObject* AsNdArray(Object* o) { return reinterpret_cast<NdArrayObject*>(o); }
inline const int64_t* Int64Data(Object* o) { return static_cast<const int64_t*>(AsNdArray(o)->data); }

// A new int64 array holding `values`. nullptr with MemoryError.
Object* NdArrayFromValues(const std::vector<int64_t>& values);
// np.array(a, dtype=...): a new array converted element by element (int32 truncates, as numpy's cast).
Object* NdArrayAsType(Object* array, DType dtype);
// The element as an int64, whatever the dtype.
int64_t NdArrayValueAt(Object* array, Py_ssize_t i);

// A new scalar for `value` (numpy's PyArray_Scalar). Counted as a scalar.
Object* NewInt64Scalar(int64_t value);

void InitNdArrayTypes();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_NDARRAY_H_
