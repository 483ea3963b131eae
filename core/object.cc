// Object allocation, deallocation, GC tracking and the layered reference-count paths.
#include "core/object.h"

#include <cstdlib>

#include "core/errors.h"
#include "core/layer_frame.h"
#include "core/obmalloc.h"
#include "core/type.h"

namespace dispatchlab {

TypeObject PyType_Type;
TypeObject PyBaseObject_Type;
TypeObject PyNone_Type;
Object _Py_NoneStruct;

namespace {

std::atomic<uint32_t> g_next_thread_tag{1};

}  // namespace

using internal::GcHead;
using internal::HeadOf;
GcHead internal::g_generation0 = {&internal::g_generation0, &internal::g_generation0};

namespace internal {
thread_local uint32_t t_thread_tag = g_next_thread_tag.fetch_add(1);
}  // namespace internal

// Each layer's reference-count work has its own frame (core/layer_frame.h), so that a profiler charges it
// to the layer; in CPython both checks are a few inline instructions of Py_INCREF / Py_DECREF, so the
// frame's call and return (about four instructions) are the price of the label (docs/perf.md).
namespace layers::immortal {
// _Py_IsImmortal (PEP 683, 3.12+): an immortal object's count is never written.
DISPATCHLAB_LAYER_FN bool _Py_IsImmortal(Object* o) {
  if (o->ob_refcnt < kImmortalRefcnt) return false;
  Count(Counter::kImmortalSkips);
  return true;
}
}  // namespace layers::immortal

namespace layers::atomic_refcount {
// The shared half of biased reference counting (3.13t): a thread that does not own the object adds to its
// count atomically. Returns false for the owner thread, which increments plainly.
DISPATCHLAB_LAYER_FN bool _Py_IncRefShared(Object* o) {
  if (o->ob_tid == internal::t_thread_tag) return false;
  Count(Counter::kAtomicRefOps);
  std::atomic_ref<Py_ssize_t>(o->ob_refcnt).fetch_add(1, std::memory_order_relaxed);
  return true;
}
// _Py_DecRefShared: 0 = the owner's plain path applies, 1 = done, 2 = done and the count reached zero
// (the caller deallocates outside this frame, so the deallocation is not charged to this layer).
DISPATCHLAB_LAYER_FN int _Py_DecRefShared(Object* o) {
  if (o->ob_tid == internal::t_thread_tag) return 0;
  Count(Counter::kAtomicRefOps);
  return std::atomic_ref<Py_ssize_t>(o->ob_refcnt).fetch_sub(1, std::memory_order_acq_rel) == 1 ? 2 : 1;
}
}  // namespace layers::atomic_refcount

namespace internal {

// 3.12+: immortal objects skip the write. 3.13t: the owner thread increments its count plainly; any
// other thread adds atomically (the shared half of biased reference counting).
bool LayeredIncref(Object* o) {
  if (LayerOn(Layer::kImmortal) && layers::immortal::_Py_IsImmortal(o)) return true;
  return LayerOn(Layer::kAtomicRefcount) && layers::atomic_refcount::_Py_IncRefShared(o);
}

bool LayeredDecref(Object* o) {
  if (LayerOn(Layer::kImmortal) && layers::immortal::_Py_IsImmortal(o)) return true;
  if (!LayerOn(Layer::kAtomicRefcount)) return false;
  const int shared = layers::atomic_refcount::_Py_DecRefShared(o);
  if (shared == 2) _Py_Dealloc(o);
  return shared != 0;
}

void SlowIncref(Object* o) {
  if (IsTagged(o)) return;
  Count(Counter::kIncrefs);
  if (LayeredIncref(o)) return;
  PlainIncref(o);
}

void SlowDecref(Object* o) {
  if (IsTagged(o)) return;
  Count(Counter::kDecrefs);
  if (LayeredDecref(o)) return;
  PlainDecref(o);
}

}  // namespace internal

void _Py_Dealloc(Object* o) { Py_TYPE(o)->tp_dealloc(o); }

void internal::InitObjectHeaderCounted(Object* o, TypeObject* type) {
  o->ob_refcnt = 1;
  o->ob_type = type;
  o->ob_tid = internal::t_thread_tag;
  o->ob_flags = 0;
  ++type->live_instances;
}

void InitObjectHeader(Object* o, TypeObject* type) {
  internal::InitObjectHeaderCounted(o, type);
  Count(Counter::kObjects);
}

void InitStaticObject(Object* o, TypeObject* type) {
  o->ob_refcnt = kImmortalRefcnt;
  o->ob_type = type;
  o->ob_tid = 0;
  o->ob_flags = 0;
}

namespace {

// Two allocation sites, one per kind, so that no flag stays live across PyObject_Malloc: the counting
// build then compiles this as the counting-free one, plus one add (docs/counting.md).
template <bool kCountAllocation>
[[gnu::always_inline]] inline Object* AllocObjectImpl(TypeObject* type, size_t size) {
  Object* o = nullptr;
  if (PyType_HasFeature(type, Py_TPFLAGS_HAVE_GC)) {
    auto* head = static_cast<GcHead*>(PyObject_Malloc(size + sizeof(GcHead)));
    if (head != nullptr) {
      head->next = nullptr;
      head->prev = nullptr;
      o = reinterpret_cast<Object*>(head + 1);
    }
  } else {
    o = static_cast<Object*>(PyObject_Malloc(size));
  }
  if (o == nullptr) [[unlikely]] {
    PyErr_SetString(ExcKind::kMemoryError, "");
    return nullptr;
  }
  if constexpr (kCountAllocation) Count(Counter::kAllocations);
  internal::InitObjectHeaderCounted(o, type);  // `objects` counts it through `allocations`
  return o;
}

}  // namespace

Object* AllocObject(TypeObject* type, size_t size) { return AllocObjectImpl<true>(type, size); }

Object* internal::AllocObjectCountedByCaller(TypeObject* type, size_t size) {
  return AllocObjectImpl<false>(type, size);
}

void FreeObject(Object* o) {
  TypeObject* type = o->ob_type;
  --type->live_instances;
  Count(Counter::kFrees);
  if (PyType_HasFeature(type, Py_TPFLAGS_HAVE_GC)) {
    PyObject_Free(HeadOf(o));
  } else {
    PyObject_Free(o);
  }
}

void FreeForgottenObject(Object* o, TypeObject* type) {
  Count(Counter::kFrees);
  // The memory came from AllocObject, so it goes back through PyObject_Free (pymalloc's block, or malloc's).
  if (PyType_HasFeature(type, Py_TPFLAGS_HAVE_GC)) {
    PyObject_Free(HeadOf(o));
  } else {
    PyObject_Free(o);
  }
}

void _Py_SetImmortal(Object* o) {
  ForgetObject(o);
  o->ob_refcnt = kImmortalRefcnt;
}

// As CPython's: untrack only a tracked container (_PyObject_GC_IS_TRACKED), through the inline step.
void PyObject_GC_UnTrack(Object* o) {
  if (HeadOf(o)->next != nullptr) _PyObject_GC_UNTRACK(o);
}

Object* internal::_PyGCHead_PREV(Object* o) { return reinterpret_cast<Object*>(HeadOf(o)->prev); }

void internal::_PyGCHead_SET_PREV(Object* o, Object* prev) {
  HeadOf(o)->prev = reinterpret_cast<GcHead*>(prev);
}

size_t GcTrackedCount() {
  size_t n = 0;
  for (const GcHead* h = internal::g_generation0.next; h != &internal::g_generation0; h = h->next) ++n;
  return n;
}

Py_ssize_t LiveObjects() {
  Py_ssize_t n = 0;
  for (const TypeObject* t : AllTypes()) n += t->live_instances;
  return n;
}

}  // namespace dispatchlab
