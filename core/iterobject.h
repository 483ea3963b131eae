// The sequence iterator (CPython: Objects/iterobject.c): what iter() returns for a type that has
// sq_item but no tp_iter of its own, and what numpy's array_iter returns for every ndarray. tuple(source)
// and f(*source) read a numpy array through one (PySequence_Tuple -> PyObject_GetIter -> PyIter_Next).
// Its tp_iternext, iter_iternext, calls the sequence protocol, so dispatch/ sets it (dispatch/abstract.cc).
#ifndef DISPATCHLAB_CORE_ITEROBJECT_H_
#define DISPATCHLAB_CORE_ITEROBJECT_H_

#include "core/object.h"

namespace dispatchlab {

// seqiterobject: the next index, and the sequence (nullptr once exhausted).
struct SeqIterObject {
  Object ob_base;
  Py_ssize_t it_index;
  Object* it_seq;
};
extern TypeObject PySeqIter_Type;

inline bool PySeqIter_Check(const Object* o) { return Py_TYPE(o) == &PySeqIter_Type; }
// PySeqIter_New: a GC-tracked iterator holding a new reference to `seq`, at index 0. nullptr with
// MemoryError.
Object* PySeqIter_New(Object* seq);

void InitSeqIterType();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_ITEROBJECT_H_
