#include "core/iterobject.h"

#include "core/type.h"

namespace dispatchlab {

TypeObject PySeqIter_Type;

namespace {

// iter_dealloc: untrack (inline, as CPython's), drop the sequence (if not yet exhausted), free.
void iter_dealloc(Object* o) {
  _PyObject_GC_UNTRACK(o);
  Py_XDECREF(reinterpret_cast<SeqIterObject*>(o)->it_seq);
  FreeObject(o);
}

}  // namespace

Object* PySeqIter_New(Object* seq) {
  Object* o = AllocObject(&PySeqIter_Type, sizeof(SeqIterObject));
  if (o == nullptr) return nullptr;
  auto* it = reinterpret_cast<SeqIterObject*>(o);
  it->it_index = 0;
  it->it_seq = Py_NewRef(seq);
  _PyObject_GC_TRACK(o);
  return o;
}

void InitSeqIterType() {
  InitStaticType(&PySeqIter_Type, "iterator", &PyBaseObject_Type, sizeof(SeqIterObject), Py_TPFLAGS_HAVE_GC);
  PySeqIter_Type.tp_dealloc = iter_dealloc;
}

}  // namespace dispatchlab
