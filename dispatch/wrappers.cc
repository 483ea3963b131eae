#include "dispatch/wrappers.h"

#include "core/errors.h"
#include "core/layer_frame.h"
#include "core/long.h"
#include "core/tuple.h"
#include "dispatch/abstract.h"

namespace dispatchlab {

namespace layers::call {

// PyArg_UnpackTuple(args, "", min, max, ...): the count check and the copy into locals.
DISPATCHLAB_LAYER_FN bool UnpackArgs(const WrapperArgs& args, Py_ssize_t min, Py_ssize_t max, Object** out) {
  Count(Counter::kArgUnpacks);
  if (args.size < min || args.size > max) {
    PyErr_Format(ExcKind::kTypeError, "expected %s%d argument%s, got %d", min == max ? "" : "at least ", min,
                 min == 1 ? "" : "s", args.size);
    return false;
  }
  for (Py_ssize_t i = 0; i < args.size; ++i) out[i] = args.items[i];
  return true;
}

}  // namespace layers::call

bool PyArg_UnpackTuple(const WrapperArgs& args, Py_ssize_t min, Py_ssize_t max, Object** out) {
  return layers::call::UnpackArgs(args, min, max, out);
}

namespace {

// The tuple some C slots want (tp_call, tp_init): the one the call protocol built, or a new one.
Object* ArgsAsTuple(const WrapperArgs& args) {
  if (args.tuple != nullptr) return Py_NewRef(args.tuple);
  return PyTuple_FromArray(args.items, args.size);
}

// getindex: the index argument of a sequence wrapper, negative indices fixed up through sq_length.
Py_ssize_t GetIndex(Object* self, Object* arg) {
  Py_ssize_t i = PyNumber_AsSsize_t(arg);
  if (i == -1 && PyErr_Occurred()) return -1;
  if (i < 0) {
    PySequenceMethods* sq = Py_TYPE(self)->tp_as_sequence;
    if (sq != nullptr && sq->sq_length != nullptr) {
      const Py_ssize_t n = sq->sq_length(self);
      if (n < 0) return -1;
      i += n;
    }
  }
  return i;
}

Object* NoneOrNull(int result) { return result < 0 ? nullptr : Py_NewRef(Py_None); }

}  // namespace

Object* wrap_call(Object* self, const WrapperArgs& args, void* wrapped, Object* kwds) {
  Object* tuple = ArgsAsTuple(args);
  if (tuple == nullptr) return nullptr;
  Object* result = reinterpret_cast<ternaryfunc>(wrapped)(self, tuple, kwds);
  Py_DECREF(tuple);
  return result;
}

Object* wrap_descr_get(Object* self, const WrapperArgs& args, void* wrapped, Object*) {
  Object* out[2] = {nullptr, nullptr};
  if (!PyArg_UnpackTuple(args, 1, 2, out)) return nullptr;
  Object* obj = out[0] == Py_None ? nullptr : out[0];
  Object* type = out[1] == Py_None ? nullptr : out[1];
  return reinterpret_cast<descrgetfunc>(wrapped)(self, obj, type);
}

Object* wrap_init(Object* self, const WrapperArgs& args, void* wrapped, Object* kwds) {
  Object* tuple = ArgsAsTuple(args);
  if (tuple == nullptr) return nullptr;
  const int result = reinterpret_cast<initproc>(wrapped)(self, tuple, kwds);
  Py_DECREF(tuple);
  return NoneOrNull(result);
}

Object* wrap_unaryfunc(Object* self, const WrapperArgs& args, void* wrapped, Object*) {
  if (!PyArg_UnpackTuple(args, 0, 0, nullptr)) return nullptr;
  return reinterpret_cast<unaryfunc>(wrapped)(self);
}

Object* wrap_lenfunc(Object* self, const WrapperArgs& args, void* wrapped, Object*) {
  if (!PyArg_UnpackTuple(args, 0, 0, nullptr)) return nullptr;
  const Py_ssize_t n = reinterpret_cast<lenfunc>(wrapped)(self);
  if (n == -1 && PyErr_Occurred()) return nullptr;
  return PyLong_FromSsize_t(n);
}

Object* wrap_binaryfunc(Object* self, const WrapperArgs& args, void* wrapped, Object*) {
  Object* other = nullptr;
  if (!PyArg_UnpackTuple(args, 1, 1, &other)) return nullptr;
  return reinterpret_cast<binaryfunc>(wrapped)(self, other);
}

Object* wrap_objobjargproc(Object* self, const WrapperArgs& args, void* wrapped, Object*) {
  Object* out[2];
  if (!PyArg_UnpackTuple(args, 2, 2, out)) return nullptr;
  return NoneOrNull(reinterpret_cast<objobjargproc>(wrapped)(self, out[0], out[1]));
}

Object* wrap_delitem(Object* self, const WrapperArgs& args, void* wrapped, Object*) {
  Object* key = nullptr;
  if (!PyArg_UnpackTuple(args, 1, 1, &key)) return nullptr;
  return NoneOrNull(reinterpret_cast<objobjargproc>(wrapped)(self, key, nullptr));
}

Object* wrap_sq_item(Object* self, const WrapperArgs& args, void* wrapped, Object*) {
  Object* arg = nullptr;
  if (!PyArg_UnpackTuple(args, 1, 1, &arg)) return nullptr;
  const Py_ssize_t i = GetIndex(self, arg);
  if (i == -1 && PyErr_Occurred()) return nullptr;
  return reinterpret_cast<ssizeargfunc>(wrapped)(self, i);
}

Object* wrap_sq_setitem(Object* self, const WrapperArgs& args, void* wrapped, Object*) {
  Object* out[2];
  if (!PyArg_UnpackTuple(args, 2, 2, out)) return nullptr;
  const Py_ssize_t i = GetIndex(self, out[0]);
  if (i == -1 && PyErr_Occurred()) return nullptr;
  return NoneOrNull(reinterpret_cast<ssizeobjargproc>(wrapped)(self, i, out[1]));
}

Object* wrap_sq_delitem(Object* self, const WrapperArgs& args, void* wrapped, Object*) {
  Object* arg = nullptr;
  if (!PyArg_UnpackTuple(args, 1, 1, &arg)) return nullptr;
  const Py_ssize_t i = GetIndex(self, arg);
  if (i == -1 && PyErr_Occurred()) return nullptr;
  return NoneOrNull(reinterpret_cast<ssizeobjargproc>(wrapped)(self, i, nullptr));
}

}  // namespace dispatchlab
