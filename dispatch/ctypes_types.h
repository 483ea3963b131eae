// ctypes' type machinery in miniature (CPython: Modules/_ctypes/_ctypes.c, cfield.c, ctypes.h):
// the CData base, the metaclasses, simple item types (c_int, c_int64, c_double) and their storage info
// (StgInfo: size, length, item type, setfunc/getfunc, buffer format). The array type and its store
// functions are in dispatch/ctypes_array.h.
#ifndef DISPATCHLAB_DISPATCH_CTYPES_TYPES_H_
#define DISPATCHLAB_DISPATCH_CTYPES_TYPES_H_

#include "core/long.h"
#include "core/ndarray.h"
#include "core/object.h"
#include "core/type.h"

namespace dispatchlab {

// i_set & co: store `value` at `ptr`; a new reference to None, or nullptr with an error.
using setfunc = Object* (*)(void* ptr, Object* value, Py_ssize_t size);
// i_get & co: a new object for the value at `ptr`.
using getfunc = Object* (*)(const void* ptr, Py_ssize_t size);

// The kind of machine value an item type stores (drives the inlined store of the `setfunc` layer off).
enum class ItemKind { kInt32, kInt64, kDouble };

// CPython's StgDict (<= 3.12) / StgInfo (3.13): what ctypes knows about a type's storage.
struct StgInfo {
  Py_ssize_t size = 0;  // bytes of an instance
  Py_ssize_t align = 0;
  Py_ssize_t length = 0;        // arrays: number of items
  TypeObject* proto = nullptr;  // arrays: the item type
  setfunc setfunc_ = nullptr;   // simple types: the item store function (arrays: none)
  getfunc getfunc_ = nullptr;
  ItemKind kind = ItemKind::kInt32;
  char format[8] = "";  // buffer format, e.g. "<i"
};

extern TypeObject PyCType_Type;        // the common metaclass (3.13's PyCType_Type)
extern TypeObject PyCSimpleType_Type;  // metaclass of simple types
extern TypeObject PyCArrayType_Type;   // metaclass of array types
extern TypeObject PyCData_Type;        // _ctypes._CData
extern TypeObject Simple_Type;         // _ctypes._SimpleCData
extern TypeObject c_int_Type;          // ctypes.c_int (int32, format "<i")
extern TypeObject c_int64_Type;        // ctypes.c_int64 (format "<q")
extern TypeObject c_double_Type;       // ctypes.c_double (format "<d")

// The module identity of _ctypes (PyType_GetModuleByDef's def).
extern const char kCtypesModuleDef[];

// The storage info a ctypes type carries (nullptr for any other type), read directly: what the model's
// own set-up, checks and per-call paths use.
inline StgInfo* StgInfoOfType(const TypeObject* type) { return static_cast<StgInfo*>(type->tp_type_data); }

// PyObject_stgdict / PyType_stgdict (Modules/_ctypes/stgdict.c, 3.6 to 3.12): the storage info of an
// instance's type / of a type (PyType_Check first), or nullptr. Real functions in CPython, called once per
// store (Array_ass_item, _PyCData_set), so out of line here too. CPython's test is that tp_dict is set and
// is exactly a StgDict; the model keeps the info beside the type, so its test is that the pointer is set.
StgInfo* PyObject_stgdict(Object* self);
StgInfo* PyType_stgdict(Object* obj);

// CDataObject_Check (Modules/_ctypes/ctypes.h): a macro over PyObject_TypeCheck in CPython, so inline here:
// the exact-type test, then the subtype walk (counted).
inline bool CDataObject_Check(const Object* o) { return PyObject_TypeCheck(o, &PyCData_Type); }

// `c_int`, `c_int64`, `c_double` by name (for the CLI); nullptr when unknown.
TypeObject* SimpleTypeFromName(const char* name);

namespace layers::conversion {
// The number-protocol half of get_long (counted as a conversion).
int NumberIndexMask(Object* v, uint64_t* out);
}  // namespace layers::conversion

// get_long (Modules/_ctypes/cfield.c): the value of `v` modulo 2^64. Exact ints and immediates take the
// fast path; anything else goes through the number protocol (__index__, a temporary int) -- unless the
// `conversion` layer is off, when a numpy-like scalar is read directly. -1 with TypeError
// "'<type>' object cannot be interpreted as an integer".
inline int CtypesGetLong(Object* v, uint64_t* out) {
  if (PyLong_Check(v)) {
    *out = PyLong_AsUnsignedLongMask(v);
    return 0;
  }
  if (!LayerOn(Layer::kConversion) && PyInt64Scalar_Check(v)) {
    *out = static_cast<uint64_t>(reinterpret_cast<Int64ScalarObject*>(v)->value);
    return 0;
  }
  return layers::conversion::NumberIndexMask(v, out);
}
// PyFloat_AsDouble for d_set: floats, ints and objects with __index__; else TypeError
// "must be real number, not <type>".
int CtypesGetDouble(Object* v, double* out);

void InitCtypesTypes();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_DISPATCH_CTYPES_TYPES_H_
