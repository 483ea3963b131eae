// The Python program behind the override scenarios (docs/why.md): a subclass of `c_int * n` whose
// __setitem__ is a Python-level function that calls the base's,
//
//   from ctypes import Array
//   class Hooked(c_int * n):
//       def __setitem__(self, i, v):
//           Array.__setitem__(self, i, v)
//
// built as CPython builds it: a code object holding the body's 3.11 bytecode (RESUME, LOAD_GLOBAL,
// LOAD_METHOD, 3 x LOAD_FAST, PRECALL, CALL, POP_TOP, LOAD_CONST, RETURN_VALUE), a function over the
// module's globals, and a heap type made by type_new with the function in its dictionary, so the slot
// table gives it the generic sq_ass_item and mp_ass_subscript. The same body compiled to C (what Cython
// would emit for it) is the code's co_compiled, which runs when the `eval` layer is off.
#ifndef DISPATCHLAB_EXPERIMENTS_OVERRIDE_CLASS_H_
#define DISPATCHLAB_EXPERIMENTS_OVERRIDE_CLASS_H_

#include "core/object.h"

namespace dispatchlab {

// `Hooked` over `itemtype * n`, made on first use and cached by (item type, n), like the array types.
// nullptr with the error of PyCArrayType_from_ctype.
TypeObject* HookedArrayType(TypeObject* itemtype, Py_ssize_t n);

// The function stored as Hooked.__setitem__ (borrowed; it lives for the process).
Object* HookedSetitemFunction();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_OVERRIDE_CLASS_H_
