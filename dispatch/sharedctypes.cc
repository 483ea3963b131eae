#include "dispatch/sharedctypes.h"

#include <cstring>

#include "core/errors.h"
#include "core/layer_frame.h"
#include "core/str.h"
#include "dispatch/abstract.h"
#include "dispatch/call.h"
#include "dispatch/ctypes_array.h"
#include "dispatch/lookup.h"

namespace dispatchlab {

namespace layers::zero_fill {
DISPATCHLAB_LAYER_FN void ZeroFill(char* ptr, size_t size) {
  Count(Counter::kBytesZeroed, size);
  std::memset(ptr, 0, size);
}
}  // namespace layers::zero_fill

namespace {

// sharedctypes._new_value: a block from the heap wrapped by from_buffer.
Object* NewValue(TypeObject* type) {
  const StgInfo* info = StgInfoOfType(type);
  SharedHeap& heap = DefaultHeap();
  absl::StatusOr<Block> block = heap.Allocate(static_cast<size_t>(info->size > 0 ? info->size : 1));
  if (!block.ok()) {
    const bool no_memory = block.status().code() == absl::StatusCode::kResourceExhausted;
    PyErr_SetString(no_memory ? ExcKind::kOSError : ExcKind::kValueError, block.status().message());
    return nullptr;
  }
  return PyCData_FromHeapBlock(type, &heap, *block);
}

// LOAD_ATTR result.__init__: the descriptor bound into a method-wrapper.
Object* BoundInit(Object* obj) {
  Object* descr = _PyType_Lookup(Py_TYPE(obj), Id().__init__);
  if (descr == nullptr) {
    PyErr_SetString(ExcKind::kAttributeError, "__init__");
    return nullptr;
  }
  descrgetfunc get = Py_TYPE(descr)->tp_descr_get;
  return get != nullptr ? get(descr, obj, AsObject(Py_TYPE(obj))) : Py_NewRef(descr);
}

Py_ssize_t InitializerLength(Object* initializer) {
  const Py_ssize_t n = PySequence_Size(initializer);
  if (n < 0 && !PyErr_Occurred()) {
    PyErr_Format(ExcKind::kTypeError, "object of type '%s' has no len()", Py_TYPE(initializer)->tp_name);
  }
  return n;
}

}  // namespace

Object* RawArrayOfSize(TypeObject* itemtype, Py_ssize_t n) {
  TypeObject* type = PyCArrayType_from_ctype(itemtype, n);
  if (type == nullptr) return nullptr;
  return RawArrayOfType(type);
}

Object* RawArrayOfType(TypeObject* type) {
  Object* obj = NewValue(type);
  if (obj == nullptr) return nullptr;
  if (LayerOn(Layer::kZeroFill)) layers::zero_fill::ZeroFill(AsCData(obj)->b_ptr, AsCData(obj)->b_size);
  return obj;
}

Object* RawArrayFrom(TypeObject* itemtype, Object* initializer) {
  const Py_ssize_t n = InitializerLength(initializer);
  if (n < 0) return nullptr;
  TypeObject* type = PyCArrayType_from_ctype(itemtype, n);
  if (type == nullptr) return nullptr;
  return RawArrayFromType(type, initializer);
}

Object* RawArrayFromType(TypeObject* type, Object* initializer) {
  Object* obj = NewValue(type);
  if (obj == nullptr) return nullptr;
  if (!LayerOn(Layer::kArgsTuple)) {
    if (ArrayInitFromSequence(obj, initializer) < 0) {
      Py_DECREF(obj);
      return nullptr;
    }
    return obj;
  }
  // result.__init__(*init)
  Object* bound = BoundInit(obj);
  Object* args = bound != nullptr ? layers::args_tuple::PackInitializers(initializer) : nullptr;
  Object* result = args != nullptr ? PyObject_Call(bound, args, nullptr) : nullptr;
  Py_XDECREF(args);
  Py_XDECREF(bound);
  if (result == nullptr) {
    Py_DECREF(obj);
    return nullptr;
  }
  Py_DECREF(result);
  return obj;
}

int RawArrayInitRange(Object* array, Object* initializers, Py_ssize_t begin) {
  if (!LayerOn(Layer::kArgsTuple)) return ArrayInitFromSequenceRange(array, initializers, begin);
  Object* args = layers::args_tuple::PackInitializers(initializers);
  if (args == nullptr) return -1;
  const int status = ArrayInitRange(array, args, begin);
  Py_DECREF(args);
  return status;
}

Object* CtypesArrayOfSize(TypeObject* itemtype, Py_ssize_t n) {
  TypeObject* type = PyCArrayType_from_ctype(itemtype, n);
  return type != nullptr ? GenericPyCData_new(type) : nullptr;
}

Object* CtypesArrayFrom(TypeObject* itemtype, Object* initializer) {
  const Py_ssize_t n = InitializerLength(initializer);
  if (n < 0) return nullptr;
  TypeObject* type = PyCArrayType_from_ctype(itemtype, n);
  if (type == nullptr) return nullptr;
  Object* obj = GenericPyCData_new(type);
  if (obj == nullptr) return nullptr;
  int status = 0;
  if (LayerOn(Layer::kArgsTuple)) {
    Object* args = layers::args_tuple::PackInitializers(initializer);
    // type_call: a type without tp_init (its __init__ removed before the type was made) skips it.
    if (args == nullptr) {
      status = -1;
    } else if (type->tp_init != nullptr) {
      status = type->tp_init(obj, args, nullptr);
    }
    Py_XDECREF(args);
  } else {
    status = ArrayInitFromSequence(obj, initializer);
  }
  if (status < 0) {
    Py_DECREF(obj);
    return nullptr;
  }
  return obj;
}

}  // namespace dispatchlab
