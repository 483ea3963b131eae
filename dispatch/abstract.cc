#include "dispatch/abstract.h"

#include "core/errors.h"
#include "core/layer_frame.h"
#include "core/long.h"
#include "core/slice.h"
#include "core/tuple.h"

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

Object* PySequence_Tuple(Object* v) {
  if (Py_TYPE(v) == &PyTuple_Type) return Py_NewRef(v);
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

namespace layers::args_tuple {
DISPATCHLAB_LAYER_FN Object* PackInitializers(Object* source) { return PySequence_Tuple(source); }
}  // namespace layers::args_tuple

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
