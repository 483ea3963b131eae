#include "dispatch/ctypes_array.h"

#include <cstdlib>
#include <cstring>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "core/buffer.h"
#include "core/errors.h"
#include "core/layer_frame.h"
#include "core/list.h"
#include "core/long.h"
#include "core/ndarray.h"
#include "core/slice.h"
#include "core/tuple.h"
#include "core/type.h"
#include "dispatch/abstract.h"
#include "dispatch/slots.h"

namespace dispatchlab {

TypeObject PyCArray_Type;

namespace layers::type_data {

// 3.13: PyType_GetModuleByDef walks the MRO for the class defined by _ctypes.
DISPATCHLAB_LAYER_FN bool PyType_GetModuleByDef(TypeObject* type, const void* def) {
  Count(Counter::kTypeDataLookups);
  for (TypeObject* t : type->tp_mro) {
    if (t->dl_module == def) return true;
  }
  PyErr_Format(ExcKind::kTypeError, "PyType_GetModuleByDef: No superclass of '%s' has the given module",
               type->tp_name);
  return false;
}

// PyObject_IsInstance (Objects/abstract.c) for a class that is a type: object_recursive_isinstance tries
// the exact type, sees that `cls` is exactly a type and asks object_isinstance, which calls
// PyObject_TypeCheck (the exact type again, then PyType_IsSubtype's walk of the MRO). 3.13's
// PyStgInfo_FromType calls it on every store; the model has no __instancecheck__ or __class__ fallback
// (no class on this path defines them).
DISPATCHLAB_LAYER_FN int object_isinstance(Object* inst, Object* cls) {
  if (!PyObject_TypeCheck(cls, &PyType_Type)) return 0;  // PyType_Check
  return PyObject_TypeCheck(inst, AsType(cls)) ? 1 : 0;
}
DISPATCHLAB_LAYER_FN int PyObject_IsInstance(Object* inst, Object* cls) {
  // 3.12+ reads the thread state first (the `thread_state` layer), for object_recursive_isinstance's
  // recursion guard on the paths the model does not take.
  if (ThreadStateOn()) layers::thread_state::_PyThreadState_GET();
  if (Py_TYPE(inst) == AsType(cls)) return 1;
  if (Py_TYPE(cls) == &PyType_Type) return object_isinstance(inst, cls);
  PyErr_SetString(ExcKind::kTypeError, "isinstance() arg 2 must be a type");
  return -1;
}

// 3.13: PyStgInfo_FromType: PyObject_IsInstance(type, PyCType_Type), then PyObject_GetTypeData.
DISPATCHLAB_LAYER_FN StgInfo* PyStgInfo_FromType(TypeObject* type) {
  Count(Counter::kTypeDataLookups);
  if (PyObject_IsInstance(AsObject(type), AsObject(&PyCType_Type)) <= 0) return nullptr;
  return StgInfoOfType(type);
}

}  // namespace layers::type_data

namespace layers::setfunc {

// KeepRef (Modules/_ctypes/_ctypes.c): keeps a setfunc's result alive in the target's b_objects; None needs
// no keeping. A static function CPython's builds do not inline (its frame holds unique_key's key buffer), so
// a frame here too. Every setfunc of the model returns None: the rest (CData_GetContainer, unique_key,
// PyDict_SetItem into b_objects) is not modelled, and another result is only released.
DISPATCHLAB_LAYER_FN int KeepRef(Object* /*target*/, Py_ssize_t /*index*/, Object* keep) {
  if (keep == Py_None) {
    Py_DECREF(Py_None);
    return 0;
  }
  Py_DECREF(keep);
  return 0;
}

// _PyCData_set: a CData value would be copied; an int goes to the item type's setfunc.
DISPATCHLAB_LAYER_FN Object* _PyCData_set(Object* /*dst*/, TypeObject* type, Object* value, Py_ssize_t size,
                                          char* ptr) {
  if (CDataObject_Check(value)) {
    PyErr_Format(ExcKind::kTypeError, "incompatible types, %s instance instead of %s instance",
                 Py_TYPE(value)->tp_name, type->tp_name);
    return nullptr;
  }
  StgInfo* info =
      LayerOn(Layer::kTypeData) ? type_data::PyStgInfo_FromType(type) : PyType_stgdict(AsObject(type));
  if (info == nullptr || info->setfunc_ == nullptr) {
    PyErr_Format(ExcKind::kTypeError, "don't know how to store into %s", type->tp_name);
    return nullptr;
  }
  Count(Counter::kSlotCalls);
  return info->setfunc_(ptr, value, size);
}

// PyCData_set: checks the destination, stores, keeps the result alive as ctypes requires.
DISPATCHLAB_LAYER_FN int PyCData_set(Object* dst, TypeObject* type, Object* value, Py_ssize_t index,
                                     Py_ssize_t size, char* ptr) {
  if (!CDataObject_Check(dst)) {
    PyErr_SetString(ExcKind::kTypeError, "not a ctype instance");
    return -1;
  }
  Object* result = _PyCData_set(dst, type, value, size, ptr);
  if (result == nullptr) return -1;
  return KeepRef(dst, index, result);
}

}  // namespace layers::setfunc

namespace {

struct PairHash {
  size_t operator()(const std::pair<TypeObject*, Py_ssize_t>& k) const {
    return absl::HashOf(k.first, k.second);
  }
};
absl::flat_hash_map<std::pair<TypeObject*, Py_ssize_t>, TypeObject*>* g_array_cache = nullptr;

PySequenceMethods g_array_as_sequence;
PyMappingMethods g_array_as_mapping;
PyBufferProcs g_array_as_buffer;

// The `setfunc` layer switched off: convert and store, inlined.
inline int StoreInline(ItemKind kind, char* ptr, Object* value) {
  if (kind == ItemKind::kDouble) {
    double d = 0;
    if (CtypesGetDouble(value, &d) < 0) return -1;
    std::memcpy(ptr, &d, sizeof(d));
    return 0;
  }
  uint64_t v = 0;
  if (CtypesGetLong(value, &v) < 0) return -1;
  if (kind == ItemKind::kInt32) {
    const int32_t x = static_cast<int32_t>(v);
    std::memcpy(ptr, &x, sizeof(x));
  } else {
    std::memcpy(ptr, &v, sizeof(v));
  }
  return 0;
}

// The typed store loop every layer reduces to when all are off: source int64 values into the buffer.
template <typename T>
void FillTyped(char* dst_bytes, const int64_t* src, Py_ssize_t count) {
  T* dst = reinterpret_cast<T*>(dst_bytes);
  for (Py_ssize_t i = 0; i < count; ++i) dst[i] = static_cast<T>(src[i]);
}

void FillDirect(Object* self, Py_ssize_t start, Object* source, Py_ssize_t count) {
  const StgInfo* info = StgInfoOfType(Py_TYPE(self));
  const StgInfo* item = StgInfoOfType(info->proto);
  char* dst = AsCData(self)->b_ptr + start * item->size;
  const int64_t* src = Int64Data(source);
  switch (item->kind) {
    case ItemKind::kInt32:
      FillTyped<int32_t>(dst, src, count);
      break;
    case ItemKind::kInt64:
      std::memcpy(dst, src, static_cast<size_t>(count) * sizeof(int64_t));
      break;
    case ItemKind::kDouble:
      FillTyped<double>(dst, src, count);
      break;
  }
  Count(Counter::kStores, static_cast<uint64_t>(count));
}

bool IsInt64Array(Object* o) { return PyArray_Check(o) && AsNdArray(o)->dtype == DType::kInt64; }

void array_dealloc(Object* o) {
  CDataObject* self = AsCData(o);
  if (self->b_heap != nullptr) self->b_heap->Free(self->b_block);
  if (self->b_needsfree) std::free(self->b_ptr);
  FreeObject(o);
}

int array_getbuffer(Object* o, Py_buffer* view, int /*flags*/) {
  const StgInfo* info = StgInfoOfType(Py_TYPE(o));
  const StgInfo* item = StgInfoOfType(info->proto);
  FillBufferInfo(view, o, AsCData(o)->b_ptr, AsCData(o)->b_size, false, item->format, item->size);
  return 0;
}

CDataObject* NewCData(TypeObject* type) {
  Object* o = AllocObject(type, sizeof(CDataObject));
  if (o == nullptr) return nullptr;
  CDataObject* self = AsCData(o);
  const StgInfo* info = StgInfoOfType(type);
  self->b_ptr = nullptr;
  self->b_needsfree = false;
  self->b_length = info->length;
  self->b_size = info->size;
  self->b_heap = nullptr;
  self->b_block = Block();
  return self;
}

// One initializer of Array_init: through the sequence protocol (the trampoline) or directly (patch A).
inline int StoreInitializer(Object* self, Py_ssize_t i, Object* v);

}  // namespace

namespace layers::trampoline {
// Array_init's per-element call of the abstract entry point, which reaches slot_sq_ass_item.
DISPATCHLAB_LAYER_FN int StoreThroughSequenceProtocol(Object* self, Py_ssize_t i, Object* v) {
  return PySequence_SetItem(self, i, v);
}
}  // namespace layers::trampoline

namespace {
inline int StoreInitializer(Object* self, Py_ssize_t i, Object* v) {
  if (LayerOn(Layer::kTrampoline)) return layers::trampoline::StoreThroughSequenceProtocol(self, i, v);
  return Array_ass_item(self, i, v);
}
}  // namespace

bool DirectElementPath() {
  constexpr uint32_t kElementLayers = LayerGroupMask(LayerGroup::kElement);
  return (ActiveLayers().bits() & kElementLayers) == 0;
}

TypeObject* PyCArrayType_from_ctype(TypeObject* itemtype, Py_ssize_t length) {
  if (length < 0) {
    PyErr_Format(ExcKind::kValueError, "Array length must be >= 0, not %d", length);
    return nullptr;
  }
  const StgInfo* item = StgInfoOfType(itemtype);
  if (item == nullptr) {
    PyErr_SetString(ExcKind::kTypeError, "_type_ must have storage info");
    return nullptr;
  }
  if (item->size != 0 && length > std::numeric_limits<Py_ssize_t>::max() / item->size) {
    PyErr_SetString(ExcKind::kOverflowError, "array too large");
    return nullptr;
  }
  if (g_array_cache == nullptr)
    g_array_cache = new absl::flat_hash_map<std::pair<TypeObject*, Py_ssize_t>, TypeObject*>();
  auto key = std::make_pair(itemtype, length);
  if (auto it = g_array_cache->find(key); it != g_array_cache->end()) return it->second;
  TypeObject* type = TypeNew(absl::StrCat(itemtype->tp_name, "_Array_", length), &PyCArray_Type,
                             &PyCArrayType_Type, kCtypesModuleDef);
  auto* info = new StgInfo();
  info->size = item->size * length;
  info->align = item->align;
  info->length = length;
  info->proto = itemtype;
  info->kind = item->kind;
  std::memcpy(info->format, item->format, sizeof(info->format));
  type->tp_type_data = info;
  g_array_cache->emplace(key, type);
  return type;
}

Object* GenericPyCData_new(TypeObject* type) {
  CDataObject* self = NewCData(type);
  if (self == nullptr) return nullptr;
  const size_t bytes = static_cast<size_t>(self->b_size > 0 ? self->b_size : 1);
  self->b_ptr = static_cast<char*>(std::malloc(bytes));
  if (self->b_ptr == nullptr) {
    FreeObject(&self->ob_base);
    PyErr_SetString(ExcKind::kMemoryError, "");
    return nullptr;
  }
  self->b_needsfree = true;
  std::memset(self->b_ptr, 0, bytes);
  return &self->ob_base;
}

Object* PyCData_FromHeapBlock(TypeObject* type, SharedHeap* heap, const Block& block) {
  CDataObject* self = NewCData(type);
  if (self == nullptr) {
    heap->Free(block);
    return nullptr;
  }
  self->b_ptr = block.data;
  self->b_heap = heap;
  self->b_block = block;
  return &self->ob_base;
}

namespace {
ArrayInitBody g_init_body = ArrayInitBody::kPerElement;
}  // namespace
void SetArrayInitBody(ArrayInitBody body) { g_init_body = body; }
ArrayInitBody GetArrayInitBody() { return g_init_body; }

namespace essential {
DISPATCHLAB_LAYER_FN int Array_init(Object* self, Object* args, Object* /*kwds*/) {
  if (args == nullptr) return 0;
  if (!PyTuple_Check(args)) {
    PyErr_SetString(ExcKind::kTypeError, "args not a tuple?");
    return -1;
  }
  return ArrayInitRange(self, args, 0);
}
}  // namespace essential

namespace essential {
DISPATCHLAB_LAYER_FN int ArrayInitRange(Object* self, Object* args, Py_ssize_t begin) {
  const Py_ssize_t n = PyTuple_GET_SIZE(args);
  if (g_init_body == ArrayInitBody::kOneSlice) return PySequence_SetSlice(self, begin, begin + n, args);
  for (Py_ssize_t i = 0; i < n; ++i) {
    if (StoreInitializer(self, begin + i, PyTuple_GET_ITEM(args, i)) == -1) return -1;
  }
  return 0;
}
}  // namespace essential

namespace essential {
DISPATCHLAB_LAYER_FN int ArrayInitFromSequence(Object* self, Object* source) {
  return ArrayInitFromSequenceRange(self, source, 0);
}
}  // namespace essential

namespace essential {
DISPATCHLAB_LAYER_FN int ArrayInitFromSequenceRange(Object* self, Object* source, Py_ssize_t begin) {
  const Py_ssize_t n = PySequence_Size(source);
  if (n < 0) {
    PyErr_Format(ExcKind::kTypeError, "'%s' object is not iterable", Py_TYPE(source)->tp_name);
    return -1;
  }
  if (g_init_body == ArrayInitBody::kOneSlice) return PySequence_SetSlice(self, begin, begin + n, source);
  if (!LayerOn(Layer::kTrampoline) && DirectElementPath() && IsInt64Array(source)) {
    const Py_ssize_t room = AsCData(self)->b_length - begin;
    FillDirect(self, begin, source, n < room ? n : room);
    if (n > room) {
      PyErr_SetString(ExcKind::kIndexError, "invalid index");
      return -1;
    }
    return 0;
  }
  for (Py_ssize_t i = 0; i < n; ++i) {
    Object* item = PySequence_GetItem(source, i);
    if (item == nullptr) return -1;
    const int result = StoreInitializer(self, begin + i, item);
    Py_DECREF(item);
    if (result == -1) return -1;
  }
  return 0;
}
}  // namespace essential

namespace essential {
DISPATCHLAB_LAYER_FN int Array_ass_item(Object* myself, Py_ssize_t index, Object* value) {
  if (value == nullptr) {
    PyErr_SetString(ExcKind::kTypeError, "Array does not support item deletion");
    return -1;
  }
  const StgInfo* info = nullptr;
  if (LayerOn(Layer::kTypeData)) {
    if (!layers::type_data::PyType_GetModuleByDef(Py_TYPE(myself), kCtypesModuleDef)) return -1;
    info = layers::type_data::PyStgInfo_FromType(Py_TYPE(myself));
  } else {
    info = PyObject_stgdict(myself);  // never null for an array instance (CPython asserts it)
  }
  if (index < 0 || index >= info->length) {
    PyErr_SetString(ExcKind::kIndexError, "invalid index");
    return -1;
  }
  const Py_ssize_t size = info->size / info->length;
  char* ptr = AsCData(myself)->b_ptr + index * size;
  Count(Counter::kStores);  // in advance; taken back when the store fails
  const int result = LayerOn(Layer::kSetfunc)
                         ? layers::setfunc::PyCData_set(myself, info->proto, value, index, size, ptr)
                         : StoreInline(info->kind, ptr, value);
  if (result < 0) [[unlikely]] {
    Uncount(Counter::kStores);
    if (!LayerOn(Layer::kSetfunc) && CDataObject_Check(value)) {
      // Same error as _PyCData_set's (a CData value never converts), checked only on the failure path so
      // the inlined store costs nothing more.
      PyErr_Format(ExcKind::kTypeError, "incompatible types, %s instance instead of %s instance",
                   Py_TYPE(value)->tp_name, info->proto->tp_name);
    }
  }
  return result;
}
}  // namespace essential

namespace essential {
DISPATCHLAB_LAYER_FN int Array_ass_subscript(Object* myself, Object* item, Object* value) {
  if (value == nullptr) {
    PyErr_SetString(ExcKind::kTypeError, "Array does not support item deletion");
    return -1;
  }
  CDataObject* self = AsCData(myself);
  if (PyIndex_Check(item)) {
    Py_ssize_t i = PyNumber_AsSsize_t(item);
    if (i == -1 && PyErr_Occurred()) return -1;
    if (i < 0) i += self->b_length;
    return Array_ass_item(myself, i, value);
  }
  if (!PySlice_Check(item)) {
    PyErr_SetString(ExcKind::kTypeError, "indices must be integer");
    return -1;
  }
  Py_ssize_t start, stop, step;
  if (PySlice_Unpack(item, &start, &stop, &step) < 0) return -1;
  const Py_ssize_t slicelen = PySlice_AdjustIndices(self->b_length, &start, &stop, step);
  const Py_ssize_t otherlen = PySequence_Size(value);
  if (otherlen != slicelen) {
    PyErr_SetString(ExcKind::kValueError, "Can only assign sequence of same size");
    return -1;
  }
  if (step == 1 && DirectElementPath() && IsInt64Array(value)) {
    FillDirect(myself, start, value, otherlen);
    return 0;
  }
  // cur = start + i * step stays in [0, length) for i < slicelen; CPython's `cur += step` after the last
  // item can overflow (defined there only because CPython builds with -fwrapv).
  for (Py_ssize_t i = 0; i < otherlen; ++i) {
    const Py_ssize_t cur = start + i * step;
    Object* element = PySequence_GetItem(value, i);
    if (element == nullptr) return -1;
    const int result = Array_ass_item(myself, cur, element);
    Py_DECREF(element);
    if (result == -1) return -1;
  }
  return 0;
}
}  // namespace essential

Object* Array_item(Object* myself, Py_ssize_t index) {
  const StgInfo* info = StgInfoOfType(Py_TYPE(myself));
  if (index < 0 || index >= info->length) {
    PyErr_SetString(ExcKind::kIndexError, "invalid index");
    return nullptr;
  }
  const StgInfo* item = StgInfoOfType(info->proto);
  return item->getfunc_(AsCData(myself)->b_ptr + index * item->size, item->size);
}

Object* Array_subscript(Object* myself, Object* key) {
  CDataObject* self = AsCData(myself);
  if (PyIndex_Check(key)) {
    Py_ssize_t i = PyNumber_AsSsize_t(key);
    if (i == -1 && PyErr_Occurred()) return nullptr;
    if (i < 0) i += self->b_length;
    return Array_item(myself, i);
  }
  if (!PySlice_Check(key)) {
    PyErr_SetString(ExcKind::kTypeError, "indices must be integers");
    return nullptr;
  }
  Py_ssize_t start, stop, step;
  if (PySlice_Unpack(key, &start, &stop, &step) < 0) return nullptr;
  const Py_ssize_t slicelen = PySlice_AdjustIndices(self->b_length, &start, &stop, step);
  Object* list = PyList_New();
  if (list == nullptr) return nullptr;
  for (Py_ssize_t i = 0; i < slicelen; ++i) {
    Object* v = Array_item(myself, start + i * step);  // no `cur += step`: see Array_ass_subscript
    if (v == nullptr) {
      Py_DECREF(list);
      return nullptr;
    }
    PyList_Append(list, v);
    Py_DECREF(v);
  }
  return list;
}

Py_ssize_t Array_length(Object* myself) { return AsCData(myself)->b_length; }

void InitCtypesArrayType() {
  InitStaticType(&PyCArray_Type, "_ctypes.Array", &PyCData_Type, sizeof(CDataObject), 0);
  PyCArray_Type.ob_base.ob_type = &PyCArrayType_Type;
  PyCArray_Type.dl_module = kCtypesModuleDef;
  PyCArray_Type.tp_dealloc = array_dealloc;
  PyCArray_Type.tp_init = Array_init;
  g_array_as_sequence.sq_length = Array_length;
  g_array_as_sequence.sq_item = Array_item;
  g_array_as_sequence.sq_ass_item = Array_ass_item;
  PyCArray_Type.tp_as_sequence = &g_array_as_sequence;
  g_array_as_mapping.mp_length = Array_length;
  g_array_as_mapping.mp_subscript = Array_subscript;
  g_array_as_mapping.mp_ass_subscript = Array_ass_subscript;
  PyCArray_Type.tp_as_mapping = &g_array_as_mapping;
  g_array_as_buffer.bf_getbuffer = array_getbuffer;
  PyCArray_Type.tp_as_buffer = &g_array_as_buffer;
}

}  // namespace dispatchlab
