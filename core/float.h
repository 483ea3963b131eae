// Floats, only as far as the store path needs them: a value ctypes' c_double accepts and c_int rejects.
#ifndef DISPATCHLAB_CORE_FLOAT_H_
#define DISPATCHLAB_CORE_FLOAT_H_

#include "core/object.h"

namespace dispatchlab {

struct FloatObject {
  Object ob_base;
  double value;
};
extern TypeObject PyFloat_Type;

inline bool PyFloat_Check(const Object* o) { return Py_TYPE(o) == &PyFloat_Type; }
// A new float object, or nullptr with MemoryError.
Object* PyFloat_FromDouble(double value);
inline double PyFloat_AS_DOUBLE(const Object* o) { return reinterpret_cast<const FloatObject*>(o)->value; }

void InitFloatType();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_FLOAT_H_
