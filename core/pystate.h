// The interpreter's state and the thread's (CPython: Include/internal/pycore_interp.h, pycore_pystate.h,
// Include/cpython/pystate.h), and the `thread_state` layer: how code reaches them.
//
// CPython keeps the allocator's pools, the tuple free lists, the GC's generation 0 and the type cache in the
// interpreter's state (PyInterpreterState), which code finds through the current thread's state. Up to 3.11
// the model reads them as process globals (3.6's statics; 3.11 loads _PyRuntime.gilstate.tstate_current, two
// loads the model leaves out). 3.12 keeps the current thread state in a C thread-local, `_Py_tss_tstate`
// (Python/pystate.c), and every `_PyThreadState_GET()` / `_PyInterpreterState_GET()` reads it: in a
// position-independent libpython, as pyenv builds (--enable-shared), each read is a call to the dynamic
// linker's
// `__tls_get_addr`, the general-dynamic TLS sequence. The `thread_state` layer on does the same: it reads the
// thread state through `__tls_get_addr` with the module and offset of the model's thread-local
// (docs/faithfulness.md, "The interpreter's state through a thread-local").
#ifndef DISPATCHLAB_CORE_PYSTATE_H_
#define DISPATCHLAB_CORE_PYSTATE_H_

#include <cstdint>

#include "core/layer_frame.h"

namespace dispatchlab {

struct Object;
struct StrObject;
namespace internal {
struct GcHead;
}  // namespace internal
struct _obmalloc_state;  // core/obmalloc.cc
struct _Py_tuple_state;  // core/tuple.cc

// The type cache (3.12: Include/internal/pycore_typeobject.h, struct type_cache): 4096 entries keyed by
// (version tag, name), direct-mapped (dispatch/lookup.cc).
inline constexpr int MCACHE_SIZE_EXP = 12;
inline constexpr uint32_t kMethodCacheSize = 1u << MCACHE_SIZE_EXP;
struct type_cache_entry {
  uint32_t version = 0;
  StrObject* name = nullptr;
  Object* value = nullptr;  // borrowed
};
struct type_cache {
  type_cache_entry hashtable[kMethodCacheSize];
};

// PyInterpreterState: the parts of the interpreter's state the model's per-element paths reach. As in 3.12,
// the allocator's state and generation 0 are pointers, the type cache is held by value (interp->types).
struct PyInterpreterState {
  _obmalloc_state* obmalloc;
  internal::GcHead* generation0;
  _Py_tuple_state* tuple;
  type_cache types;
};

// PyThreadState: the thread's interpreter and the trashcan's two fields (core/trashcan.h). One per thread,
// a C thread-local as 3.12's `_Py_tss_tstate` (which points to it: the model's thread-local is the state
// itself, one load fewer per read).
struct PyThreadState {
  PyInterpreterState* interp;
  int trash_delete_nesting = 0;
  Object* trash_delete_later = nullptr;
};

namespace internal {
// The main (and only) interpreter (CPython: _PyRuntime._main_interpreter). With `thread_state` off the
// per-element paths read it as a global.
extern PyInterpreterState g_main_interpreter;
}  // namespace internal

// PyThreadState_Get (Python/pystate.c): the calling thread's state, an exported function the trashcan calls
// once per guarded deallocation (3.12's _PyThreadState_UncheckedGet, 3.13's PyThreadState_Get): through the
// thread-local with the `thread_state` layer on, directly with it off (3.11 reads a global there).
PyThreadState* PyThreadState_Get();

// The layer's reads: out of line, so that a profiler charges them to `thread_state` (core/layer_frame.h).
namespace layers::thread_state {
// _PyThreadState_GET (3.12: Include/internal/pycore_pystate.h): `_Py_tss_tstate` through __tls_get_addr.
DISPATCHLAB_LAYER_FN PyThreadState* _PyThreadState_GET();
// _PyInterpreterState_GET: the thread state's interp.
DISPATCHLAB_LAYER_FN PyInterpreterState* _PyInterpreterState_GET();
}  // namespace layers::thread_state

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_PYSTATE_H_
