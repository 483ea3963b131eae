#include "core/float.h"

#include "core/type.h"

namespace dispatchlab {

TypeObject PyFloat_Type;

namespace {
void float_dealloc(Object* o) { FreeObject(o); }
}  // namespace

Object* PyFloat_FromDouble(double value) {
  Object* o = AllocObject(&PyFloat_Type, sizeof(FloatObject));
  if (o == nullptr) return nullptr;
  reinterpret_cast<FloatObject*>(o)->value = value;
  return o;
}

void InitFloatType() {
  InitStaticType(&PyFloat_Type, "float", &PyBaseObject_Type, sizeof(FloatObject), 0);
  PyFloat_Type.tp_dealloc = float_dealloc;
}

}  // namespace dispatchlab
