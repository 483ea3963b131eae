#include "core/list.h"

#include "core/errors.h"
#include "core/trashcan.h"
#include "core/tuple.h"
#include "core/type.h"

namespace dispatchlab {

TypeObject PyList_Type;

namespace {
PySequenceMethods g_list_as_sequence;

void list_dealloc(Object* o) {
  PyObject_GC_UnTrack(o);
  Py_TRASHCAN(o, list_dealloc, [o] {
    auto* items = reinterpret_cast<ListObject*>(o)->items;
    for (Object* item : *items) Py_XDECREF(item);
    delete items;
    FreeObject(o);
  });
}

Py_ssize_t list_length(Object* o) { return PyList_GET_SIZE(o); }

Object* list_item(Object* o, Py_ssize_t i) {
  if (i < 0 || i >= PyList_GET_SIZE(o)) {
    PyErr_SetString(ExcKind::kIndexError, "list index out of range");
    return nullptr;
  }
  return Py_NewRef(PyList_GET_ITEM(o, i));
}
}  // namespace

Object* PyList_New(Py_ssize_t size) {
  Object* o = AllocObject(&PyList_Type, sizeof(ListObject));
  if (o == nullptr) return nullptr;
  // vector(size) allocates exactly size slots, all nullptr (CPython: PyMem_Calloc(size, sizeof(PyObject*))).
  reinterpret_cast<ListObject*>(o)->items = new std::vector<Object*>(static_cast<size_t>(size), nullptr);
  _PyObject_GC_TRACK(o);
  return o;
}

// app1 -> list_resize (Objects/listobject.c, 3.9+): when full, grow to newsize + newsize/8 + 6, rounded
// down to a multiple of 4, instead of std::vector's doubling (which would hold up to twice CPython's
// memory for a list built by appends).
void PyList_Append(Object* list, Object* item) {
  std::vector<Object*>* items = reinterpret_cast<ListObject*>(list)->items;
  if (items->size() == items->capacity()) {
    const size_t newsize = items->size() + 1;
    items->reserve((newsize + (newsize >> 3) + 6) & ~size_t{3});
  }
  items->push_back(Py_NewRef(item));
}

Object* PyList_AsTuple(Object* list) {
  std::vector<Object*>* items = reinterpret_cast<ListObject*>(list)->items;
  return PyTuple_FromArray(items->data(), static_cast<Py_ssize_t>(items->size()));
}

void InitListType() {
  InitStaticType(&PyList_Type, "list", &PyBaseObject_Type, sizeof(ListObject), Py_TPFLAGS_HAVE_GC);
  PyList_Type.tp_dealloc = list_dealloc;
  g_list_as_sequence.sq_length = list_length;
  g_list_as_sequence.sq_item = list_item;
  PyList_Type.tp_as_sequence = &g_list_as_sequence;
}

}  // namespace dispatchlab
