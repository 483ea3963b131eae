// Reference counts, the small-int cache, tagged immediates, tuple free lists and GC tracking.
#include "core/counters.h"
#include "core/long.h"
#include "core/tuple.h"
#include "tests/test_support.h"

namespace dispatchlab {
namespace {

using testing::RuntimeScope;

TEST_CASE("small ints come from the cache and allocate nothing") {
  RuntimeScope scope;
  const Counts before = SnapshotCounts();
  Object* a = PyLong_FromSsize_t(256);
  Object* b = PyLong_FromSsize_t(256);
  Object* neg = PyLong_FromSsize_t(-5);
  CHECK(a == b);
  CHECK(IsSmallIntObject(a));
  CHECK(IsSmallIntObject(neg));
  const Counts after = SnapshotCounts() - before;
  CHECK(after[Counter::kAllocations] == 0);
  CHECK(after[Counter::kBoxedInts] == 0);
  Py_DECREF(a);
  Py_DECREF(b);
  Py_DECREF(neg);
}

TEST_CASE("ints outside -5..256 are boxed, one allocation each, freed at refcount zero") {
  RuntimeScope scope;
  const Counts before = SnapshotCounts();
  Object* a = PyLong_FromSsize_t(257);
  Object* b = PyLong_FromSsize_t(257);
  Object* c = PyLong_FromSsize_t(-6);
  CHECK(a != b);
  CHECK(PyLong_Value(a) == 257);
  CHECK(a->ob_refcnt == 1);
  Py_INCREF(a);
  CHECK(a->ob_refcnt == 2);
  Py_DECREF(a);
  CHECK(PyLong_Type.live_instances >= 3);
  Py_DECREF(a);
  Py_DECREF(b);
  Py_DECREF(c);
  const Counts after = SnapshotCounts() - before;
  CHECK(after[Counter::kBoxedInts] == 3);
  CHECK(after[Counter::kAllocations] == 3);
  CHECK(after[Counter::kFrees] == 3);
}

TEST_CASE("tagged immediates are ints without an object") {
  RuntimeScope scope;
  Object* v = TagInt(-42);
  CHECK(IsTagged(v));
  CHECK(Py_TYPE(v) == &PyLong_Type);
  CHECK(PyLong_CheckExact(v));
  CHECK(PyLong_Value(v) == -42);
  Py_INCREF(v);  // no-ops on an immediate
  Py_DECREF(v);
  CHECK(FitsTagged(kTaggedMax));
  CHECK_FALSE(FitsTagged(kTaggedMax + 1));
}

TEST_CASE("dead tuples are parked on their size's free list and reused") {
  RuntimeScope scope;
  ReleaseCaches();
  Object* t = PyTuple_New(3);
  for (int i = 0; i < 3; ++i) PyTuple_SET_ITEM(t, i, PyLong_FromSsize_t(i));
  CHECK(GcTrackedCount() >= 1);
  Py_DECREF(t);
  CHECK(TupleFreeListSize() == 1);
  const Counts before = SnapshotCounts();
  Object* u = PyTuple_New(3);
  const Counts after = SnapshotCounts() - before;
  CHECK(after[Counter::kAllocations] == 0);
  CHECK(after[Counter::kFreeListHits] == 1);
  CHECK(after[Counter::kTuples] == 1);
  CHECK(TupleFreeListSize() == 0);
  for (int i = 0; i < 3; ++i) PyTuple_SET_ITEM(u, i, Py_NewRef(Py_None));
  Py_DECREF(u);
}

TEST_CASE("a free list holds at most 2000 tuples, and none beyond size 20") {
  RuntimeScope scope;
  ReleaseCaches();
  std::vector<Object*> tuples;
  for (int i = 0; i < 2100; ++i) tuples.push_back(PyTuple_New(1));
  for (Object* t : tuples) {
    PyTuple_SET_ITEM(t, 0, Py_NewRef(Py_None));
    Py_DECREF(t);
  }
  CHECK(TupleFreeListSize() == PyTuple_MAXFREELIST);
  Object* big = PyTuple_New(PyTuple_MAXSAVESIZE + 1);
  for (Py_ssize_t i = 0; i <= PyTuple_MAXSAVESIZE; ++i) PyTuple_SET_ITEM(big, i, Py_NewRef(Py_None));
  Py_DECREF(big);
  CHECK(TupleFreeListSize() == PyTuple_MAXFREELIST);
}

TEST_CASE("with the free_lists layer off every tuple is an allocation and a free") {
  RuntimeScope scope(RuntimeScope::DefaultLayers().Without(Layer::kFreeLists));
  ReleaseCaches();
  const Counts before = SnapshotCounts();
  for (int i = 0; i < 10; ++i) {
    Object* t = PyTuple_New(2);
    PyTuple_SET_ITEM(t, 0, Py_NewRef(Py_None));
    PyTuple_SET_ITEM(t, 1, Py_NewRef(Py_None));
    Py_DECREF(t);
  }
  const Counts after = SnapshotCounts() - before;
  CHECK(after[Counter::kAllocations] == 10);
  CHECK(after[Counter::kFrees] == 10);
  CHECK(TupleFreeListSize() == 0);
}

TEST_CASE("immortal objects skip reference-count writes when the immortal layer is on") {
  RuntimeScope scope(RuntimeScope::DefaultLayers().With(Layer::kImmortal));
  const Py_ssize_t before = Py_None->ob_refcnt;
  const Counts counts_before = SnapshotCounts();
  Py_INCREF(Py_None);
  CHECK(Py_None->ob_refcnt == before);
  Py_DECREF(Py_None);
  CHECK((SnapshotCounts() - counts_before)[Counter::kImmortalSkips] == 2);
}

TEST_CASE("with atomic_refcount on, objects of another thread are counted atomically") {
  RuntimeScope scope(RuntimeScope::DefaultLayers().With(Layer::kAtomicRefcount));
  Object* mine = PyLong_FromSsize_t(1000);
  const Counts before = SnapshotCounts();
  Py_INCREF(mine);  // owned by this thread: plain
  Py_DECREF(mine);
  CHECK((SnapshotCounts() - before)[Counter::kAtomicRefOps] == 0);
  mine->ob_tid += 1;  // pretend another thread made it
  Py_INCREF(mine);
  Py_DECREF(mine);
  CHECK((SnapshotCounts() - before)[Counter::kAtomicRefOps] == 2);
  mine->ob_tid -= 1;
  Py_DECREF(mine);
}

}  // namespace
}  // namespace dispatchlab
