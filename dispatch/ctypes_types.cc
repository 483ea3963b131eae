#include "dispatch/ctypes_types.h"

#include <cstring>

#include "core/errors.h"
#include "core/float.h"
#include "core/layer_frame.h"
#include "core/long.h"
#include "core/ndarray.h"
#include "core/type.h"
#include "dispatch/abstract.h"

namespace dispatchlab {

TypeObject PyCType_Type;
TypeObject PyCSimpleType_Type;
TypeObject PyCArrayType_Type;
TypeObject PyCData_Type;
TypeObject Simple_Type;
TypeObject c_int_Type;
TypeObject c_int64_Type;
TypeObject c_double_Type;
const char kCtypesModuleDef[] = "_ctypes";

StgInfo* PyObject_stgdict(Object* self) { return StgInfoOfType(Py_TYPE(self)); }

StgInfo* PyType_stgdict(Object* obj) {
  if (!PyType_Check(obj)) return nullptr;
  return StgInfoOfType(AsType(obj));
}

namespace layers::conversion {
// get_long's slow half: PyLong_AsUnsignedLongMask on a non-int -> _PyNumber_Index (nb_index, a
// temporary int), _PyLong_AsUnsignedLongMask, DECREF.
DISPATCHLAB_LAYER_FN int NumberIndexMask(Object* v, uint64_t* out) {
  Count(Counter::kConversions);
  Object* index = _PyNumber_Index(v);
  if (index == nullptr) return -1;
  *out = _PyLong_AsUnsignedLongMask(index);
  Py_DECREF(index);
  return 0;
}
}  // namespace layers::conversion

int CtypesGetDouble(Object* v, double* out) {
  if (PyFloat_Check(v)) {
    *out = PyFloat_AS_DOUBLE(v);
    return 0;
  }
  uint64_t bits = 0;
  if (PyLong_Check(v) || PyIndex_Check(v)) {
    if (CtypesGetLong(v, &bits) < 0) return -1;
    *out = static_cast<double>(static_cast<int64_t>(bits));
    return 0;
  }
  PyErr_Format(ExcKind::kTypeError, "must be real number, not %s", Py_TYPE(v)->tp_name);
  return -1;
}

namespace layers::setfunc {

DISPATCHLAB_LAYER_FN Object* i_set(void* ptr, Object* value, Py_ssize_t) {
  uint64_t v = 0;
  if (CtypesGetLong(value, &v) < 0) return nullptr;
  const int32_t x = static_cast<int32_t>(v);  // masked to 32 bits, no overflow error
  std::memcpy(ptr, &x, sizeof(x));
  return Py_NewRef(Py_None);
}

DISPATCHLAB_LAYER_FN Object* q_set(void* ptr, Object* value, Py_ssize_t) {
  uint64_t v = 0;
  if (CtypesGetLong(value, &v) < 0) return nullptr;
  std::memcpy(ptr, &v, sizeof(v));
  return Py_NewRef(Py_None);
}

DISPATCHLAB_LAYER_FN Object* d_set(void* ptr, Object* value, Py_ssize_t) {
  double d = 0;
  if (CtypesGetDouble(value, &d) < 0) return nullptr;
  std::memcpy(ptr, &d, sizeof(d));
  return Py_NewRef(Py_None);
}

}  // namespace layers::setfunc

namespace {

Object* i_get(const void* ptr, Py_ssize_t) {
  int32_t x;
  std::memcpy(&x, ptr, sizeof(x));
  return PyLong_FromLong(x);
}
Object* q_get(const void* ptr, Py_ssize_t) {
  int64_t x;
  std::memcpy(&x, ptr, sizeof(x));
  return PyLong_FromLong(x);
}
Object* d_get(const void* ptr, Py_ssize_t) {
  double x;
  std::memcpy(&x, ptr, sizeof(x));
  return PyFloat_FromDouble(x);
}

StgInfo g_int_info, g_int64_info, g_double_info;

void InitSimple(TypeObject* type, const char* name, StgInfo* info, Py_ssize_t size, setfunc set, getfunc get,
                ItemKind kind, const char* format) {
  InitStaticType(type, name, &Simple_Type, 0, 0);
  type->ob_base.ob_type = &PyCSimpleType_Type;
  type->dl_module = kCtypesModuleDef;
  info->size = size;
  info->align = size;
  info->length = 0;
  info->setfunc_ = set;
  info->getfunc_ = get;
  info->kind = kind;
  std::strncpy(info->format, format, sizeof(info->format) - 1);
  type->tp_type_data = info;
}

}  // namespace

TypeObject* SimpleTypeFromName(const char* name) {
  for (TypeObject* t : {&c_int_Type, &c_int64_Type, &c_double_Type}) {
    if (t->tp_name == name) return t;
  }
  return nullptr;
}

void InitCtypesTypes() {
  InitStaticType(&PyCType_Type, "_ctypes.CType_Type", &PyType_Type, sizeof(TypeObject), 0);
  InitStaticType(&PyCSimpleType_Type, "_ctypes.PyCSimpleType", &PyCType_Type, sizeof(TypeObject), 0);
  InitStaticType(&PyCArrayType_Type, "_ctypes.PyCArrayType", &PyCType_Type, sizeof(TypeObject), 0);
  InitStaticType(&PyCData_Type, "_ctypes._CData", &PyBaseObject_Type, 0, 0);
  InitStaticType(&Simple_Type, "_ctypes._SimpleCData", &PyCData_Type, 0, 0);
  InitSimple(&c_int_Type, "c_int", &g_int_info, 4, layers::setfunc::i_set, i_get, ItemKind::kInt32, "<i");
  InitSimple(&c_int64_Type, "c_long", &g_int64_info, 8, layers::setfunc::q_set, q_get, ItemKind::kInt64,
             "<q");
  c_int64_Type.tp_name = "c_int64";
  InitSimple(&c_double_Type, "c_double", &g_double_info, 8, layers::setfunc::d_set, d_get, ItemKind::kDouble,
             "<d");
}

}  // namespace dispatchlab
