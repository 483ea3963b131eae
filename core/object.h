// The object header, type objects with their slot suites, and reference counting
// (CPython: Include/object.h, Include/cpython/object.h).
//
// Every object starts with `Object` (reference count, type, owning thread). A type is itself an object
// whose slot suites (tp_, nb_, sq_, mp_, bf_) hold C function pointers; the protocols in dispatch/ call
// through them. An `Object*` may also be a *tagged immediate*: an integer carried in the pointer itself
// (low bit 1), which is how the `boxing` and `index_boxing` layers switched off let a value travel without
// an allocation (like clox's immediate values). Code never dereferences an Object* without Py_TYPE.
#ifndef DISPATCHLAB_CORE_OBJECT_H_
#define DISPATCHLAB_CORE_OBJECT_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/counters.h"
#include "core/layers.h"
#include "core/pystate.h"

namespace dispatchlab {

using Py_ssize_t = std::ptrdiff_t;

struct TypeObject;
struct StrObject;
struct Py_buffer;

struct Object {
  Py_ssize_t ob_refcnt;
  TypeObject* ob_type;
  uint32_t ob_tid;  // the thread that created the object (biased refcounting, atomic_refcount layer)
  uint32_t ob_flags;
};

// Objects with at least this count are immortal (statics, small ints, interned names, None). CPython 3.12's
// _Py_IMMORTAL_REFCNT on 64-bit builds (Include/object.h): UINT_MAX, so that adding 1 to the count's low 32
// bits wraps them to 0 and the count read as a 32-bit int is negative, the two tests of the inline path
// (PlainIncref, PlainDecref below).
inline constexpr Py_ssize_t kImmortalRefcnt = Py_ssize_t{0xFFFFFFFF};

// ---- Slot signatures (CPython's names) ----
using destructor = void (*)(Object*);
using lenfunc = Py_ssize_t (*)(Object*);
using ssizeargfunc = Object* (*)(Object*, Py_ssize_t);
using ssizeobjargproc = int (*)(Object*, Py_ssize_t, Object*);
using binaryfunc = Object* (*)(Object*, Object*);
using objobjargproc = int (*)(Object*, Object*, Object*);
using unaryfunc = Object* (*)(Object*);
using ternaryfunc = Object* (*)(Object*, Object*, Object*);
using initproc = int (*)(Object*, Object*, Object*);
using descrgetfunc = Object* (*)(Object*, Object*, Object*);
using vectorcallfunc = Object* (*)(Object* callable, Object* const* args, size_t nargsf, Object* kwnames);
using getbufferproc = int (*)(Object*, Py_buffer*, int);
using releasebufferproc = void (*)(Object*, Py_buffer*);
using getiterfunc = Object* (*)(Object*);
using iternextfunc = Object* (*)(Object*);
using allocfunc = Object* (*)(TypeObject*, Py_ssize_t nitems);
using freefunc = void (*)(void*);

inline constexpr size_t PY_VECTORCALL_ARGUMENTS_OFFSET = size_t{1} << (8 * sizeof(size_t) - 1);
inline Py_ssize_t PyVectorcall_NARGS(size_t n) {
  return static_cast<Py_ssize_t>(n & ~PY_VECTORCALL_ARGUMENTS_OFFSET);
}

struct PyNumberMethods {
  unaryfunc nb_index = nullptr;
};
struct PySequenceMethods {
  lenfunc sq_length = nullptr;
  ssizeargfunc sq_item = nullptr;
  ssizeobjargproc sq_ass_item = nullptr;
};
struct PyMappingMethods {
  lenfunc mp_length = nullptr;
  binaryfunc mp_subscript = nullptr;
  objobjargproc mp_ass_subscript = nullptr;
};
struct PyBufferProcs {
  getbufferproc bf_getbuffer = nullptr;
  releasebufferproc bf_releasebuffer = nullptr;
};

// tp_flags bits (CPython's values).
inline constexpr uint64_t Py_TPFLAGS_HEAPTYPE = 1ul << 9;
inline constexpr uint64_t Py_TPFLAGS_READY = 1ul << 12;
inline constexpr uint64_t Py_TPFLAGS_HAVE_GC = 1ul << 14;
inline constexpr uint64_t Py_TPFLAGS_METHOD_DESCRIPTOR = 1ul << 17;
inline constexpr uint64_t Py_TPFLAGS_VALID_VERSION_TAG = 1ul << 19;
inline constexpr uint64_t Py_TPFLAGS_LONG_SUBCLASS = 1ul << 24;
inline constexpr uint64_t Py_TPFLAGS_TUPLE_SUBCLASS = 1ul << 26;
inline constexpr uint64_t Py_TPFLAGS_TYPE_SUBCLASS = 1ul << 31;

// A type's attribute dictionary, keyed by interned names (pointer identity). Values are owned.
using TypeDict = absl::flat_hash_map<StrObject*, Object*>;

struct TypeObject {
  Object ob_base;
  std::string tp_name;
  Py_ssize_t tp_basicsize = 0;
  Py_ssize_t tp_itemsize = 0;
  destructor tp_dealloc = nullptr;
  ternaryfunc tp_call = nullptr;
  Py_ssize_t tp_vectorcall_offset = 0;  // where instances keep a vectorcallfunc; 0: no vector entry
  descrgetfunc tp_descr_get = nullptr;
  initproc tp_init = nullptr;
  getiterfunc tp_iter = nullptr;
  iternextfunc tp_iternext = nullptr;
  allocfunc tp_alloc = nullptr;  // set only where a type allocates its own way (numpy's scalars)
  freefunc tp_free = nullptr;
  PyNumberMethods* tp_as_number = nullptr;
  PySequenceMethods* tp_as_sequence = nullptr;
  PyMappingMethods* tp_as_mapping = nullptr;
  PyBufferProcs* tp_as_buffer = nullptr;
  uint64_t tp_flags = 0;
  TypeObject* tp_base = nullptr;
  std::vector<TypeObject*> tp_mro;  // the type itself first (CPython: a tuple)
  TypeDict tp_dict;
  uint32_t tp_version_tag = 0;
  std::vector<TypeObject*> tp_subclasses;
  void* tp_type_data = nullptr;  // per-type data of an extension (ctypes' StgInfo)

  // dispatchlab only: the vector entry CPython's wrapper_descriptor lacks. Used by the call protocol
  // only when the `call_tuple` layer is off (docs/call-protocol.md).
  vectorcallfunc dl_vectorcall_untupled = nullptr;
  // dispatchlab only: the module that defined a heap type (CPython's ht_module), for
  // PyType_GetModuleByDef in the `type_data` layer.
  const void* dl_module = nullptr;

  // The suites a heap type owns (PyHeapTypeObject's as_number, as_sequence, ...).
  PyNumberMethods as_number;
  PySequenceMethods as_sequence;
  PyMappingMethods as_mapping;
  PyBufferProcs as_buffer;

  Py_ssize_t live_instances = 0;  // instances allocated and not yet deallocated (leak accounting)
};

extern TypeObject PyType_Type;
extern TypeObject PyBaseObject_Type;
extern TypeObject PyLong_Type;
extern TypeObject PyNone_Type;
extern Object _Py_NoneStruct;
inline Object* const Py_None = &_Py_NoneStruct;

// ---- Tagged immediates ----
// In the `_untagged` build (kTaggedCompiledIn false, core/layers.h) no value is ever tagged: FitsTagged is
// false, so the boxing layers always box, and Py_TYPE has no test.
inline constexpr int64_t kTaggedMax = (int64_t{1} << 61) - 1;
inline constexpr int64_t kTaggedMin = -(int64_t{1} << 61);
inline bool IsTagged(const Object* o) {
  return kTaggedCompiledIn && (reinterpret_cast<uintptr_t>(o) & 1u) != 0;
}
inline bool FitsTagged(int64_t v) { return kTaggedCompiledIn && v >= kTaggedMin && v <= kTaggedMax; }
inline Object* TagInt(int64_t v) { return reinterpret_cast<Object*>((static_cast<uintptr_t>(v) << 1) | 1u); }
inline int64_t UntagInt(const Object* o) { return static_cast<int64_t>(reinterpret_cast<intptr_t>(o)) >> 1; }

inline TypeObject* Py_TYPE(const Object* o) { return IsTagged(o) ? &PyLong_Type : o->ob_type; }
inline bool Py_IS_TYPE(const Object* o, const TypeObject* t) { return Py_TYPE(o) == t; }
inline bool PyType_HasFeature(const TypeObject* t, uint64_t flag) { return (t->tp_flags & flag) != 0; }
// PyType_Check: `o` is a type (its type has Py_TPFLAGS_TYPE_SUBCLASS, set on `type` and inherited).
inline bool PyType_Check(const Object* o) { return PyType_HasFeature(Py_TYPE(o), Py_TPFLAGS_TYPE_SUBCLASS); }
inline Object* AsObject(TypeObject* t) { return &t->ob_base; }
inline TypeObject* AsType(Object* o) { return reinterpret_cast<TypeObject*>(o); }

// ---- Reference counting ----
// CPython 3.11's Py_INCREF is one add and Py_DECREF one subtract and a test (Include/object.h). The model has
// two things CPython 3.11 lacks: tagged immediates (the boxing layers switched off), whose "pointer" must not
// be written, and the refcount layers of later releases (immortal, atomic_refcount). Both are caught by one
// test of the pointer against a mask kept by SetActiveLayers (one `test reg, mem` and a branch): bit 0 alone
// (a tagged pointer is odd) while no refcount layer is on; every bit when one is, so every operation takes
// the layered path. The hot path of a cpython311 run is then the test, the branch and CPython's own work
// (docs/faithfulness.md, "The trampoline's overhead"). The `_untagged` build has neither, so the test is
// compiled out there (RefcountSlowPath is constant false).
namespace internal {
inline constexpr uint32_t kRefcountLayerMask = LayerGroupMask(LayerGroup::kRefcount);
// 1 while no refcount layer is on, ~0 while one is (set with the active layers, core/layers.cc).
extern uintptr_t g_refcount_slow_mask;
extern thread_local uint32_t t_thread_tag;
// The reference-count paths of the immortal and atomic_refcount layers. Return true when done.
bool LayeredIncref(Object* o);
bool LayeredDecref(Object* o);
// The slow paths of Py_INCREF / Py_DECREF, out of line: a tagged immediate (nothing to do, nothing
// counted), else the count and the layered path, else the plain operation. Out of line so that the fast
// path's count is one add that the compiler does not merge with this path's (docs/counting.md).
void SlowIncref(Object* o);
void SlowDecref(Object* o);
// Whether `o` takes the slow path of Py_INCREF / Py_DECREF: the one test above.
inline bool RefcountSlowPath(const Object* o) {
  return kTaggedCompiledIn && (reinterpret_cast<uintptr_t>(o) & g_refcount_slow_mask) != 0;
}
}  // namespace internal

void _Py_Dealloc(Object* o);

namespace internal {
// The count's own operation, once the tag and the layered paths are out of the way: CPython 3.11's one add
// and one subtract and test; in the immortal build (kImmortalInline), CPython 3.12's Py_INCREF (add 1 to the
// low 32 bits, and leave the count alone when they wrap to 0: an immortal object) and Py_DECREF (return
// early when _Py_IsImmortal, the count read as a 32-bit int being negative).
inline void PlainIncref(Object* o) {
  if constexpr (kImmortalInline) {
    const uint32_t incremented = static_cast<uint32_t>(o->ob_refcnt) + 1;
    if (incremented == 0) return;
    o->ob_refcnt = incremented;
  } else {
    ++o->ob_refcnt;
  }
}
inline void PlainDecref(Object* o) {
  if constexpr (kImmortalInline) {
    if (static_cast<int32_t>(o->ob_refcnt) < 0) return;
  }
  if (--o->ob_refcnt == 0) _Py_Dealloc(o);
}
}  // namespace internal

inline void Py_INCREF(Object* o) {
  if (internal::RefcountSlowPath(o)) [[unlikely]] {
    internal::SlowIncref(o);
    return;
  }
  Count(Counter::kIncrefs);
  internal::PlainIncref(o);
}

inline void Py_DECREF(Object* o) {
  if (internal::RefcountSlowPath(o)) [[unlikely]] {
    internal::SlowDecref(o);
    return;
  }
  Count(Counter::kDecrefs);
  internal::PlainDecref(o);
}

inline void Py_XINCREF(Object* o) {
  if (o != nullptr) Py_INCREF(o);
}
inline void Py_XDECREF(Object* o) {
  if (o != nullptr) Py_DECREF(o);
}
inline Object* Py_NewRef(Object* o) {
  Py_INCREF(o);
  return o;
}

// ---- Allocation ----
// Leak accounting: each type counts its live instances (TypeObject::live_instances), one add when an
// object is made and one subtract when it dies, for the leak checks of the tests, the fuzzer and `counts`.
// CPython keeps no such count outside its debug build (_Py_RefTotal); the model keeps this one in both
// builds, so that counting compiled in costs only the counters (docs/counting.md), and derives the total
// and the GC list's length when asked.
//
// Allocates an object of `size` bytes of `type` with refcount 1 (counts objects and allocations). GC
// types get a tracking header in front, as CPython's PyObject_GC_New. Returns nullptr with MemoryError.
Object* AllocObject(TypeObject* type, size_t size);
// Frees an object's memory (the tp_dealloc of every type ends here).
void FreeObject(Object* o);
// Initialises the header of an object whose memory came from elsewhere (a free list), counting an object.
void InitObjectHeader(Object* o, TypeObject* type);
namespace internal {
// InitObjectHeader for a creation already counted as an allocation (AllocObject) or a tuple free-list hit:
// the `objects` counter is derived from those two (core/counters.cc), so it is not incremented here.
void InitObjectHeaderCounted(Object* o, TypeObject* type);
// AllocObject for a creation its caller counts in a counter the `allocations` counter is derived from
// (numpy's scalars: core/counters.cc), so that the hot path pays one increment per object.
Object* AllocObjectCountedByCaller(TypeObject* type, size_t size);
}  // namespace internal
// Ends an object's life without freeing its memory (an object parked on a free list): for the leak
// accounting (live_instances), nothing else.
inline void ForgetObject(Object* o) { --o->ob_type->live_instances; }
// Frees the memory of an object parked by ForgetObject (a free list emptied), counting the free.
void FreeForgottenObject(Object* o, TypeObject* type);
// _Py_SetImmortal: an allocated object that lives for the rest of the process (module-level state such
// as a class's functions): no longer counted alive, its reference count pinned.
void _Py_SetImmortal(Object* o);
// Marks a statically allocated object immortal and gives it its type.
void InitStaticObject(Object* o, TypeObject* type);

// GC tracking (a doubly linked list of container objects, as CPython's generation 0).
namespace internal {
// CPython's PyGC_Head: the links of the generation list, in front of every container object.
struct GcHead {
  GcHead* next;
  GcHead* prev;
};
extern GcHead g_generation0;
inline GcHead* HeadOf(Object* o) { return reinterpret_cast<GcHead*>(o) - 1; }
}  // namespace internal
// _PyObject_GC_TRACK (Include/internal/pycore_object.h): links a new container at the end of generation 0.
// A static inline function of CPython's headers, which tupleobject.c, listobject.c, iterobject.c and
// descrobject.c's PyWrapper_New call, so inline here too: no call of its own.
// With the `thread_state` layer on it finds generation 0 through the interpreter's state, the interpreter
// through the thread-local (3.12: interp->gc.generation0); with it off, as a global (3.6's
// _PyGC_generation0).
inline void _PyObject_GC_TRACK(Object* o) {
  internal::GcHead* h = internal::HeadOf(o);
  internal::GcHead* generation0 = ThreadStateOn()
                                      ? layers::thread_state::_PyInterpreterState_GET()->generation0
                                      : &internal::g_generation0;
  internal::GcHead* last = generation0->prev;
  h->prev = last;
  h->next = generation0;
  last->next = h;
  generation0->prev = h;
}
// _PyObject_GC_UNTRACK (Include/internal/pycore_object.h): unlinks a tracked container; static inline in
// CPython, which iterobject.c's iter_dealloc uses, so inline here too.
inline void _PyObject_GC_UNTRACK(Object* o) {
  internal::GcHead* h = internal::HeadOf(o);
  h->prev->next = h->next;
  h->next->prev = h->prev;
  h->next = nullptr;
  h->prev = nullptr;
}
// PyObject_GC_UnTrack (Modules/gcmodule.c): unlinks a container if it is tracked. An exported function,
// which tupledealloc, list_dealloc, wrapper_dealloc and 3.6's frame_dealloc call, so a call here too.
void PyObject_GC_UnTrack(Object* o);
namespace internal {
// _PyGCHead_PREV / _PyGCHead_SET_PREV (Include/internal/pycore_gc.h) on an untracked container: the link
// the trashcan reuses to chain the objects whose deallocation it deferred (core/trashcan.h).
Object* _PyGCHead_PREV(Object* o);
void _PyGCHead_SET_PREV(Object* o, Object* prev);
}  // namespace internal

// Containers tracked now (walks the list: for tests).
size_t GcTrackedCount();
// Objects allocated and not yet deallocated, over all types (statics and types excluded): the sum of every
// type's live_instances (for the leak checks, not for a hot path).
Py_ssize_t LiveObjects();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_OBJECT_H_
