// Code objects (CPython: Include/cpython/code.h, Objects/codeobject.c): the bytecode of a Python-level
// function, its constants and names, and the sizes its frame needs.
//
// Instructions are 3.11's two-byte code units (opcode, oparg), with opcodes from core/opcodes.def
// (the one opcode table: the enum, the names and the per-release columns all come from it). The inline
// cache entries 3.11 puts after some instructions are not stored: the loop runs the generic (unspecialized)
// form of every instruction (docs/why.md). A code object also keeps what two other paths need: the frame
// object 3.6 parks on its code for reuse (co_zombieframe), and the body compiled to C that runs when the
// `eval` layer is off (co_compiled, what Cython would emit for the same body).
#ifndef DISPATCHLAB_CORE_CODE_H_
#define DISPATCHLAB_CORE_CODE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "core/object.h"
#include "core/str.h"

namespace dispatchlab {

enum class Opcode : uint8_t {
#define DISPATCHLAB_OPCODE(Id, name, number, py36, py312, py313) k##Id = number,
#include "core/opcodes.def"
};

// _Py_CODEUNIT: one instruction.
struct CodeUnit {
  Opcode opcode;
  uint8_t oparg;
};

// The name of an opcode ("LOAD_FAST"), or "?" for a byte no row defines.
absl::string_view OpcodeName(Opcode op);

struct PyFrameObject;

// The body of a function compiled to C: called with the function and its positional arguments (borrowed),
// returns a new reference or nullptr with an error set.
using compiledfunc = Object* (*)(Object* func, Object* const* args, Py_ssize_t nargs);

struct PyCodeObject {
  Object ob_base;
  std::vector<CodeUnit> co_code;
  std::vector<Object*> co_consts;    // owned
  std::vector<StrObject*> co_names;  // interned names (immortal)
  int co_argcount;
  int co_nlocals;    // the arguments are the first locals
  int co_stacksize;  // the deepest the value stack gets
  std::string co_name;
  compiledfunc co_compiled;       // the body without the interpreter (`eval` off); may be null
  PyFrameObject* co_zombieframe;  // 3.6: the last frame of this code, kept for the next call
};

extern TypeObject PyCode_Type;

inline PyCodeObject* AsCode(Object* o) { return reinterpret_cast<PyCodeObject*>(o); }

// A new code object (new reference): `consts` are INCREF'd. nullptr with MemoryError.
Object* PyCode_New(absl::string_view name, int argcount, int nlocals, int stacksize,
                   std::vector<CodeUnit> code, const std::vector<Object*>& consts,
                   std::vector<StrObject*> names, compiledfunc compiled);

void InitCodeType();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_CODE_H_
