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
TypeObject PyInt64ArrType_Type;

namespace layers::boxing {
// The `boxing` layer: one scalar object per element read (numpy's array_item -> PyArray_Scalar).
DISPATCHLAB_LAYER_FN Object* PyArray_Scalar(int64_t value) { return NewInt64Scalar(value); }
}  // namespace layers::boxing

namespace {

PySequenceMethods g_array_as_sequence;
PyBufferProcs g_array_as_buffer;
PyNumberMethods g_scalar_as_number;

size_t ItemSize(DType d) { return d == DType::kInt64 ? 8 : 4; }

void array_dealloc(Object* o) {
  std::free(AsNdArray(o)->data);
  FreeObject(o);
}

Py_ssize_t array_length(Object* o) { return AsNdArray(o)->length; }

Object* array_item(Object* o, Py_ssize_t i) {
  NdArrayObject* a = AsNdArray(o);
  if (i < 0 || i >= a->length) {
    PyErr_Format(ExcKind::kIndexError, "index %d is out of bounds for axis 0 with size %d", i, a->length);
    return nullptr;
  }
  const int64_t v = NdArrayValueAt(o, i);
  if (LayerOn(Layer::kBoxing) || !FitsTagged(v)) return layers::boxing::PyArray_Scalar(v);
  return TagInt(v);
}

int array_getbuffer(Object* o, Py_buffer* view, int /*flags*/) {
  NdArrayObject* a = AsNdArray(o);
  const char fmt[2] = {static_cast<char>(a->dtype), '\0'};
  FillBufferInfo(view, o, a->data, a->length * static_cast<Py_ssize_t>(ItemSize(a->dtype)), false, fmt,
                 static_cast<Py_ssize_t>(ItemSize(a->dtype)));
  return 0;
}

void scalar_dealloc(Object* o) { FreeObject(o); }

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
  return o;
}

}  // namespace

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
    if (dtype == DType::kInt64) static_cast<int64_t*>(dst->data)[i] = v;
    else static_cast<int32_t*>(dst->data)[i] = static_cast<int32_t>(v);
  }
  return o;
}

int64_t NdArrayValueAt(Object* array, Py_ssize_t i) {
  NdArrayObject* a = AsNdArray(array);
  return a->dtype == DType::kInt64 ? static_cast<const int64_t*>(a->data)[i]
                                   : static_cast<const int32_t*>(a->data)[i];
}

Object* NewInt64Scalar(int64_t value) {
  Object* o = AllocObject(&PyInt64ArrType_Type, sizeof(Int64ScalarObject));
  if (o == nullptr) return nullptr;
  reinterpret_cast<Int64ScalarObject*>(o)->value = value;
  Count(Counter::kScalars);
  return o;
}

void InitNdArrayTypes() {
  InitStaticType(&PyArray_Type, "numpy.ndarray", &PyBaseObject_Type, sizeof(NdArrayObject), 0);
  PyArray_Type.tp_dealloc = array_dealloc;
  g_array_as_sequence.sq_length = array_length;
  g_array_as_sequence.sq_item = array_item;
  PyArray_Type.tp_as_sequence = &g_array_as_sequence;
  g_array_as_buffer.bf_getbuffer = array_getbuffer;
  PyArray_Type.tp_as_buffer = &g_array_as_buffer;

  InitStaticType(&PyInt64ArrType_Type, "numpy.int64", &PyBaseObject_Type, sizeof(Int64ScalarObject), 0);
  PyInt64ArrType_Type.tp_dealloc = scalar_dealloc;
  g_scalar_as_number.nb_index = scalar_index;
  PyInt64ArrType_Type.tp_as_number = &g_scalar_as_number;
}

}  // namespace dispatchlab
