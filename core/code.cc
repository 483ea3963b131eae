#include "core/code.h"

#include <new>
#include <utility>

#include "core/frame.h"
#include "core/type.h"

namespace dispatchlab {

TypeObject PyCode_Type;

namespace {

void code_dealloc(Object* o) {
  PyCodeObject* co = AsCode(o);
  for (Object* c : co->co_consts) Py_DECREF(c);
  if (co->co_zombieframe != nullptr) PyFrame_FreeZombie(co->co_zombieframe);
  co->~PyCodeObject();
  FreeObject(o);
}

}  // namespace

absl::string_view OpcodeName(Opcode op) {
  switch (op) {
#define DISPATCHLAB_OPCODE(Id, name, number, py36, py312, py313) \
  case Opcode::k##Id:                                            \
    return name;
#include "core/opcodes.def"
  }
  return "?";
}

Object* PyCode_New(absl::string_view name, int argcount, int nlocals, int stacksize,
                   std::vector<CodeUnit> code, const std::vector<Object*>& consts,
                   std::vector<StrObject*> names, compiledfunc compiled) {
  Object* o = AllocObject(&PyCode_Type, sizeof(PyCodeObject));
  if (o == nullptr) return nullptr;
  Object header = *o;
  auto* co = new (o) PyCodeObject{header,    std::move(code),   consts,   std::move(names), argcount, nlocals,
                                  stacksize, std::string(name), compiled, nullptr};
  for (Object* c : co->co_consts) Py_INCREF(c);
  return o;
}

void InitCodeType() {
  InitStaticType(&PyCode_Type, "code", &PyBaseObject_Type, sizeof(PyCodeObject), 0);
  PyCode_Type.tp_dealloc = code_dealloc;
}

}  // namespace dispatchlab
