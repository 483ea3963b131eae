// Slice objects and the index arithmetic of slice assignment (CPython: Objects/sliceobject.c).
#ifndef DISPATCHLAB_CORE_SLICE_H_
#define DISPATCHLAB_CORE_SLICE_H_

#include "core/object.h"

namespace dispatchlab {

struct SliceObject {
  Object ob_base;
  Object* start;  // owned; None when omitted
  Object* stop;
  Object* step;
};
extern TypeObject PySlice_Type;

inline bool PySlice_Check(const Object* o) { return Py_TYPE(o) == &PySlice_Type; }
// A new slice; nullptr arguments mean None. nullptr with MemoryError.
Object* PySlice_New(Object* start, Object* stop, Object* step);
// Reads start/stop/step (None -> defaults). -1 with ValueError "slice step cannot be zero" or TypeError
// "slice indices must be integers or None or have an __index__ method".
int PySlice_Unpack(Object* slice, Py_ssize_t* start, Py_ssize_t* stop, Py_ssize_t* step);
// Clips to a sequence of `length` and returns the slice length.
Py_ssize_t PySlice_AdjustIndices(Py_ssize_t length, Py_ssize_t* start, Py_ssize_t* stop, Py_ssize_t step);

void InitSliceType();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_SLICE_H_
