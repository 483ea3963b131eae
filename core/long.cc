#include "core/long.h"

#include "core/errors.h"
#include "core/type.h"

namespace dispatchlab {

TypeObject PyLong_Type;

namespace {

IntObject g_small_ints[kSmallIntMax - kSmallIntMin + 1];
PyNumberMethods g_long_as_number;

void long_dealloc(Object* o) { FreeObject(o); }

// int.__index__ returns the int itself.
Object* long_index(Object* self) { return Py_NewRef(self); }

}  // namespace

Object* PyLong_FromSsize_t(Py_ssize_t value) {
  if (value >= kSmallIntMin && value <= kSmallIntMax) {
    Object* small = &g_small_ints[value - kSmallIntMin].ob_base;
    Py_INCREF(small);
    return small;
  }
  Object* o = AllocObject(&PyLong_Type, sizeof(IntObject));
  if (o == nullptr) return nullptr;
  reinterpret_cast<IntObject*>(o)->value = value;
  Count(Counter::kBoxedInts);
  return o;
}

namespace {
uint64_t BadInternalCall() {
  PyErr_SetString(ExcKind::kSystemError, "bad argument to internal function");
  return static_cast<uint64_t>(-1);
}
}  // namespace

[[gnu::noinline]] uint64_t _PyLong_AsUnsignedLongMask(const Object* vv) {
  if (vv == nullptr || !PyLong_Check(vv)) [[unlikely]]
    return BadInternalCall();
  return static_cast<uint64_t>(PyLong_Value(vv));
}

[[gnu::noinline]] uint64_t PyLong_AsUnsignedLongMask(const Object* op) {
  if (op == nullptr || !PyLong_Check(op)) [[unlikely]]
    return BadInternalCall();
  return _PyLong_AsUnsignedLongMask(op);
}

bool IsSmallIntObject(const Object* o) {
  return !IsTagged(o) && o >= &g_small_ints[0].ob_base &&
         o <= &g_small_ints[kSmallIntMax - kSmallIntMin].ob_base;
}

void InitLongType() {
  InitStaticType(&PyLong_Type, "int", &PyBaseObject_Type, sizeof(IntObject), Py_TPFLAGS_LONG_SUBCLASS);
  PyLong_Type.tp_dealloc = long_dealloc;
  g_long_as_number.nb_index = long_index;
  PyLong_Type.tp_as_number = &g_long_as_number;
  for (int64_t v = kSmallIntMin; v <= kSmallIntMax; ++v) {
    IntObject& small = g_small_ints[v - kSmallIntMin];
    InitStaticObject(&small.ob_base, &PyLong_Type);
    small.value = v;
  }
}

}  // namespace dispatchlab
