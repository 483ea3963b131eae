// The thread state and the `thread_state` layer (core/pystate.h): the layer's reads through __tls_get_addr
// find the calling thread's own state, every thread's state names the one interpreter, and the per-element
// paths that reach the interpreter's state through it (allocator, tuple free lists, GC, type cache) behave
// the same with the layer on and off.
#include "core/pystate.h"

#include <catch2/catch.hpp>
#include <thread>

#include "core/counters.h"
#include "core/long.h"
#include "core/obmalloc.h"
#include "core/str.h"
#include "core/tuple.h"
#include "dispatch/lookup.h"
#include "dispatch/runtime.h"
#include "tests/test_support.h"

namespace dispatchlab {
namespace {

TEST_CASE("the thread_state layer's read through __tls_get_addr finds the calling thread's state",
          "[pystate]") {
  PyThreadState* main_state = layers::thread_state::_PyThreadState_GET();
  CHECK(main_state == PyThreadState_Get());
  CHECK(main_state->interp == &internal::g_main_interpreter);
  CHECK(layers::thread_state::_PyInterpreterState_GET() == &internal::g_main_interpreter);
  PyThreadState* other_state = nullptr;
  PyThreadState* other_direct = nullptr;
  PyInterpreterState* other_interp = nullptr;
  std::thread other([&] {
    other_state = layers::thread_state::_PyThreadState_GET();
    other_direct = PyThreadState_Get();
    other_interp = layers::thread_state::_PyInterpreterState_GET();
  });
  other.join();
  CHECK(other_state == other_direct);
  CHECK(other_state != main_state);
  CHECK(other_interp == &internal::g_main_interpreter);
}

TEST_CASE("with thread_state on, tuples, ints and lookups go through the interpreter's state unchanged",
          "[pystate]") {
  for (const bool on : {false, true}) {
    INFO("thread_state " << (on ? "on" : "off"));
    LayerSet layers = testing::RuntimeScope::DefaultLayers();
    layers = on ? layers.With(Layer::kThreadState) : layers.Without(Layer::kThreadState);
    testing::RuntimeScope scope(layers);
    const PymallocStats before = GetPymallocStats();
    const int parked_before = TupleFreeListSize();
    // A tuple made, freed to its free list, and made again from it: the same block.
    Object* one = PyLong_FromSsize_t(100000);
    Object* t = PyTuple_FromArray(&one, 1);
    REQUIRE(t != nullptr);
    const Object* first = t;
    Py_DECREF(t);
    const int parked = TupleFreeListSize();
    CHECK(parked >= 1);
    t = PyTuple_FromArray(&one, 1);
    CHECK(t == first);
    CHECK(TupleFreeListSize() == parked - 1);
    Py_DECREF(t);
    Py_DECREF(one);
    // The int went back to its pool; the tuple stays parked on its free list, a block in use.
    CHECK(GetPymallocStats().blocks_in_use ==
          before.blocks_in_use + static_cast<size_t>(TupleFreeListSize() - parked_before));
    // The type cache: a second lookup of the same name hits the entry the first one filled.
    const uint64_t hits = SnapshotCounts()[Counter::kCacheHits];
    Object* found = _PyType_Lookup(&PyTuple_Type, Id().__getitem__);
    Object* again = _PyType_Lookup(&PyTuple_Type, Id().__getitem__);
    CHECK(found == again);
    if (kCountingCompiledIn) CHECK(SnapshotCounts()[Counter::kCacheHits] == hits + 1);
  }
}

}  // namespace
}  // namespace dispatchlab
