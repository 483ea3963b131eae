// Tuples with CPython's free lists (Objects/tupleobject.c): tuples of 1..20 items are parked on a
// per-size list (at most 2000 each) when they die and reused by the next tuple of that size. The
// `free_lists` layer switches the recycling off (every tuple is then a malloc and a free).
#ifndef DISPATCHLAB_CORE_TUPLE_H_
#define DISPATCHLAB_CORE_TUPLE_H_

#include "core/object.h"

namespace dispatchlab {

struct TupleObject {
  Object ob_base;
  Py_ssize_t ob_size;
  Object* ob_item[1];  // ob_size items follow
};
extern TypeObject PyTuple_Type;

inline constexpr Py_ssize_t PyTuple_MAXSAVESIZE = 20;
inline constexpr int PyTuple_MAXFREELIST = 2000;

inline bool PyTuple_Check(const Object* o) {
  return PyType_HasFeature(Py_TYPE(o), Py_TPFLAGS_TUPLE_SUBCLASS);
}
inline TupleObject* AsTuple(Object* o) { return reinterpret_cast<TupleObject*>(o); }
inline Py_ssize_t PyTuple_GET_SIZE(Object* o) { return AsTuple(o)->ob_size; }
inline Object* PyTuple_GET_ITEM(Object* o, Py_ssize_t i) { return AsTuple(o)->ob_item[i]; }
inline void PyTuple_SET_ITEM(Object* o, Py_ssize_t i, Object* v) { AsTuple(o)->ob_item[i] = v; }

// A new tuple of `size` empty (nullptr) slots, GC-tracked; the caller fills every slot. size 0 returns
// the shared empty tuple. nullptr with MemoryError.
Object* PyTuple_New(Py_ssize_t size);
// _PyTuple_Resize (Objects/tupleobject.c): *pv, a tuple only its caller holds, grown (new slots empty) or
// shrunk (the items cut off released) to `newsize`. CPython reallocates in place (PyObject_GC_Resize);
// the model allocates the new size, moves the items, and frees the old tuple. -1 with *pv = nullptr and
// SystemError (a shared tuple) or MemoryError.
int _PyTuple_Resize(Object** pv, Py_ssize_t newsize);
// A new tuple holding new references to src[0..n) (_PyTuple_FromArray).
Object* PyTuple_FromArray(Object* const* src, Py_ssize_t n);
// A new tuple of items [low, high) of `t` (PyTuple_GetSlice).
Object* PyTuple_GetSlice(Object* t, Py_ssize_t low, Py_ssize_t high);

// Frees every parked tuple (at teardown, so allocations and frees balance).
void ClearTupleFreeLists();
// Tuples currently parked on the free lists.
int TupleFreeListSize();

void InitTupleType();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_TUPLE_H_
