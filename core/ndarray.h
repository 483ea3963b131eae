// A numpy-like one-dimensional array of int64 (or int32) and its scalar type (numpy 1.24's behaviour):
// reading an element through the sequence protocol creates a new scalar object (`boxing` layer on) or
// returns a tagged immediate (off). The scalar is *not* an int: it converts through nb_index (`__index__`),
// which returns a fresh int each call. The array exports its memory through the buffer protocol with
// numpy's formats ('l' for int64, 'i' for int32).
//
// An element read follows numpy 1.24: array_item -> get_item_pointer (check_and_adjust_index, the
// stride) -> PyArray_Scalar (the descriptor's checks, tp_alloc through the scalar type's gentype_alloc,
// scalar_value, the dtype's copyswap). docs/boxing.md walks through it.
#ifndef DISPATCHLAB_CORE_NDARRAY_H_
#define DISPATCHLAB_CORE_NDARRAY_H_

#include <cstdint>
#include <vector>

#include "core/object.h"

namespace dispatchlab {

enum class DType : char { kInt64 = 'l', kInt32 = 'i' };

// numpy's type numbers (numpy/ndarraytypes.h) for the kinds PyArray_Scalar tells apart.
inline constexpr int NPY_BOOL = 0, NPY_INT = 5, NPY_LONG = 7, NPY_STRING = 18, NPY_UNICODE = 19,
                     NPY_VOID = 20, NPY_DATETIME = 21, NPY_TIMEDELTA = 22;
inline constexpr char NPY_USE_GETITEM = 0x20;

// The per-dtype functions PyArray_Scalar calls (numpy's PyArray_ArrFuncs, reduced).
struct PyArray_ArrFuncs {
  void (*copyswap)(void* dst, void* src, int swap, Object* arr);
};
// A data-type descriptor (numpy's PyArray_Descr, reduced to what an element read consults).
struct PyArray_Descr {
  TypeObject* typeobj;  // the scalar type
  char kind;
  char type;
  char byteorder;  // '=' native, '<' little, '>' big, '|' not applicable
  char flags;
  int type_num;
  int elsize;
  int alignment;
  PyArray_ArrFuncs* f;
};

struct NdArrayObject {
  Object ob_base;
  Py_ssize_t length;  // dimensions[0] of a one-dimensional array
  DType dtype;
  void* data;  // owned: length * itemsize bytes
  int nd;
  Py_ssize_t stride;  // strides[0]
  PyArray_Descr* descr;
};
struct Int64ScalarObject {
  Object ob_base;
  int64_t value;
};
extern TypeObject PyArray_Type;
// numpy's abstract scalar types: numpy.int64.__mro__ is (int64, signedinteger, integer, number, generic,
// object), which every isinstance-like check on a scalar walks.
extern TypeObject PyGenericArrType_Type;
extern TypeObject PyNumberArrType_Type;
extern TypeObject PyIntegerArrType_Type;
extern TypeObject PySignedIntegerArrType_Type;
extern TypeObject PyInt64ArrType_Type;

inline bool PyArray_Check(const Object* o) { return Py_TYPE(o) == &PyArray_Type; }
inline bool PyInt64Scalar_Check(const Object* o) { return Py_TYPE(o) == &PyInt64ArrType_Type; }
inline NdArrayObject* AsNdArray(Object* o) { return reinterpret_cast<NdArrayObject*>(o); }
inline const int64_t* Int64Data(Object* o) { return static_cast<const int64_t*>(AsNdArray(o)->data); }

// A new int64 array holding `values`. nullptr with MemoryError.
Object* NdArrayFromValues(const std::vector<int64_t>& values);
// np.empty(length, dtype): a new array whose data the caller fills (through Int64Data's pointer, cast
// to mutable). nullptr with MemoryError.
Object* NdArrayEmpty(Py_ssize_t length, DType dtype);
// np.array(a, dtype=...): a new array converted element by element (int32 truncates, as numpy's cast).
Object* NdArrayAsType(Object* array, DType dtype);
// The element as an int64, whatever the dtype.
int64_t NdArrayValueAt(Object* array, Py_ssize_t i);

// A new scalar for `value` (numpy's PyArray_Scalar). Counted as a scalar.
Object* NewInt64Scalar(int64_t value);

void InitNdArrayTypes();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_NDARRAY_H_
