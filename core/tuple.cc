#include "core/tuple.h"

#include <cstddef>

#include "core/errors.h"
#include "core/layer_frame.h"
#include "core/pystate.h"
#include "core/trashcan.h"
#include "core/type.h"

namespace dispatchlab {

TypeObject PyTuple_Type;

namespace {

struct FreeList {
  Object* head = nullptr;  // linked through ob_item[0]
  int count = 0;
};

}  // namespace

// The tuple free lists (3.12: struct _Py_tuple_state, Include/internal/pycore_tuple.h), the main
// interpreter's: with the `thread_state` layer on, found through the interpreter's state (get_tuple_state).
struct _Py_tuple_state {
  FreeList free_list[PyTuple_MAXSAVESIZE + 1];
};
namespace internal {
constinit _Py_tuple_state g_tuple_state = {};
}  // namespace internal

namespace {

// get_tuple_state (Objects/tupleobject.c): the interpreter's free lists.
inline FreeList* get_tuple_state() {
  if (ThreadStateOn()) return layers::thread_state::_PyInterpreterState_GET()->tuple->free_list;
  return internal::g_tuple_state.free_list;
}

TupleObject g_empty_tuple;
PySequenceMethods g_tuple_as_sequence;

size_t TupleBytes(Py_ssize_t size) { return offsetof(TupleObject, ob_item) + sizeof(Object*) * size; }

}  // namespace

// The free lists' own work, in frames of their own (core/layer_frame.h). CPython 3.11+ has the same two
// functions, static inline in Objects/tupleobject.c: the frame's call and return are the label's price.
namespace layers::free_lists {

// maybe_freelist_pop: a parked tuple of `size` items, its header re-initialised, or nullptr.
DISPATCHLAB_LAYER_FN Object* maybe_freelist_pop(Py_ssize_t size) {
  if (size > PyTuple_MAXSAVESIZE) return nullptr;
  FreeList& list = get_tuple_state()[size];
  if (list.head == nullptr) return nullptr;
  Object* o = list.head;
  list.head = AsTuple(o)->ob_item[0];
  --list.count;
  internal::InitObjectHeaderCounted(o, &PyTuple_Type);
  Count(Counter::kFreeListHits);  // also an object and a tuple built (derived, core/counters.cc)
  return o;
}

// maybe_freelist_push: parks a dead tuple on its size's list; false when it does not fit (then freed).
DISPATCHLAB_LAYER_FN bool maybe_freelist_push(Object* o) {
  const Py_ssize_t size = AsTuple(o)->ob_size;
  if (size > PyTuple_MAXSAVESIZE) return false;
  FreeList& list = get_tuple_state()[size];
  if (list.count >= PyTuple_MAXFREELIST) return false;
  ForgetObject(o);
  AsTuple(o)->ob_item[0] = list.head;
  list.head = o;
  ++list.count;
  return true;
}

}  // namespace layers::free_lists

namespace {

// The reference counts of a tuple's items are counted in one increment per tuple (Count(kIncrefs, n) or
// Count(kDecrefs, n) before the loop) rather than one per item, so that counting compiled in stays cheap
// (docs/counting.md, "Derived counters"). The per-item operations below are Py_INCREF / Py_DECREF without
// their Count; an item the single operations would not count (nullptr, a tagged immediate) takes its count
// back, on the slow path only.
inline Object* NewRefCountedByCaller(Object* o) {
  if (internal::RefcountSlowPath(o)) [[unlikely]] {
    if (IsTagged(o)) {
      Uncount(Counter::kIncrefs);
      return o;
    }
    if (internal::LayeredIncref(o)) return o;
  }
  internal::PlainIncref(o);
  return o;
}

inline void XDecrefCountedByCaller(Object* o) {
  if (o == nullptr) {
    Uncount(Counter::kDecrefs);
    return;
  }
  if (internal::RefcountSlowPath(o)) [[unlikely]] {
    if (IsTagged(o)) {
      Uncount(Counter::kDecrefs);
      return;
    }
    if (internal::LayeredDecref(o)) return;
  }
  internal::PlainDecref(o);
}

void tupledealloc(Object* o) {
  TupleObject* t = AsTuple(o);
  PyObject_GC_UnTrack(o);
  Py_TRASHCAN(o, tupledealloc, [&] {
    Count(Counter::kDecrefs, static_cast<uint64_t>(t->ob_size));
    for (Py_ssize_t i = 0; i < t->ob_size; ++i) XDecrefCountedByCaller(t->ob_item[i]);
    if (LayerOn(Layer::kFreeLists) && layers::free_lists::maybe_freelist_push(o)) return;
    FreeObject(o);
  });
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

namespace {

// tuple_alloc (Objects/tupleobject.c, 3.11): a tuple of `size` > 0 items from the free list or the
// allocator, its items not yet set. Always inlined into its two callers, as GCC inlines CPython's static
// tuple_alloc, so that the counting and the counting-free builds make the same inlining choice.
[[gnu::always_inline]] inline Object* tuple_alloc(Py_ssize_t size) {
  if (size < 0) {
    PyErr_SetString(ExcKind::kSystemError, "negative tuple size");
    return nullptr;
  }
  Object* o = LayerOn(Layer::kFreeLists) ? layers::free_lists::maybe_freelist_pop(size) : nullptr;
  if (o == nullptr) {
    o = AllocObject(&PyTuple_Type, TupleBytes(size));
    if (o == nullptr) return nullptr;
    Count(Counter::kTuples);  // a tuple from the free list is counted through free_list_hits
  }
  AsTuple(o)->ob_size = size;
  return o;
}

}  // namespace

Object* PyTuple_New(Py_ssize_t size) {
  if (size == 0) return Py_NewRef(&g_empty_tuple.ob_base);
  Object* o = tuple_alloc(size);
  if (o == nullptr) return nullptr;
  TupleObject* t = AsTuple(o);
  for (Py_ssize_t i = 0; i < size; ++i) t->ob_item[i] = nullptr;
  _PyObject_GC_TRACK(o);
  return o;
}

// _PyTuple_FromArray: the items are copied with their new references, never zeroed first.
Object* PyTuple_FromArray(Object* const* src, Py_ssize_t n) {
  if (n == 0) return Py_NewRef(&g_empty_tuple.ob_base);
  Object* o = tuple_alloc(n);
  if (o == nullptr) return nullptr;
  Object** dst = AsTuple(o)->ob_item;
  Count(Counter::kIncrefs, static_cast<uint64_t>(n));
  for (Py_ssize_t i = 0; i < n; ++i) dst[i] = NewRefCountedByCaller(src[i]);
  _PyObject_GC_TRACK(o);
  return o;
}

Object* PyTuple_GetSlice(Object* t, Py_ssize_t low, Py_ssize_t high) {
  const Py_ssize_t size = PyTuple_GET_SIZE(t);
  if (low < 0) low = 0;
  if (high > size) high = size;
  if (high < low) high = low;
  return PyTuple_FromArray(AsTuple(t)->ob_item + low, high - low);
}

int _PyTuple_Resize(Object** pv, Py_ssize_t newsize) {
  Object* v = *pv;
  if (v == nullptr || Py_TYPE(v) != &PyTuple_Type || (PyTuple_GET_SIZE(v) != 0 && v->ob_refcnt != 1) ||
      newsize < 0) {
    *pv = nullptr;
    Py_XDECREF(v);
    PyErr_SetString(ExcKind::kSystemError, "bad argument to internal function");
    return -1;
  }
  const Py_ssize_t oldsize = PyTuple_GET_SIZE(v);
  if (oldsize == newsize) return 0;
  Object* sv = PyTuple_New(newsize);
  if (sv == nullptr) {
    *pv = nullptr;
    Py_DECREF(v);
    return -1;
  }
  // The items move without touching their counts; the ones cut off are released with the old tuple.
  const Py_ssize_t kept = oldsize < newsize ? oldsize : newsize;
  for (Py_ssize_t i = 0; i < kept; ++i) {
    AsTuple(sv)->ob_item[i] = AsTuple(v)->ob_item[i];
    AsTuple(v)->ob_item[i] = nullptr;
  }
  Py_DECREF(v);
  *pv = sv;
  return 0;
}

void ClearTupleFreeLists() {
  for (FreeList& list : internal::g_tuple_state.free_list) {
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
  for (const FreeList& list : internal::g_tuple_state.free_list) total += list.count;
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
