// Py_BuildValue (CPython: Python/modsupport.c): builds a value from a format string and C arguments, the
// way CPython 3.6's call_method built the argument tuple of every slot trampoline call
// (`call_method(self, &PyId___setitem__, "(nO)", index, value)`). The format is parsed on every call:
// countformat scans it, do_mktuple / do_mkvalue walk it unit by unit, each unit reading one C argument.
//
// Supported units (what the trampolines use): '(' ... ')' a tuple, 'n' a Py_ssize_t boxed by the
// `index_boxing` rule, 'O' an object (new reference), and the separators ',', ':', ' ', '\t'. Any other
// unit raises SystemError("bad format char ...") as CPython does.
#ifndef DISPATCHLAB_DISPATCH_MODSUPPORT_H_
#define DISPATCHLAB_DISPATCH_MODSUPPORT_H_

#include <cstdarg>

#include "core/object.h"

namespace dispatchlab {

// New reference, or nullptr with an error. With one unit the value itself, with several a tuple, with
// none None (va_build_value).
Object* Py_BuildValue(const char* format, ...);
Object* Py_VaBuildValue(const char* format, va_list va);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_DISPATCH_MODSUPPORT_H_
