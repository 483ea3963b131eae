// Lists, as a source of exact ints (the seed's `l.tolist()` cases). CPython: Objects/listobject.c.
#ifndef DISPATCHLAB_CORE_LIST_H_
#define DISPATCHLAB_CORE_LIST_H_

#include <vector>

#include "core/object.h"

namespace dispatchlab {

struct ListObject {
  Object ob_base;
  std::vector<Object*>* items;  // owned references
};
extern TypeObject PyList_Type;

inline bool PyList_Check(const Object* o) { return Py_TYPE(o) == &PyList_Type; }
// A new empty list, or nullptr with MemoryError.
Object* PyList_New();
// Appends a new reference to `item`.
void PyList_Append(Object* list, Object* item);
inline Py_ssize_t PyList_GET_SIZE(Object* o) {
  return static_cast<Py_ssize_t>(reinterpret_cast<ListObject*>(o)->items->size());
}
inline Object* PyList_GET_ITEM(Object* o, Py_ssize_t i) { return (*reinterpret_cast<ListObject*>(o)->items)[i]; }

void InitListType();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_LIST_H_
