// The loop keeps ceval's shape: fetch a code unit, count it, switch on its opcode; the value stack is
// an array of strong references after the locals; errors unwind the stack and return null. What each
// case does is the generic form of the 3.11 instruction (Python/ceval.c, 3.11.2), noted per case.
#include "dispatch/ceval.h"

#include "core/errors.h"
#include "core/frame.h"
#include "core/layer_frame.h"
#include "core/type.h"
#include "dispatch/call.h"
#include "dispatch/lookup.h"
#include "dispatch/typeattr.h"

namespace dispatchlab {

namespace {

_PyInterpreterFrame* g_current_frame = nullptr;   // tstate->cframe->current_frame (3.11)
PyFrameObject* g_current_frame_object = nullptr;  // tstate->frame (3.6)

// _PyObject_GetMethod: for an instance whose type holds a method descriptor under `name`, the unbound
// descriptor (returns 1: the caller pushes obj as self); otherwise the attribute itself (returns 0). A
// type object's attributes go through type_getattro (its tp_getattro is not the generic one).
int _PyObject_GetMethod(Object* obj, StrObject* name, Object** method) {
  if (!PyType_Check(obj)) {
    Object* descr = _PyType_Lookup(Py_TYPE(obj), name);
    if (descr != nullptr && PyType_HasFeature(Py_TYPE(descr), Py_TPFLAGS_METHOD_DESCRIPTOR)) {
      *method = Py_NewRef(descr);
      return 1;
    }
  }
  *method = PyObject_GetAttr(obj, name);
  return 0;
}

Object* CheckArguments(PyFunctionObject* f, Py_ssize_t nargs, Object* kwnames) {
  const PyCodeObject* co = AsCode(f->func_code);
  if (kwnames != nullptr) {
    PyErr_Format(ExcKind::kTypeError, "%s() got keyword arguments dispatchlab does not support",
                 f->func_qualname->value);
    return nullptr;
  }
  if (nargs != co->co_argcount) {
    PyErr_Format(ExcKind::kTypeError, "%s() takes %d positional argument%s but %d %s given",
                 f->func_qualname->value, co->co_argcount, co->co_argcount == 1 ? "" : "s", nargs,
                 nargs == 1 ? "was" : "were");
    return nullptr;
  }
  return &f->ob_base;
}

}  // namespace

namespace layers::eval {

DISPATCHLAB_LAYER_FN Object* _PyEval_EvalFrameDefault(PyCodeObject* co, TypeDict* globals,
                                                      Object** localsplus) {
  Object** const stack_base = localsplus + co->co_nlocals;
  Object** stack_pointer = stack_base;
  const CodeUnit* next_instr = co->co_code.data();
  Object* retval = nullptr;
  // _Py_EnterRecursiveCallTstate at the entry frame: a Python-level recursion through C slots stops.
  if (Py_EnterRecursiveCall("") != 0) return nullptr;
  for (;;) {
    const CodeUnit word = *next_instr++;
    const int oparg = word.oparg;
    Count(Counter::kOpcodes);
    switch (word.opcode) {
      case Opcode::kResume:  // the eval-breaker check: nothing pending in dispatchlab
        continue;
      case Opcode::kLoadFast: {
        Object* value = localsplus[oparg];
        if (value == nullptr) {
          PyErr_Format(ExcKind::kSystemError, "local variable %d referenced before assignment", oparg);
          goto error;
        }
        *stack_pointer++ = Py_NewRef(value);
        continue;
      }
      case Opcode::kLoadConst:
        *stack_pointer++ = Py_NewRef(co->co_consts[oparg]);
        continue;
      case Opcode::kLoadGlobal: {
        // 3.11: oparg >> 1 indexes co_names; oparg & 1 pushes a NULL first (the callable's self slot).
        StrObject* name = co->co_names[oparg >> 1];
        Count(Counter::kDictProbes);
        auto it = globals->find(name);
        if (it == globals->end()) {
          PyErr_Format(ExcKind::kNameError, "name '%s' is not defined", name->value);
          goto error;
        }
        if (oparg & 1) *stack_pointer++ = nullptr;
        *stack_pointer++ = Py_NewRef(it->second);
        continue;
      }
      case Opcode::kLoadMethod: {
        // [obj] -> [meth, obj] when a method descriptor was found, else [NULL, attr].
        Object* obj = stack_pointer[-1];
        Object* meth = nullptr;
        const int meth_found = _PyObject_GetMethod(obj, co->co_names[oparg], &meth);
        if (meth == nullptr) goto error;
        if (meth_found) {
          stack_pointer[-1] = meth;
          *stack_pointer++ = obj;
        } else {
          stack_pointer[-1] = nullptr;
          Py_DECREF(obj);
          *stack_pointer++ = meth;
        }
        continue;
      }
      case Opcode::kPrecall: {
        // A bound method in the callable's place is unpacked into function + self.
        const int is_meth = stack_pointer[-(oparg + 2)] != nullptr;
        Object* callable = stack_pointer[-(oparg + 1)];
        if (!is_meth && Py_TYPE(callable) == &PyMethod_Type) {
          stack_pointer[-(oparg + 2)] = Py_NewRef(AsMethod(callable)->im_func);
          stack_pointer[-(oparg + 1)] = Py_NewRef(AsMethod(callable)->im_self);
          Py_DECREF(callable);
        }
        continue;
      }
      case Opcode::kCall: {
        const int is_meth = stack_pointer[-(oparg + 2)] != nullptr;
        const int total_args = oparg + is_meth;
        Object* function = stack_pointer[-(total_args + 1)];
        Object** args = stack_pointer - total_args;
        Object* res = PyObject_Vectorcall(
            function, args, static_cast<size_t>(total_args) | PY_VECTORCALL_ARGUMENTS_OFFSET, nullptr);
        for (int i = 0; i < total_args; ++i) Py_DECREF(args[i]);
        stack_pointer -= total_args;
        Py_DECREF(function);
        stack_pointer -= 2 - is_meth;
        if (res == nullptr) goto error;
        *stack_pointer++ = res;
        continue;
      }
      case Opcode::kPopTop:
        Py_DECREF(*--stack_pointer);
        continue;
      case Opcode::kReturnValue:
        retval = *--stack_pointer;
        Py_LeaveRecursiveCall();
        return retval;
    }
    PyErr_Format(ExcKind::kSystemError, "unknown opcode %d", static_cast<int>(word.opcode));
    goto error;
  }
error:
  // exception_unwind: the value stack is popped (no handlers in these bodies).
  while (stack_pointer > stack_base) Py_XDECREF(*--stack_pointer);
  Py_LeaveRecursiveCall();
  return nullptr;
}

DISPATCHLAB_LAYER_FN Object* _PyEval_Vector(PyFunctionObject* func, Object* const* args,
                                            Py_ssize_t argcount) {
  PyCodeObject* co = AsCode(func->func_code);
  // _PyEvalFramePushAndInit consumes references to the function and to every argument.
  Py_INCREF(&func->ob_base);
  for (Py_ssize_t i = 0; i < argcount; ++i) Py_INCREF(args[i]);
  _PyInterpreterFrame* frame = _PyThreadState_BumpFramePointer(FrameSizeInWords(co));
  if (frame == nullptr) {
    for (Py_ssize_t i = 0; i < argcount; ++i) Py_DECREF(args[i]);
    Py_DECREF(&func->ob_base);
    return nullptr;
  }
  Count(Counter::kFrames);
  // _PyFrame_InitializeSpecials, then the locals: the arguments, the rest cleared.
  frame->f_func = &func->ob_base;
  frame->f_code = Py_NewRef(&co->ob_base);
  frame->f_globals = func->func_globals;
  frame->previous = g_current_frame;
  frame->prev_instr = co->co_code.data() - 1;
  frame->stacktop = co->co_nlocals;
  for (Py_ssize_t i = 0; i < argcount; ++i) frame->localsplus[i] = args[i];
  for (int i = static_cast<int>(argcount); i < co->co_nlocals; ++i) frame->localsplus[i] = nullptr;
  g_current_frame = frame;
  Object* retval = _PyEval_EvalFrameDefault(co, func->func_globals, frame->localsplus);
  g_current_frame = frame->previous;
  // _PyEvalFrameClearAndPop: _PyFrame_Clear drops the locals, the function and the code.
  for (int i = 0; i < frame->stacktop; ++i) Py_XDECREF(frame->localsplus[i]);
  Py_DECREF(frame->f_func);
  Py_DECREF(frame->f_code);
  _PyThreadState_PopFrame(frame);
  return retval;
}

}  // namespace layers::eval

namespace layers::frame_object {

DISPATCHLAB_LAYER_FN Object* _PyFunction_FastCall(PyFunctionObject* func, Object* const* args,
                                                  Py_ssize_t nargs) {
  PyCodeObject* co = AsCode(func->func_code);
  PyFrameObject* f = _PyFrame_New_NoTrack(co, func->func_globals, g_current_frame_object);
  if (f == nullptr) return nullptr;
  Count(Counter::kFrames);
  for (Py_ssize_t i = 0; i < nargs; ++i) f->f_localsplus[i] = Py_NewRef(args[i]);
  g_current_frame_object = f;  // PyEval_EvalFrameEx: tstate->frame = f
  Object* result = eval::_PyEval_EvalFrameDefault(co, func->func_globals, f->f_localsplus);
  g_current_frame_object = f->f_back;
  Py_DECREF(&f->ob_base);  // frame_dealloc parks it on the code (co_zombieframe)
  return result;
}

}  // namespace layers::frame_object

Object* _PyFunction_Vectorcall(Object* callable, Object* const* stack, size_t nargsf, Object* kwnames) {
  PyFunctionObject* f = AsFunction(callable);
  const Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
  if (CheckArguments(f, nargs, kwnames) == nullptr) return nullptr;
  Count(Counter::kPyCalls);
  PyCodeObject* co = AsCode(f->func_code);
  if (!LayerOn(Layer::kEval) && co->co_compiled != nullptr) {
    // Compiled code keeps the recursion guard of the call it replaces.
    if (Py_EnterRecursiveCall("") != 0) return nullptr;
    Object* result = co->co_compiled(callable, stack, nargs);
    Py_LeaveRecursiveCall();
    return result;
  }
  if (LayerOn(Layer::kFrameObject)) return layers::frame_object::_PyFunction_FastCall(f, stack, nargs);
  return layers::eval::_PyEval_Vector(f, stack, nargs);
}

Object* method_vectorcall(Object* method, Object* const* args, size_t nargsf, Object* kwnames) {
  PyMethodObject* m = AsMethod(method);
  const Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
  if (nargsf & PY_VECTORCALL_ARGUMENTS_OFFSET) {
    // The caller lent the slot in front of args: self goes there for the call, then it is restored.
    Object** newargs = const_cast<Object**>(args) - 1;
    Object* saved = newargs[0];
    newargs[0] = m->im_self;
    Object* result = PyObject_Vectorcall(m->im_func, newargs, static_cast<size_t>(nargs + 1), kwnames);
    newargs[0] = saved;
    return result;
  }
  constexpr Py_ssize_t kSmallStack = 5;  // _PY_FASTCALL_SMALL_STACK
  if (nargs + 1 > kSmallStack) {
    PyErr_SetString(ExcKind::kTypeError, "dispatchlab's bound methods take at most 4 arguments");
    return nullptr;
  }
  Object* small_stack[kSmallStack];
  small_stack[0] = m->im_self;
  for (Py_ssize_t i = 0; i < nargs; ++i) small_stack[i + 1] = args[i];
  return PyObject_Vectorcall(m->im_func, small_stack, static_cast<size_t>(nargs + 1), kwnames);
}

}  // namespace dispatchlab
