// The thread state's thread-local and the `thread_state` layer's reads of it through `__tls_get_addr`
// (what and why: core/pystate.h).
#include "core/pystate.h"

#include <dlfcn.h>
#include <link.h>

#include <cstdio>
#include <cstdlib>

#include "core/counters.h"
#include "core/layers.h"

namespace dispatchlab {

namespace internal {
extern _obmalloc_state g_obmalloc_state;  // core/obmalloc.cc
extern _Py_tuple_state g_tuple_state;     // core/tuple.cc
extern GcHead g_generation0;              // core/object.cc
constinit PyInterpreterState g_main_interpreter = {&g_obmalloc_state, &g_generation0, &g_tuple_state, {}};
}  // namespace internal

namespace {

// The model's thread-local (3.12: `_Py_tss_tstate`, Python/pystate.c).
constinit thread_local PyThreadState t_thread_state = {&internal::g_main_interpreter, 0, nullptr};

}  // namespace

namespace internal {
// The argument of `__tls_get_addr` (the x86-64 and AArch64 psABIs' tls_index): the TLS module that defines
// the variable and the variable's offset in that module's block. Code compiled -fPIC passes the pair the
// dynamic linker relocated (general-dynamic model); the model finds it once, below.
struct tls_index {
  unsigned long ti_module;  // NOLINT(google-runtime-int): the ABI's type
  unsigned long ti_offset;  // NOLINT(google-runtime-int)
};
tls_index g_tstate_tls_index = {0, 0};
}  // namespace internal

namespace {
using internal::g_tstate_tls_index;

// dl_iterate_phdr's callback: the module whose loaded segments hold this file's code is the one whose TLS
// block holds t_thread_state; its module id, and the variable's offset from this thread's copy of the block.
int FindThreadStateModule(dl_phdr_info* info, size_t /*size*/, void* found) {
  const auto code = reinterpret_cast<ElfW(Addr)>(&FindThreadStateModule);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    const ElfW(Addr) start = info->dlpi_addr + ph.p_vaddr;
    if (code < start || code >= start + ph.p_memsz) continue;
    if (info->dlpi_tls_modid == 0 || info->dlpi_tls_data == nullptr) return 0;
    g_tstate_tls_index.ti_module = info->dlpi_tls_modid;
    g_tstate_tls_index.ti_offset =
        reinterpret_cast<char*>(&t_thread_state) - static_cast<char*>(info->dlpi_tls_data);
    *static_cast<bool*>(found) = true;
    return 1;
  }
  return 0;
}

// Runs once, before every ordinary static initializer (priority 101, the first an application may use):
// dispatchlab-immortal reads the thread state with `thread_state` fixed on, so an object made by a static
// initializer would already need the index.
[[gnu::constructor(101)]] void FindThreadStateTlsIndex() {
  bool found = false;
  dl_iterate_phdr(FindThreadStateModule, &found);
  if (!found) {
    std::fputs("dispatchlab: cannot find the TLS module of the thread state (dl_iterate_phdr)\n", stderr);
    std::_Exit(70);
  }
}

}  // namespace

}  // namespace dispatchlab

// glibc's dynamic TLS resolver (exported by ld.so; the psABI's, declared in no public header).
extern "C" void* __tls_get_addr(
    dispatchlab::internal::tls_index* index);  // NOLINT(bugprone-reserved-identifier)

namespace dispatchlab {

PyThreadState* PyThreadState_Get() {
  if (ThreadStateOn()) return layers::thread_state::_PyThreadState_GET();
  return &t_thread_state;
}

namespace layers::thread_state {

DISPATCHLAB_LAYER_FN PyThreadState* _PyThreadState_GET() {
  Count(Counter::kThreadStateReads);
  return static_cast<PyThreadState*>(__tls_get_addr(&g_tstate_tls_index));
}

DISPATCHLAB_LAYER_FN PyInterpreterState* _PyInterpreterState_GET() {
  Count(Counter::kThreadStateReads);
  return static_cast<PyThreadState*>(__tls_get_addr(&g_tstate_tls_index))->interp;
}

}  // namespace layers::thread_state

}  // namespace dispatchlab
