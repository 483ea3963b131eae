#include "core/ndarray.h"

#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "core/buffer.h"
#include "core/errors.h"
#include "core/iterobject.h"
#include "core/layer_frame.h"
#include "core/long.h"
#include "core/type.h"

namespace dispatchlab {

TypeObject PyArray_Type;
TypeObject PyGenericArrType_Type;
TypeObject PyNumberArrType_Type;
TypeObject PyIntegerArrType_Type;
TypeObject PySignedIntegerArrType_Type;
TypeObject PyInt64ArrType_Type;

namespace {

PySequenceMethods g_array_as_sequence;
PyBufferProcs g_array_as_buffer;
PyNumberMethods g_scalar_as_number;

size_t ItemSize(DType d) { return d == DType::kInt64 ? 8 : 4; }

// LONG_copyswap / INT_copyswap (numpy/core/src/multiarray/arraytypes.c.src): copy one element into the
// scalar, byte-swapping if asked. The model has one scalar type, numpy.int64: an int32 element widens.
void LONG_copyswap(void* dst, void* src, int swap, Object* /*arr*/) {
  if (src != nullptr) std::memcpy(dst, src, sizeof(int64_t));
  if (swap)
    *static_cast<int64_t*>(dst) = static_cast<int64_t>(__builtin_bswap64(*static_cast<uint64_t*>(dst)));
}
void INT_copyswap(void* dst, void* src, int swap, Object* /*arr*/) {
  if (src == nullptr) return;
  uint32_t v;
  std::memcpy(&v, src, sizeof(v));
  if (swap) v = __builtin_bswap32(v);
  *static_cast<int64_t*>(dst) = static_cast<int32_t>(v);
}
PyArray_ArrFuncs g_long_funcs = {LONG_copyswap};
PyArray_ArrFuncs g_int_funcs = {INT_copyswap};
PyArray_Descr g_long_descr = {&PyInt64ArrType_Type, 'i', 'l', '=', 0, NPY_LONG, 8, 8, &g_long_funcs};
PyArray_Descr g_int_descr = {&PyInt64ArrType_Type, 'i', 'i', '=', 0, NPY_INT, 4, 4, &g_int_funcs};

inline bool PyArray_ISNBO(char byteorder) { return byteorder != '>'; }  // little-endian host
inline bool PyTypeNum_ISSTRING(int t) { return t == NPY_STRING || t == NPY_UNICODE; }
inline bool PyTypeNum_ISDATETIME(int t) { return t == NPY_DATETIME || t == NPY_TIMEDELTA; }
inline bool PyTypeNum_ISFLEXIBLE(int t) { return t >= NPY_STRING && t <= NPY_VOID; }

// gentype_alloc (scalartypes.c.src): the scalar types' tp_alloc: PyObject_Malloc of the variable size,
// zero-filled, then PyObject_Init.
Object* gentype_alloc(TypeObject* type, Py_ssize_t nitems) {
  const size_t size =
      (static_cast<size_t>(type->tp_basicsize + (nitems + 1) * type->tp_itemsize) + 7) & ~size_t{7};
  // Counted by PyArray_Scalar, the one caller: `allocations` is derived from `scalars` (core/counters.cc).
  Object* o = internal::AllocObjectCountedByCaller(type, size);
  if (o == nullptr) return nullptr;
  std::memset(reinterpret_cast<char*>(o) + sizeof(Object), 0, size - sizeof(Object));
  return o;
}

// gentype_free / gentype_dealloc: tp_dealloc calls the type's tp_free, which is PyObject_Free.
void gentype_free(void* o) { FreeObject(static_cast<Object*>(o)); }
void gentype_dealloc(Object* o) { Py_TYPE(o)->tp_free(o); }

}  // namespace

namespace layers::boxing {

// scalar_value (numpy/core/src/multiarray/scalarapi.c): where a scalar keeps its value, by a switch over
// every built-in type number (numpy's CASE(ut, lt) list). A null descriptor is looked up from the
// scalar's type (PyArray_DescrFromScalar). numpy 1.24.2's build calls it out of line from
// PyArray_Scalar (Debian's binary: its own function, 18 instructions per element). The model's scalar
// types hold their value where numpy's numeric scalars hold `obval`: right after the object header; the
// flexible and object kinds have no model (null).
DISPATCHLAB_LAYER_FN void* scalar_value(Object* scalar, const PyArray_Descr* descr) {
  int type_num;
  if (descr == nullptr) {
    if (!PyInt64Scalar_Check(scalar)) return nullptr;  // PyArray_DescrFromScalar: the model's one kind
    type_num = NPY_LONG;
  } else {
    type_num = descr->type_num;
  }
  char* const obval = reinterpret_cast<char*>(scalar) + offsetof(Int64ScalarObject, value);
  switch (type_num) {
    case NPY_BOOL:
    case NPY_BYTE:
    case NPY_UBYTE:
    case NPY_SHORT:
    case NPY_USHORT:
    case NPY_INT:
    case NPY_UINT:
    case NPY_LONG:
    case NPY_ULONG:
    case NPY_LONGLONG:
    case NPY_ULONGLONG:
    case NPY_HALF:
    case NPY_FLOAT:
    case NPY_DOUBLE:
    case NPY_LONGDOUBLE:
    case NPY_CFLOAT:
    case NPY_CDOUBLE:
    case NPY_CLONGDOUBLE:
    case NPY_DATETIME:
    case NPY_TIMEDELTA:
      return obval;
    case NPY_OBJECT:
    case NPY_STRING:
    case NPY_UNICODE:
    case NPY_VOID:
    default:
      return nullptr;  // numpy: the object slot, the bytes, the code points, the void's buffer; user types
  }
}

// PyArray_Scalar (numpy/core/src/multiarray/scalarapi.c): one new scalar per element read. The checks
// run in numpy's order; only the numeric branch has a body here (the model's arrays are int64/int32).
DISPATCHLAB_LAYER_FN Object* PyArray_Scalar(void* data, PyArray_Descr* descr, Object* base) {
  const int type_num = descr->type_num;
  if (type_num == NPY_BOOL || (descr->flags & NPY_USE_GETITEM) != 0) {
    PyErr_SetString(ExcKind::kSystemError, "PyArray_Scalar: dtype not modelled");
    return nullptr;
  }
  const int itemsize = descr->elsize;
  auto copyswap = descr->f->copyswap;
  TypeObject* type = descr->typeobj;
  const int swap = !PyArray_ISNBO(descr->byteorder);
  if (PyTypeNum_ISSTRING(type_num)) {
    PyErr_SetString(ExcKind::kSystemError, "PyArray_Scalar: dtype not modelled");
    return nullptr;
  }
  Object* obj = type->tp_itemsize != 0 ? type->tp_alloc(type, itemsize) : type->tp_alloc(type, 0);
  if (obj == nullptr) return nullptr;
  if (PyTypeNum_ISDATETIME(type_num) || PyTypeNum_ISFLEXIBLE(type_num)) {
    Count(Counter::kAllocations);  // allocated, but no scalar to derive the allocation from
    Py_DECREF(obj);
    PyErr_SetString(ExcKind::kSystemError, "PyArray_Scalar: dtype not modelled");
    return nullptr;
  }
  void* destptr = scalar_value(obj, descr);
  if (destptr == nullptr) [[unlikely]] {
    Count(Counter::kAllocations);
    Py_DECREF(obj);
    PyErr_SetString(ExcKind::kSystemError, "PyArray_Scalar: dtype not modelled");
    return nullptr;
  }
  copyswap(destptr, data, swap, base);
  Count(Counter::kScalars);  // also its allocation (derived, core/counters.cc)
  return obj;
}

}  // namespace layers::boxing

namespace {

void array_dealloc(Object* o) {
  std::free(AsNdArray(o)->data);
  FreeObject(o);
}

Py_ssize_t array_length(Object* o) { return AsNdArray(o)->dimensions[0]; }

// check_and_adjust_index (numpy/core/src/multiarray/common.h): bounds, then a negative index wraps.
inline int check_and_adjust_index(Py_ssize_t* index, Py_ssize_t max_item, int axis) {
  if (*index < -max_item || *index >= max_item) [[unlikely]] {
    PyErr_Format(ExcKind::kIndexError, "index %d is out of bounds for axis %d with size %d", *index, axis,
                 max_item);
    return -1;
  }
  if (*index < 0) *index += max_item;
  return 0;
}

// npy_index_info (numpy/core/src/multiarray/mapping.h): one parsed index; array_item fills one.
enum : int { HAS_INTEGER = 1 };
struct npy_index_info {
  Object* object;
  Py_ssize_t value;
  int type;
};

// get_item_pointer (mapping.c): the element's address, one integer index per dimension: each checked
// against dimensions[i], then scaled by strides[i]. numpy 1.24.2's build keeps it out of line (Debian's
// binary calls it from array_item: 33 instructions per element), hence noinline.
[[gnu::noinline]] int get_item_pointer(NdArrayObject* self, char** ptr, npy_index_info* indices,
                                       int index_num) {
  *ptr = static_cast<char*>(self->data);
  for (int i = 0; i < index_num; ++i) {
    if (check_and_adjust_index(&indices[i].value, self->dimensions[i], i) < 0) return -1;
    *ptr += self->strides[i] * indices[i].value;
  }
  return 0;
}

// array_item (mapping.c): the sequence slot. A one-dimensional array reads the element and makes its
// scalar; numpy's other arrays return a view (array_item_asarray), which the model has no use for.
Object* array_item(Object* o, Py_ssize_t i) {
  NdArrayObject* a = AsNdArray(o);
  if (a->nd != 1) [[unlikely]] {
    PyErr_SetString(ExcKind::kSystemError, "array_item_asarray: not modelled");
    return nullptr;
  }
  if (i < 0) i -= a->dimensions[0];  // undo PySequence_GetItem's wrap, so the error names the index given
  npy_index_info index;
  index.value = i;
  index.type = HAS_INTEGER;
  char* item;
  if (get_item_pointer(a, &item, &index, 1) < 0) return nullptr;
  if (LayerOn(Layer::kBoxing)) return layers::boxing::PyArray_Scalar(item, a->descr, o);
  const int64_t v = a->dtype == DType::kInt64 ? *reinterpret_cast<const int64_t*>(item)
                                              : *reinterpret_cast<const int32_t*>(item);
  if (!FitsTagged(v)) return layers::boxing::PyArray_Scalar(item, a->descr, o);
  return TagInt(v);
}

int array_getbuffer(Object* o, Py_buffer* view, int /*flags*/) {
  NdArrayObject* a = AsNdArray(o);
  const char fmt[2] = {static_cast<char>(a->dtype), '\0'};
  FillBufferInfo(view, o, a->data, a->dimensions[0] * static_cast<Py_ssize_t>(ItemSize(a->dtype)), false, fmt,
                 static_cast<Py_ssize_t>(ItemSize(a->dtype)));
  return 0;
}

// array_iter (numpy/core/src/multiarray/arrayobject.c): the ndarray's tp_iter, a sequence iterator over
// its first axis (each step is array_item); a 0-d array cannot be iterated.
Object* array_iter(Object* o) {
  if (AsNdArray(o)->nd == 0) {
    PyErr_SetString(ExcKind::kTypeError, "iteration over a 0-d array");
    return nullptr;
  }
  return PySeqIter_New(o);
}

// numpy.int64.__index__: a fresh int every call (from the small-int cache when -5..256).
Object* scalar_index(Object* o) {
  Count(Counter::kTempInts);
  return PyLong_FromLong(reinterpret_cast<Int64ScalarObject*>(o)->value);
}

Object* NewArray(Py_ssize_t length, DType dtype) {
  void* data = std::malloc(static_cast<size_t>(length > 0 ? length : 1) * ItemSize(dtype));
  if (data == nullptr) {
    PyErr_SetString(ExcKind::kMemoryError, "cannot allocate array data");
    return nullptr;
  }
  Object* o = AllocObject(&PyArray_Type, sizeof(NdArrayObject));
  if (o == nullptr) {
    std::free(data);
    return nullptr;
  }
  NdArrayObject* a = AsNdArray(o);
  a->dtype = dtype;
  a->data = data;
  a->nd = 1;
  a->dimensions = &a->dims_and_strides[0];
  a->strides = &a->dims_and_strides[1];
  a->dimensions[0] = length;
  a->strides[0] = static_cast<Py_ssize_t>(ItemSize(dtype));
  a->descr = dtype == DType::kInt64 ? &g_long_descr : &g_int_descr;
  return o;
}

}  // namespace

Object* NdArrayEmpty(Py_ssize_t length, DType dtype) { return NewArray(length, dtype); }

Object* NdArrayFromValues(const std::vector<int64_t>& values) {
  Object* o = NewArray(static_cast<Py_ssize_t>(values.size()), DType::kInt64);
  if (o != nullptr && !values.empty()) std::memcpy(AsNdArray(o)->data, values.data(), values.size() * 8);
  return o;
}

Object* NdArrayAsType(Object* array, DType dtype) {
  NdArrayObject* src = AsNdArray(array);
  const Py_ssize_t length = src->dimensions[0];
  Object* o = NewArray(length, dtype);
  if (o == nullptr) return nullptr;
  NdArrayObject* dst = AsNdArray(o);
  for (Py_ssize_t i = 0; i < length; ++i) {
    const int64_t v = NdArrayValueAt(array, i);
    if (dtype == DType::kInt64)
      static_cast<int64_t*>(dst->data)[i] = v;
    else
      static_cast<int32_t*>(dst->data)[i] = static_cast<int32_t>(v);
  }
  return o;
}

int64_t NdArrayValueAt(Object* array, Py_ssize_t i) {
  NdArrayObject* a = AsNdArray(array);
  return a->dtype == DType::kInt64 ? static_cast<const int64_t*>(a->data)[i]
                                   : static_cast<const int32_t*>(a->data)[i];
}

Object* NewInt64Scalar(int64_t value) {
  return layers::boxing::PyArray_Scalar(&value, &g_long_descr, nullptr);
}

void InitNdArrayTypes() {
  InitStaticType(&PyArray_Type, "numpy.ndarray", &PyBaseObject_Type, sizeof(NdArrayObject), 0);
  PyArray_Type.tp_dealloc = array_dealloc;
  g_array_as_sequence.sq_length = array_length;
  g_array_as_sequence.sq_item = array_item;
  PyArray_Type.tp_as_sequence = &g_array_as_sequence;
  PyArray_Type.tp_iter = array_iter;
  g_array_as_buffer.bf_getbuffer = array_getbuffer;
  PyArray_Type.tp_as_buffer = &g_array_as_buffer;

  InitStaticType(&PyGenericArrType_Type, "numpy.generic", &PyBaseObject_Type, sizeof(Object), 0);
  PyGenericArrType_Type.tp_dealloc = gentype_dealloc;
  PyGenericArrType_Type.tp_alloc = gentype_alloc;
  PyGenericArrType_Type.tp_free = gentype_free;
  InitStaticType(&PyNumberArrType_Type, "numpy.number", &PyGenericArrType_Type, sizeof(Object), 0);
  InitStaticType(&PyIntegerArrType_Type, "numpy.integer", &PyNumberArrType_Type, sizeof(Object), 0);
  InitStaticType(&PySignedIntegerArrType_Type, "numpy.signedinteger", &PyIntegerArrType_Type, sizeof(Object),
                 0);
  InitStaticType(&PyInt64ArrType_Type, "numpy.int64", &PySignedIntegerArrType_Type, sizeof(Int64ScalarObject),
                 0);
  g_scalar_as_number.nb_index = scalar_index;
  PyInt64ArrType_Type.tp_as_number = &g_scalar_as_number;
}

}  // namespace dispatchlab
