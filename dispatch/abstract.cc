#include "dispatch/abstract.h"

#include <cstdint>

#include "core/errors.h"
#include "core/iterobject.h"
#include "core/layer_frame.h"
#include "core/list.h"
#include "core/long.h"
#include "core/slice.h"
#include "core/tuple.h"
#include "core/type.h"

namespace dispatchlab {

int PySequence_SetItem(Object* s, Py_ssize_t i, Object* v) {
  PySequenceMethods* m = Py_TYPE(s)->tp_as_sequence;
  if (m != nullptr && m->sq_ass_item != nullptr) {
    if (i < 0 && m->sq_length != nullptr) {
      const Py_ssize_t l = m->sq_length(s);
      if (l < 0) return -1;
      i += l;
    }
    Count(Counter::kSlotCalls);
    return m->sq_ass_item(s, i, v);
  }
  if (Py_TYPE(s)->tp_as_mapping != nullptr && Py_TYPE(s)->tp_as_mapping->mp_ass_subscript != nullptr) {
    PyErr_Format(ExcKind::kTypeError, "%s is not a sequence", Py_TYPE(s)->tp_name);
    return -1;
  }
  PyErr_Format(ExcKind::kTypeError, "'%s' object does not support item assignment", Py_TYPE(s)->tp_name);
  return -1;
}

Object* PySequence_GetItem(Object* s, Py_ssize_t i) {
  PySequenceMethods* m = Py_TYPE(s)->tp_as_sequence;
  if (m != nullptr && m->sq_item != nullptr) {
    if (i < 0 && m->sq_length != nullptr) {
      const Py_ssize_t l = m->sq_length(s);
      if (l < 0) return nullptr;
      i += l;
    }
    Count(Counter::kSlotCalls);
    return m->sq_item(s, i);
  }
  PyErr_Format(ExcKind::kTypeError, "'%s' object does not support indexing", Py_TYPE(s)->tp_name);
  return nullptr;
}

Py_ssize_t PySequence_Size(Object* s) {
  PySequenceMethods* m = Py_TYPE(s)->tp_as_sequence;
  if (m != nullptr && m->sq_length != nullptr) return m->sq_length(s);
  PyMappingMethods* mp = Py_TYPE(s)->tp_as_mapping;
  if (mp != nullptr && mp->mp_length != nullptr) return mp->mp_length(s);
  PyErr_Format(ExcKind::kTypeError, "object of type '%s' has no len()", Py_TYPE(s)->tp_name);
  return -1;
}

int PySequence_SetSlice(Object* s, Py_ssize_t i1, Py_ssize_t i2, Object* v) {
  PyMappingMethods* mp = Py_TYPE(s)->tp_as_mapping;
  if (mp == nullptr || mp->mp_ass_subscript == nullptr) {
    PyErr_Format(ExcKind::kTypeError, "'%s' object doesn't support slice assignment", Py_TYPE(s)->tp_name);
    return -1;
  }
  Object* start = PyLong_FromSsize_t(i1);
  Object* stop = start != nullptr ? PyLong_FromSsize_t(i2) : nullptr;
  Object* slice = stop != nullptr ? PySlice_New(start, stop, nullptr) : nullptr;
  Py_XDECREF(start);
  Py_XDECREF(stop);
  if (slice == nullptr) return -1;
  Count(Counter::kSlotCalls);
  const int result = mp->mp_ass_subscript(s, slice, v);
  Py_DECREF(slice);
  return result;
}

int PyObject_SetItem(Object* o, Object* key, Object* value) {
  PyMappingMethods* m = Py_TYPE(o)->tp_as_mapping;
  if (m != nullptr && m->mp_ass_subscript != nullptr) {
    Count(Counter::kSlotCalls);
    return m->mp_ass_subscript(o, key, value);
  }
  if (Py_TYPE(o)->tp_as_sequence != nullptr) {
    if (PyIndex_Check(key)) {
      const Py_ssize_t i = PyNumber_AsSsize_t(key);
      if (i == -1 && PyErr_Occurred()) return -1;
      return PySequence_SetItem(o, i, value);
    }
    if (Py_TYPE(o)->tp_as_sequence->sq_ass_item != nullptr) {
      PyErr_Format(ExcKind::kTypeError, "sequence index must be integer, not '%s'", Py_TYPE(key)->tp_name);
      return -1;
    }
  }
  PyErr_Format(ExcKind::kTypeError, "'%s' object does not support item assignment", Py_TYPE(o)->tp_name);
  return -1;
}

int StoreSlice(Object* container, Object* start, Object* stop, Object* v) {
  Object* slice = PySlice_New(start, stop, nullptr);
  if (slice == nullptr) return -1;
  const int status = PyObject_SetItem(container, slice, v);
  Py_DECREF(slice);
  return status;
}

Object* PyObject_GetItem(Object* o, Object* key) {
  PyMappingMethods* m = Py_TYPE(o)->tp_as_mapping;
  if (m != nullptr && m->mp_subscript != nullptr) {
    Count(Counter::kSlotCalls);
    return m->mp_subscript(o, key);
  }
  if (Py_TYPE(o)->tp_as_sequence != nullptr && PyIndex_Check(key)) {
    const Py_ssize_t i = PyNumber_AsSsize_t(key);
    if (i == -1 && PyErr_Occurred()) return nullptr;
    return PySequence_GetItem(o, i);
  }
  PyErr_Format(ExcKind::kTypeError, "'%s' object is not subscriptable", Py_TYPE(o)->tp_name);
  return nullptr;
}

bool PySequence_Check(const Object* s) {
  const PySequenceMethods* m = Py_TYPE(s)->tp_as_sequence;
  return m != nullptr && m->sq_item != nullptr;
}

Object* PyObject_GetIter(Object* o) {
  const getiterfunc f = Py_TYPE(o)->tp_iter;
  if (f == nullptr) {
    if (PySequence_Check(o)) return PySeqIter_New(o);
    PyErr_Format(ExcKind::kTypeError, "'%s' object is not iterable", Py_TYPE(o)->tp_name);
    return nullptr;
  }
  Count(Counter::kSlotCalls);
  Object* res = f(o);
  if (res != nullptr && Py_TYPE(res)->tp_iternext == nullptr) {  // PyIter_Check
    PyErr_Format(ExcKind::kTypeError, "iter() returned non-iterator of type '%s'", Py_TYPE(res)->tp_name);
    Py_DECREF(res);
    return nullptr;
  }
  return res;
}

// CPython's PyIter_Next also clears a StopIteration the iterator raised; the model's iterators end
// without one.
Object* PyIter_Next(Object* iter) {
  Count(Counter::kSlotCalls);
  return Py_TYPE(iter)->tp_iternext(iter);
}

// iter_iternext (Objects/iterobject.c): the sequence iterator's tp_iternext, beside the sequence protocol
// it calls (core/ cannot call dispatch/; InitRuntime installs it). The item at it_index through
// PySequence_GetItem; an IndexError (or the model's none: StopIteration) ends the iteration, which
// drops the sequence.
Object* iter_iternext(Object* iterator) {
  auto* it = reinterpret_cast<SeqIterObject*>(iterator);
  Object* seq = it->it_seq;
  if (seq == nullptr) return nullptr;
  if (it->it_index == PTRDIFF_MAX) {
    PyErr_SetString(ExcKind::kOverflowError, "iter index too large");
    return nullptr;
  }
  Object* result = PySequence_GetItem(seq, it->it_index);
  if (result != nullptr) {
    ++it->it_index;
    return result;
  }
  if (PyErr_ExceptionMatches(ExcKind::kIndexError)) {
    PyErr_Clear();
    it->it_seq = nullptr;
    Py_DECREF(seq);
  }
  return nullptr;
}

Py_ssize_t PyObject_LengthHint(Object* o, Py_ssize_t defaultvalue) {
  const TypeObject* t = Py_TYPE(o);
  const bool has_len = (t->tp_as_sequence != nullptr && t->tp_as_sequence->sq_length != nullptr) ||
                       (t->tp_as_mapping != nullptr && t->tp_as_mapping->mp_length != nullptr);
  if (has_len) {
    const Py_ssize_t res = PySequence_Size(o);
    if (res >= 0) return res;
    if (!PyErr_ExceptionMatches(ExcKind::kTypeError)) return -1;
    PyErr_Clear();
  }
  return defaultvalue;
}

namespace {

// A sequence without an iterator of its own (a ctypes array) is read by its length, item by item through
// sq_item. CPython iterates it with a sequence iterator until IndexError: the same items whenever
// __getitem__ ends where __len__ says, which the model's own types do. The fuzzer can give an array type a
// __getitem__ that never raises IndexError, which CPython would iterate forever; this keeps it finite.
Object* SequenceTupleByLength(Object* v) {
  const Py_ssize_t n = PySequence_Size(v);
  if (n < 0) {
    PyErr_Format(ExcKind::kTypeError, "'%s' object is not iterable", Py_TYPE(v)->tp_name);
    return nullptr;
  }
  Object* result = PyTuple_New(n);
  if (result == nullptr) return nullptr;
  for (Py_ssize_t i = 0; i < n; ++i) {
    Object* item = PySequence_GetItem(v, i);
    if (item == nullptr) {
      Py_DECREF(result);
      return nullptr;
    }
    PyTuple_SET_ITEM(result, i, item);
  }
  return result;
}

}  // namespace

Object* PySequence_Tuple(Object* v) {
  // CPython's two special cases (Objects/abstract.c): an exact tuple is itself, an exact list is copied
  // by PyList_AsTuple.
  if (Py_TYPE(v) == &PyTuple_Type) return Py_NewRef(v);
  if (PyList_Check(v)) return PyList_AsTuple(v);
  if (Py_TYPE(v)->tp_iter == nullptr) return SequenceTupleByLength(v);
  Object* it = PyObject_GetIter(v);
  if (it == nullptr) return nullptr;
  Py_ssize_t n = PyObject_LengthHint(v, 10);
  Object* result = n >= 0 ? PyTuple_New(n) : nullptr;
  if (result == nullptr) {
    Py_DECREF(it);
    return nullptr;
  }
  Py_ssize_t j = 0;
  for (;; ++j) {
    Object* item = PyIter_Next(it);
    if (item == nullptr) {
      if (PyErr_Occurred()) {
        Py_DECREF(result);
        Py_DECREF(it);
        return nullptr;
      }
      break;
    }
    if (j >= n) {
      // CPython's over-allocation: grow by ten, then a quarter (cut back below).
      n += 10;
      n += n >> 2;
      if (_PyTuple_Resize(&result, n) != 0) {
        Py_DECREF(item);
        Py_DECREF(it);
        return nullptr;
      }
    }
    PyTuple_SET_ITEM(result, j, item);
  }
  if (j < n && _PyTuple_Resize(&result, j) != 0) {
    Py_DECREF(it);
    return nullptr;
  }
  Py_DECREF(it);
  return result;
}

namespace layers::args_tuple {
DISPATCHLAB_LAYER_FN Object* PackInitializers(Object* source) { return PySequence_Tuple(source); }
}  // namespace layers::args_tuple

int _PyObject_RealIsSubclass(Object* derived, Object* cls) {
  if (PyType_Check(cls) && PyType_Check(derived))
    return PyType_IsSubtype(AsType(derived), AsType(cls)) ? 1 : 0;
  PyErr_SetString(ExcKind::kTypeError,
                  PyType_Check(derived) ? "issubclass() arg 2 must be a class, a tuple of classes, or a union"
                                        : "issubclass() arg 1 must be a class");
  return -1;
}

Object* _PyNumber_Index(Object* item) {
  if (PyLong_Check(item)) return Py_NewRef(item);
  PyNumberMethods* nb = Py_TYPE(item)->tp_as_number;
  if (nb == nullptr || nb->nb_index == nullptr) {
    PyErr_Format(ExcKind::kTypeError, "'%s' object cannot be interpreted as an integer",
                 Py_TYPE(item)->tp_name);
    return nullptr;
  }
  Count(Counter::kSlotCalls);
  Object* result = nb->nb_index(item);
  if (result == nullptr || PyLong_CheckExact(result)) return result;
  if (!PyLong_Check(result)) {
    PyErr_Format(ExcKind::kTypeError, "__index__ returned non-int (type %s)", Py_TYPE(result)->tp_name);
    Py_DECREF(result);
    return nullptr;
  }
  return result;
}

namespace layers::index_boxing {
// The boxed half of PyNumber_AsSsize_t: _PyNumber_Index, PyLong_AsSsize_t, DECREF.
DISPATCHLAB_LAYER_FN Py_ssize_t ConvertBoxedIndex(Object* item) {
  Count(Counter::kIndexConversions);
  Object* value = _PyNumber_Index(item);
  if (value == nullptr) return -1;
  const Py_ssize_t result = PyLong_Value(value);
  Py_DECREF(value);
  return result;
}
}  // namespace layers::index_boxing

Py_ssize_t PyNumber_AsSsize_t(Object* item) {
  if (IsTagged(item)) return UntagInt(item);
  return layers::index_boxing::ConvertBoxedIndex(item);
}

}  // namespace dispatchlab
