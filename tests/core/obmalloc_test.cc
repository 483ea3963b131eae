// pymalloc (core/obmalloc.h): size classes, block reuse, pools that empty and refill, the arena map, the
// `pymalloc` layer switched at run time with blocks alive, and objects allocated through it.
#include "core/obmalloc.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <set>
#include <vector>

#include "core/code.h"
#include "core/frame.h"
#include "core/long.h"
#include "core/ndarray.h"
#include "tests/test_support.h"

namespace dispatchlab {
namespace {

using testing::RuntimeScope;

LayerSet WithPymalloc(bool on) { return RuntimeScope::DefaultLayers().Set(Layer::kPymalloc, on); }

TEST_CASE("pymalloc serves small requests from its arenas, 16-byte aligned, and reuses a freed block first") {
  RuntimeScope scope(WithPymalloc(true));
  const PymallocStats before = GetPymallocStats();
  void* a = PyObject_Malloc(24);
  void* b = PyObject_Malloc(24);
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  CHECK(PymallocOwns(a));
  CHECK(PymallocOwns(b));
  CHECK(reinterpret_cast<uintptr_t>(a) % ALIGNMENT == 0);
  CHECK(a != b);
  CHECK(GetPymallocStats().blocks_in_use == before.blocks_in_use + 2);
  std::memset(a, 0xab, 24);
  PyObject_Free(a);
  void* c = PyObject_Malloc(32);  // the same size class (17..32 bytes): the block just freed comes back
  CHECK(c == a);
  PyObject_Free(b);
  PyObject_Free(c);
  CHECK(GetPymallocStats().blocks_in_use == before.blocks_in_use);
}

TEST_CASE("requests of 0 bytes or above 512 bytes go to malloc, and PyObject_Free returns them there") {
  RuntimeScope scope(WithPymalloc(true));
  void* big = PyObject_Malloc(SMALL_REQUEST_THRESHOLD + 1);
  void* edge = PyObject_Malloc(SMALL_REQUEST_THRESHOLD);
  void* zero = PyObject_Malloc(0);
  REQUIRE(big != nullptr);
  REQUIRE(edge != nullptr);
  REQUIRE(zero != nullptr);
  CHECK_FALSE(PymallocOwns(big));
  CHECK(PymallocOwns(edge));
  CHECK_FALSE(PymallocOwns(zero));
  PyObject_Free(big);
  PyObject_Free(edge);
  PyObject_Free(zero);
  PyObject_Free(nullptr);
}

TEST_CASE("blocks of every size class stay distinct and keep their contents across many pools") {
  RuntimeScope scope(WithPymalloc(true));
  const PymallocStats before = GetPymallocStats();
  std::vector<std::pair<unsigned char*, size_t>> blocks;
  std::set<unsigned char*> seen;
  // 2000 blocks per class of 16..512 bytes: several pools per class, more than one arena in all.
  for (size_t size = 16; size <= SMALL_REQUEST_THRESHOLD; size += 16) {
    for (int i = 0; i < 2000; ++i) {
      auto* p = static_cast<unsigned char*>(PyObject_Malloc(size));
      REQUIRE(p != nullptr);
      REQUIRE(seen.insert(p).second);
      std::memset(p, static_cast<int>(size / 16), size);
      blocks.emplace_back(p, size);
    }
  }
  CHECK(GetPymallocStats().arenas > before.arenas);
  for (auto [p, size] : blocks) {
    const unsigned char expected = static_cast<unsigned char>(size / 16);
    bool intact = true;
    for (size_t k = 0; k < size; ++k) intact = intact && p[k] == expected;
    REQUIRE(intact);
  }
  // Free every other block, then the rest: pools go from full to used to empty, arenas are released.
  for (size_t i = 0; i < blocks.size(); i += 2) PyObject_Free(blocks[i].first);
  for (size_t i = 1; i < blocks.size(); i += 2) PyObject_Free(blocks[i].first);
  const PymallocStats after = GetPymallocStats();
  CHECK(after.blocks_in_use == before.blocks_in_use);
  CHECK(after.pools_in_use == before.pools_in_use);
  CHECK(after.arenas <= before.arenas + 1);  // one wholly free arena may be kept (bpo-37257)
}

TEST_CASE(
    "a block goes back to the allocator it came from when the pymalloc layer is switched while it lives") {
  InitRuntime();
  void* from_pool = nullptr;
  void* from_malloc = nullptr;
  {
    ScopedLayers on(WithPymalloc(true));
    from_pool = PyObject_Malloc(40);
  }
  {
    ScopedLayers off(WithPymalloc(false));
    from_malloc = PyObject_Malloc(40);
    CHECK_FALSE(PymallocOwns(from_malloc));
    const size_t in_use = GetPymallocStats().blocks_in_use;
    PyObject_Free(from_pool);  // layer off: still returned to its pool
    CHECK(GetPymallocStats().blocks_in_use == in_use - 1);
  }
  {
    ScopedLayers on(WithPymalloc(true));
    PyObject_Free(from_malloc);  // layer on: not in an arena, so free()
  }
}

TEST_CASE("objects come from pymalloc with the layer on and from malloc with it off") {
  for (bool on : {true, false}) {
    RuntimeScope scope(WithPymalloc(on));
    Object* i = PyLong_FromSsize_t(1000);
    Object* scalar = NewInt64Scalar(7);
    REQUIRE(i != nullptr);
    REQUIRE(scalar != nullptr);
    CHECK(PymallocOwns(i) == on);
    CHECK(PymallocOwns(scalar) == on);
    Py_DECREF(i);
    Py_DECREF(scalar);
  }
}

TEST_CASE(
    "every size class holds a resident block, so a loop that allocates and frees one object never "
    "empties its pool") {
  RuntimeScope scope(WithPymalloc(true));
  const PymallocStats before = GetPymallocStats();
  CHECK(before.blocks_in_use >= NB_SMALL_SIZE_CLASSES);
  for (int i = 0; i < 1000; ++i) {
    Object* o = PyLong_FromSsize_t(100000 + i);
    REQUIRE(o != nullptr);
    CHECK(GetPymallocStats().pools_in_use == before.pools_in_use);
    Py_DECREF(o);
    REQUIRE(GetPymallocStats().pools_in_use == before.pools_in_use);
  }
}

TEST_CASE("3.6's frames come from pymalloc and go back to it from the zombie slot and the free list") {
  // frame_dealloc parks the first frame of a code on the code (co_zombieframe) and the next ones on the
  // free list; both are freed later by PyFrame_FreeZombie / PyFrame_ClearFreeList. Their memory came from
  // PyObject_Malloc, so it must go back through PyObject_Free (std::free of a pymalloc block corrupts
  // the C library's heap).
  RuntimeScope scope(WithPymalloc(true));
  const PymallocStats before = GetPymallocStats();
  Object* code = PyCode_New("f", 0, 1, 2, {}, {}, {}, nullptr);
  REQUIRE(code != nullptr);
  PyFrameObject* outer = _PyFrame_New_NoTrack(AsCode(code), nullptr, nullptr);
  REQUIRE(outer != nullptr);
  PyFrameObject* inner = _PyFrame_New_NoTrack(AsCode(code), nullptr, outer);
  REQUIRE(inner != nullptr);
  CHECK(PymallocOwns(outer));
  CHECK(PymallocOwns(inner));
  CHECK(GetPymallocStats().blocks_in_use > before.blocks_in_use);
  Py_DECREF(&inner->ob_base);  // inner -> the code's zombie (it drops its reference to outer)
  CHECK(AsCode(code)->co_zombieframe == inner);
  Py_DECREF(&outer->ob_base);  // the zombie slot is taken: outer -> the free list
  PyFrame_ClearFreeList();     // frees outer
  Py_DECREF(code);             // frees the zombie (inner)
  CHECK(GetPymallocStats().blocks_in_use == before.blocks_in_use);
}

}  // namespace
}  // namespace dispatchlab
