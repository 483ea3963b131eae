#include "core/tuple.h"

#include <cstddef>

#include "core/errors.h"
#include "core/layer_frame.h"
#include "core/type.h"

namespace dispatchlab {

TypeObject PyTuple_Type;

namespace {

struct FreeList {
  Object* head = nullptr;  // linked through ob_item[0]
  int count = 0;
};
FreeList g_free_lists[PyTuple_MAXSAVESIZE + 1];
TupleObject g_empty_tuple;
PySequenceMethods g_tuple_as_sequence;

size_t TupleBytes(Py_ssize_t size) { return offsetof(TupleObject, ob_item) + sizeof(Object*) * size; }

}  // namespace

// The free lists' own work, in frames of their own (core/layer_frame.h). CPython 3.11+ has the same two
// functions, static inline in Objects/tupleobject.c: the frame's call and return are the label's price.
namespace layers::free_lists {

// maybe_freelist_pop: a parked tuple of `size` items, its header re-initialised, or nullptr.
DISPATCHLAB_LAYER_FN Object* maybe_freelist_pop(Py_ssize_t size) {
  if (size > PyTuple_MAXSAVESIZE || g_free_lists[size].head == nullptr) return nullptr;
  FreeList& list = g_free_lists[size];
  Object* o = list.head;
  list.head = AsTuple(o)->ob_item[0];
  --list.count;
  InitObjectHeader(o, &PyTuple_Type);
  Count(Counter::kFreeListHits);
  return o;
}

// maybe_freelist_push: parks a dead tuple on its size's list; false when it does not fit (then freed).
DISPATCHLAB_LAYER_FN bool maybe_freelist_push(Object* o) {
  const Py_ssize_t size = AsTuple(o)->ob_size;
  if (size > PyTuple_MAXSAVESIZE || g_free_lists[size].count >= PyTuple_MAXFREELIST) return false;
  ForgetObject(o);
  AsTuple(o)->ob_item[0] = g_free_lists[size].head;
  g_free_lists[size].head = o;
  ++g_free_lists[size].count;
  return true;
}

}  // namespace layers::free_lists

namespace {

void tupledealloc(Object* o) {
  TupleObject* t = AsTuple(o);
  GcUntrack(o);
  for (Py_ssize_t i = 0; i < t->ob_size; ++i) Py_XDECREF(t->ob_item[i]);
  if (LayerOn(Layer::kFreeLists) && layers::free_lists::maybe_freelist_push(o)) return;
  FreeObject(o);
}

Py_ssize_t tuple_length(Object* o) { return AsTuple(o)->ob_size; }

Object* tuple_item(Object* o, Py_ssize_t i) {
  TupleObject* t = AsTuple(o);
  if (i < 0 || i >= t->ob_size) {
    PyErr_SetString(ExcKind::kIndexError, "tuple index out of range");
    return nullptr;
  }
  return Py_NewRef(t->ob_item[i]);
}

}  // namespace

Object* PyTuple_New(Py_ssize_t size) {
  if (size == 0) return Py_NewRef(&g_empty_tuple.ob_base);
  if (size < 0) {
    PyErr_SetString(ExcKind::kSystemError, "negative tuple size");
    return nullptr;
  }
  Object* o = LayerOn(Layer::kFreeLists) ? layers::free_lists::maybe_freelist_pop(size) : nullptr;
  if (o == nullptr) {
    o = AllocObject(&PyTuple_Type, TupleBytes(size));
    if (o == nullptr) return nullptr;
  }
  TupleObject* t = AsTuple(o);
  t->ob_size = size;
  for (Py_ssize_t i = 0; i < size; ++i) t->ob_item[i] = nullptr;
  GcTrack(o);
  Count(Counter::kTuples);
  return o;
}

Object* PyTuple_FromArray(Object* const* src, Py_ssize_t n) {
  Object* t = PyTuple_New(n);
  if (t == nullptr) return nullptr;
  for (Py_ssize_t i = 0; i < n; ++i) PyTuple_SET_ITEM(t, i, Py_NewRef(src[i]));
  return t;
}

Object* PyTuple_GetSlice(Object* t, Py_ssize_t low, Py_ssize_t high) {
  const Py_ssize_t size = PyTuple_GET_SIZE(t);
  if (low < 0) low = 0;
  if (high > size) high = size;
  if (high < low) high = low;
  return PyTuple_FromArray(AsTuple(t)->ob_item + low, high - low);
}

void ClearTupleFreeLists() {
  for (FreeList& list : g_free_lists) {
    while (list.head != nullptr) {
      Object* o = list.head;
      list.head = AsTuple(o)->ob_item[0];
      // Parked tuples were forgotten; count them alive again so FreeObject balances.
      InitObjectHeader(o, &PyTuple_Type);
      FreeObject(o);
    }
    list.count = 0;
  }
}

int TupleFreeListSize() {
  int total = 0;
  for (const FreeList& list : g_free_lists) total += list.count;
  return total;
}

void InitTupleType() {
  InitStaticType(&PyTuple_Type, "tuple", &PyBaseObject_Type, sizeof(TupleObject),
                 Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_TUPLE_SUBCLASS);
  PyTuple_Type.tp_dealloc = tupledealloc;
  g_tuple_as_sequence.sq_length = tuple_length;
  g_tuple_as_sequence.sq_item = tuple_item;
  PyTuple_Type.tp_as_sequence = &g_tuple_as_sequence;
  InitStaticObject(&g_empty_tuple.ob_base, &PyTuple_Type);
  g_empty_tuple.ob_size = 0;
}

}  // namespace dispatchlab
