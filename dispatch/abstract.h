// The abstract protocols (CPython: Objects/abstract.c): the entry points C code uses to reach a type's
// slots. PySequence_SetItem reaches sq_ass_item (a trampoline on a ctypes array subtype);
// PyObject_SetItem tries the mapping slot first (direct on a ctypes array).
#ifndef DISPATCHLAB_DISPATCH_ABSTRACT_H_
#define DISPATCHLAB_DISPATCH_ABSTRACT_H_

#include "core/object.h"

namespace dispatchlab {

// -1 with TypeError "'<type>' object does not support item assignment" (or "is not a sequence").
// A negative index is fixed up through sq_length first.
int PySequence_SetItem(Object* s, Py_ssize_t i, Object* v);
// New reference, or nullptr with TypeError "'<type>' object does not support indexing".
Object* PySequence_GetItem(Object* s, Py_ssize_t i);
// The length through sq_length or mp_length; -1 with TypeError "object of type '<type>' has no len()".
Py_ssize_t PySequence_Size(Object* s);
// s[i1:i2] = v through mp_ass_subscript with a new slice object.
int PySequence_SetSlice(Object* s, Py_ssize_t i1, Py_ssize_t i2, Object* v);

// o[key] = value: mapping slot first, then the sequence slot for an index key.
int PyObject_SetItem(Object* o, Object* key, Object* value);
// `container[start:stop] = v` as the bytecode runs it: BUILD_SLICE + STORE_SUBSCR (CPython 3.12 fuses them
// into STORE_SLICE: _PyBuildSlice_ConsumeRefs, then PyObject_SetItem). A new slice object from the bounds
// (borrowed; nullptr for an omitted bound, i.e. None), handed to PyObject_SetItem, then released.
int StoreSlice(Object* container, Object* start, Object* stop, Object* v);
Object* PyObject_GetItem(Object* o, Object* key);

// PySequence_Check: a type with sq_item (CPython also excludes dicts; the model has none).
bool PySequence_Check(const Object* s);
// PyObject_GetIter: tp_iter, or a sequence iterator (core/iterobject.h) for a sequence without one;
// nullptr with TypeError "'<type>' object is not iterable" (or "iter() returned non-iterator of type
// '<type>'").
Object* PyObject_GetIter(Object* o);
// PyIter_Next: the next item (new reference) through tp_iternext; nullptr at the end with no error set,
// or nullptr with the error.
Object* PyIter_Next(Object* iter);
// iter_iternext: the sequence iterator's tp_iternext (installed on PySeqIter_Type by InitRuntime).
Object* iter_iternext(Object* iterator);
// PyObject_LengthHint: the length of an object that has one; else `defaultvalue` (the model's types
// define no __length_hint__). -1 with the error of a failing length other than TypeError.
Py_ssize_t PyObject_LengthHint(Object* o, Py_ssize_t defaultvalue);
// PySequence_Tuple: a new tuple of the sequence's items (`tuple(source)`, and `f(*source)`'s packing).
// An exact tuple is itself and an exact list is copied (PyList_AsTuple); a type with tp_iter (numpy's
// array) is iterated (PyObject_GetIter, PyObject_LengthHint, PyIter_Next, _PyTuple_Resize), as CPython
// does; a sequence without tp_iter (a ctypes array) is read by its length (dispatch/abstract.cc says why).
Object* PySequence_Tuple(Object* v);
namespace layers::args_tuple {
// CALL_FUNCTION_EX's `f(*source)`: all initializers packed into one tuple before the call.
Object* PackInitializers(Object* source);
}  // namespace layers::args_tuple

// _PyObject_RealIsSubclass (3.11: recursive_issubclass's fast path): 1 when `derived` is `cls` or a subtype
// of it, 0 when not; -1 with TypeError "issubclass() arg 1 must be a class" when `derived` is not a type,
// or "issubclass() arg 2 must be a class, a tuple of classes, or a union" when `cls` is not.
// CPython then walks `__bases__` (abstract_issubclass) for class-like objects, which the model has none of.
int _PyObject_RealIsSubclass(Object* derived, Object* cls);

inline bool PyIndex_Check(const Object* o) {
  const TypeObject* t = Py_TYPE(o);
  return t->tp_as_number != nullptr && t->tp_as_number->nb_index != nullptr;
}
// _PyNumber_Index: an int (new reference) for an int or an object with __index__; else TypeError
// "'<type>' object cannot be interpreted as an integer".
Object* _PyNumber_Index(Object* item);
// PyNumber_AsSsize_t: an immediate is read directly; a boxed int converts back (the `index_boxing`
// layer's second half). -1 with an error set on failure.
Py_ssize_t PyNumber_AsSsize_t(Object* item);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_DISPATCH_ABSTRACT_H_
