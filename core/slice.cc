#include "core/slice.h"

#include <limits>

#include "core/errors.h"
#include "core/long.h"
#include "core/type.h"

namespace dispatchlab {

TypeObject PySlice_Type;

namespace {
constexpr Py_ssize_t kMax = std::numeric_limits<Py_ssize_t>::max();

void slice_dealloc(Object* o) {
  auto* s = reinterpret_cast<SliceObject*>(o);
  Py_DECREF(s->start);
  Py_DECREF(s->stop);
  Py_DECREF(s->step);
  FreeObject(o);
}

// _PyEval_SliceIndex for our int-only world.
bool SliceIndex(Object* v, Py_ssize_t* out) {
  if (v == Py_None) return true;
  if (!PyLong_Check(v)) {
    PyErr_SetString(ExcKind::kTypeError,
                    "slice indices must be integers or None or have an __index__ method");
    return false;
  }
  *out = PyLong_Value(v);
  return true;
}
}  // namespace

Object* PySlice_New(Object* start, Object* stop, Object* step) {
  Object* o = AllocObject(&PySlice_Type, sizeof(SliceObject));
  if (o == nullptr) return nullptr;
  auto* s = reinterpret_cast<SliceObject*>(o);
  s->start = Py_NewRef(start != nullptr ? start : Py_None);
  s->stop = Py_NewRef(stop != nullptr ? stop : Py_None);
  s->step = Py_NewRef(step != nullptr ? step : Py_None);
  return o;
}

int PySlice_Unpack(Object* slice, Py_ssize_t* start, Py_ssize_t* stop, Py_ssize_t* step) {
  auto* s = reinterpret_cast<SliceObject*>(slice);
  *step = 1;
  if (!SliceIndex(s->step, step)) return -1;
  if (*step == 0) {
    PyErr_SetString(ExcKind::kValueError, "slice step cannot be zero");
    return -1;
  }
  // As CPython: -step must not overflow in PySlice_AdjustIndices ("this is harmless; it just means we
  // cannot slice to the very first element with a huge negative step").
  if (*step < -kMax) *step = -kMax;
  *start = *step < 0 ? kMax : 0;
  *stop = *step < 0 ? -kMax - 1 : kMax;
  if (!SliceIndex(s->start, start)) return -1;
  if (!SliceIndex(s->stop, stop)) return -1;
  return 0;
}

Py_ssize_t PySlice_AdjustIndices(Py_ssize_t length, Py_ssize_t* start, Py_ssize_t* stop, Py_ssize_t step) {
  if (*start < 0) {
    *start += length;
    if (*start < 0) *start = step < 0 ? -1 : 0;
  } else if (*start >= length) {
    *start = step < 0 ? length - 1 : length;
  }
  if (*stop < 0) {
    *stop += length;
    if (*stop < 0) *stop = step < 0 ? -1 : 0;
  } else if (*stop >= length) {
    *stop = step < 0 ? length - 1 : length;
  }
  if (step < 0) {
    if (*stop < *start) return (*start - *stop - 1) / (-step) + 1;
  } else if (*start < *stop) {
    return (*stop - *start - 1) / step + 1;
  }
  return 0;
}

void InitSliceType() {
  InitStaticType(&PySlice_Type, "slice", &PyBaseObject_Type, sizeof(SliceObject), 0);
  PySlice_Type.tp_dealloc = slice_dealloc;
}

}  // namespace dispatchlab
