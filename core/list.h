// Lists, as a source of exact ints (the seed's `l.tolist()` cases). CPython: Objects/listobject.c.
#ifndef DISPATCHLAB_CORE_LIST_H_
#define DISPATCHLAB_CORE_LIST_H_

#include <vector>

#include "core/object.h"

namespace dispatchlab {

struct ListObject {
  Object ob_base;
  // Owned references (nullptr in a slot PyList_New(size) left unset). Its capacity is CPython's
  // `allocated`: exactly the size after PyList_New(size), grown by list_resize's rule on append.
  std::vector<Object*>* items;
};
extern TypeObject PyList_Type;

inline bool PyList_Check(const Object* o) { return Py_TYPE(o) == &PyList_Type; }
// A new list of `size` empty slots (exactly `size` allocated, as CPython's PyList_New), to be filled with
// PyList_SET_ITEM; PyList_New() is the empty list. nullptr with MemoryError.
Object* PyList_New(Py_ssize_t size = 0);
// Appends a new reference to `item`, growing the storage as list_resize does (about 1/8 over).
void PyList_Append(Object* list, Object* item);
// Stores `item` in slot i, stealing the reference (the slot must be empty: PyList_New's fill).
inline void PyList_SET_ITEM(Object* o, Py_ssize_t i, Object* item) {
  (*reinterpret_cast<ListObject*>(o)->items)[static_cast<size_t>(i)] = item;
}
inline Py_ssize_t PyList_GET_SIZE(Object* o) {
  return static_cast<Py_ssize_t>(reinterpret_cast<ListObject*>(o)->items->size());
}
inline Object* PyList_GET_ITEM(Object* o, Py_ssize_t i) {
  return (*reinterpret_cast<ListObject*>(o)->items)[i];
}
// PyList_AsTuple (Objects/listobject.c): a new tuple of the list's items, copied in one pass with their
// new references (_PyTuple_FromArray over ob_item), no per-item slot call. nullptr with MemoryError.
Object* PyList_AsTuple(Object* list);

void InitListType();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_LIST_H_
