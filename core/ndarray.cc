#include "core/ndarray.h"

#include <cstdlib>
#include <cstring>

#include "core/buffer.h"
#include "core/errors.h"
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

// scalar_value: where the scalar keeps its value, by type number.
void* scalar_value(Object* scalar, const PyArray_Descr* descr) {
  switch (descr->type_num) {
    case NPY_LONG:
    case NPY_INT:
      return &reinterpret_cast<Int64ScalarObject*>(scalar)->value;
    default:
      return nullptr;
  }
}

// gentype_alloc (scalartypes.c.src): the scalar types' tp_alloc: PyObject_Malloc of the variable size,
// zero-filled, then PyObject_Init.
Object* gentype_alloc(TypeObject* type, Py_ssize_t nitems) {
  const size_t size =
      (static_cast<size_t>(type->tp_basicsize + (nitems + 1) * type->tp_itemsize) + 7) & ~size_t{7};
  Object* o = AllocObject(type, size);
  if (o == nullptr) return nullptr;
  std::memset(reinterpret_cast<char*>(o) + sizeof(Object), 0, size - sizeof(Object));
  return o;
}

// gentype_free / gentype_dealloc: tp_dealloc calls the type's tp_free, which is PyObject_Free.
void gentype_free(void* o) { FreeObject(static_cast<Object*>(o)); }
void gentype_dealloc(Object* o) { Py_TYPE(o)->tp_free(o); }

}  // namespace

namespace layers::boxing {

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
    Py_DECREF(obj);
    PyErr_SetString(ExcKind::kSystemError, "PyArray_Scalar: dtype not modelled");
    return nullptr;
  }
  copyswap(scalar_value(obj, descr), data, swap, base);
  Count(Counter::kScalars);
  return obj;
}

}  // namespace layers::boxing

namespace {

void array_dealloc(Object* o) {
  std::free(AsNdArray(o)->data);
  FreeObject(o);
}

Py_ssize_t array_length(Object* o) { return AsNdArray(o)->length; }

// check_and_adjust_index (numpy/core/src/multiarray/common.h): bounds, then a negative index wraps.
int check_and_adjust_index(Py_ssize_t* index, Py_ssize_t max_item, int axis) {
  if (*index < -max_item || *index >= max_item) [[unlikely]] {
    PyErr_Format(ExcKind::kIndexError, "index %d is out of bounds for axis %d with size %d", *index, axis,
                 max_item);
    return -1;
  }
  if (*index < 0) *index += max_item;
  return 0;
}

// get_item_pointer (mapping.c): the element's address from the data pointer and the stride.
int get_item_pointer(NdArrayObject* self, char** ptr, Py_ssize_t index) {
  *ptr = static_cast<char*>(self->data);
  if (check_and_adjust_index(&index, self->length, 0) < 0) return -1;
  *ptr += self->stride * index;
  return 0;
}

// array_item (mapping.c): the sequence slot of a one-dimensional array.
Object* array_item(Object* o, Py_ssize_t i) {
  NdArrayObject* a = AsNdArray(o);
  if (i < 0) i -= a->length;  // undo PySequence_GetItem's wrap, so the error names the index given
  char* item;
  if (get_item_pointer(a, &item, i) < 0) return nullptr;
  if (LayerOn(Layer::kBoxing)) return layers::boxing::PyArray_Scalar(item, a->descr, o);
  const int64_t v = a->dtype == DType::kInt64 ? *reinterpret_cast<const int64_t*>(item)
                                              : *reinterpret_cast<const int32_t*>(item);
  if (!FitsTagged(v)) return layers::boxing::PyArray_Scalar(item, a->descr, o);
  return TagInt(v);
}

int array_getbuffer(Object* o, Py_buffer* view, int /*flags*/) {
  NdArrayObject* a = AsNdArray(o);
  const char fmt[2] = {static_cast<char>(a->dtype), '\0'};
  FillBufferInfo(view, o, a->data, a->length * static_cast<Py_ssize_t>(ItemSize(a->dtype)), false, fmt,
                 static_cast<Py_ssize_t>(ItemSize(a->dtype)));
  return 0;
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
  a->length = length;
  a->dtype = dtype;
  a->data = data;
  a->nd = 1;
  a->stride = static_cast<Py_ssize_t>(ItemSize(dtype));
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
  Object* o = NewArray(src->length, dtype);
  if (o == nullptr) return nullptr;
  NdArrayObject* dst = AsNdArray(o);
  for (Py_ssize_t i = 0; i < src->length; ++i) {
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
