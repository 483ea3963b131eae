// A numpy-like one-dimensional array of int64 (or int32) and its scalar type (numpy 1.24's behaviour):
// reading an element through the sequence protocol creates a new scalar object (`boxing` layer on) or
// returns a tagged immediate (off). The scalar is *not* an int: it converts through nb_index (`__index__`),
// which returns a fresh int each call. The array exports its memory through the buffer protocol with
// numpy's formats ('l' for int64, 'i' for int32).
//
// An element read follows numpy 1.24: array_item (an npy_index_info on the stack) -> get_item_pointer
// (a loop over the indices: check_and_adjust_index, dimensions[i], strides[i]) -> PyArray_Scalar (the
// descriptor's checks, tp_alloc through the scalar type's gentype_alloc, scalar_value's switch over the
// type number, the dtype's copyswap). docs/boxing.md walks through it.
#ifndef DISPATCHLAB_CORE_NDARRAY_H_
#define DISPATCHLAB_CORE_NDARRAY_H_

#include <cstdint>
#include <vector>

#include "core/object.h"

namespace dispatchlab {

enum class DType : char { kInt64 = 'l', kInt32 = 'i' };

// numpy's type numbers (numpy/ndarraytypes.h) for the kinds PyArray_Scalar tells apart.
enum NPY_TYPES : int {
  NPY_BOOL = 0,
  NPY_BYTE,
  NPY_UBYTE,
  NPY_SHORT,
  NPY_USHORT,
  NPY_INT,
  NPY_UINT,
  NPY_LONG,
  NPY_ULONG,
  NPY_LONGLONG,
  NPY_ULONGLONG,
  NPY_FLOAT,
  NPY_DOUBLE,
  NPY_LONGDOUBLE,
  NPY_CFLOAT,
  NPY_CDOUBLE,
  NPY_CLONGDOUBLE,
  NPY_OBJECT,
  NPY_STRING,
  NPY_UNICODE,
  NPY_VOID,
  NPY_DATETIME,
  NPY_TIMEDELTA,
  NPY_HALF,
  NPY_NTYPES
};
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

// numpy's PyArrayObject_fields, reduced: the shape and strides are read through pointers, as numpy's
// PyArray_DIMS / PyArray_STRIDES (numpy keeps both in one block of 2 * nd npy_intp; here in the object).
struct NdArrayObject {
  Object ob_base;
  void* data;  // owned: dimensions[0] * itemsize bytes
  int nd;
  Py_ssize_t* dimensions;  // nd entries
  Py_ssize_t* strides;     // nd entries
  PyArray_Descr* descr;
  DType dtype;
  Py_ssize_t dims_and_strides[2];  // the block dimensions and strides point into (nd = 1)
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
